"""The newsbrief desk: a local web page and a REST API over the Python API.

    newsbrief serve                      # http://127.0.0.1:8000/ (pip install 'newsbrief[server]')

Importing this package is light: FastAPI and uvicorn load only in newsbrief.server.app,
which `newsbrief serve` imports when it starts the server.
"""

from __future__ import annotations

from .config import ServerConfig

__all__ = ["ServerConfig"]
