"""Run the newsbrief app with uvicorn on a free loopback port inside the test process."""

from __future__ import annotations

import contextlib
import threading
import time


@contextlib.contextmanager
def serve(app, **uvicorn_options):
    """Yield the base URL (http://127.0.0.1:PORT) of `app` served by uvicorn in a thread."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on", **uvicorn_options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
