"""`newsbrief serve`: the local web page and REST API (pip install 'newsbrief[server]').

FastAPI and uvicorn are imported when the command runs, so `newsbrief --help` stays light.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import MissingDependencyError


def cmd_serve(args: argparse.Namespace) -> int:
    from ..server.config import ENV, ServerConfig, read_api_keys

    keys = read_api_keys(args.api_key_file) if args.api_key_file else ()
    config = ServerConfig(host=args.host, port=args.port, api_keys=keys, threads=args.threads, queue=args.queue,
                          max_body=args.max_body, timeout=args.timeout, cors_origins=tuple(args.cors_origin or ()),
                          cache=not args.no_cache)  # checks the settings: no key off loopback, ...
    try:
        import uvicorn
        import fastapi  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(f"`newsbrief serve` needs FastAPI and uvicorn ({exc}): "
                                     f"pip install 'newsbrief[server]'") from None
    os.environ[ENV] = config.to_json()  # each worker process builds its app from it
    host = f"[{config.host}]" if ":" in config.host else config.host
    url = f"http://{host}:{config.port}/"
    print(f"newsbrief desk: {url}  (API: {url}api/v1, docs: {url}docs; Ctrl+C to stop)", file=sys.stderr)
    if args.open:
        import threading
        import webbrowser

        threading.Timer(1.5, webbrowser.open, args=(url,)).start()
    uvicorn.run("newsbrief.server.app:create_app", factory=True, host=config.host, port=config.port,
                workers=args.workers, log_level="warning" if not args.verbose else "info",
                limit_concurrency=config.threads + config.queue + 64, timeout_graceful_shutdown=5)
    return 0


def add_commands(commands: "argparse._SubParsersAction") -> None:
    serve = commands.add_parser(
        "serve", help="the newsbrief desk: a local web page and REST API (pip install 'newsbrief[server]')",
        description="Serve the newsbrief page (paste an article or drop files, choose the reader's language, "
                    "read the brief) and the REST API under /api/v1, with LibreTranslate-compatible "
                    "/translate, /detect and /languages. Listens on 127.0.0.1 only unless given an API key.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1; anything else needs --api-key-file)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--api-key-file", metavar="FILE", help="API keys, one a line (16+ characters); clients send "
                       "`Authorization: Bearer KEY`, `X-API-Key: KEY` or LibreTranslate's api_key")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="worker processes (default 1); each loads the models once")
    serve.add_argument("--threads", type=int, default=2, metavar="N",
                       help="CPU work running at once per worker (default 2)")
    serve.add_argument("--queue", type=int, default=32, metavar="N",
                       help="requests that may wait per worker; beyond that: 429 with Retry-After (default 32)")
    serve.add_argument("--max-body", type=int, default=2 * 1024 * 1024, metavar="BYTES",
                       help="largest request body; larger ones get 413 (default 2 MB)")
    serve.add_argument("--timeout", type=float, default=120.0, metavar="S",
                       help="seconds a request may take (default 120); then 503 with Retry-After")
    serve.add_argument("--cors-origin", action="append", metavar="ORIGIN",
                       help="allow browser pages from this origin to call the API (repeatable; default: none)")
    serve.add_argument("--no-cache", action="store_true",
                       help="do not use the result cache (default: the one the CLI uses)")
    serve.add_argument("--open", action="store_true", help="open the page in the web browser")
    serve.set_defaults(run=cmd_serve)
