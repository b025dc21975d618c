"""The public test kit: run the emulator (or any ASGI app) on a real socket.

with serve(create_app(config, clock)) as base_url:
    httpx.get(f"{base_url}/connections", ...)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from xerosync.clock import FakeClock
from xerosync.store.db import Database, normalise_url

__all__ = ["FakeClock", "free_port", "serve", "throwaway_postgres"]


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now (for a server whose URL must be known before it starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `app` over HTTP in a background thread on `port` (0: a free one); yield its base
    URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it a kept-alive request waits ~40 ms for
    # Nagle + delayed ACK, which slows every test and skews benchmarks.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_keep_alive=30)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the server did not start; see its log above")
            threading.Event().wait(0.01)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def throwaway_postgres(server_url: str, name: str) -> Iterator[str]:
    """A new PostgreSQL database `name` on the server of `server_url`, migrated to the newest
    schema; its URL. Dropped afterwards (and first, if a crashed run left it behind)."""
    admin = Database(server_url)

    def run(statement: str) -> None:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql(statement)

    try:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        run(f'CREATE DATABASE "{name}"')
        url = normalise_url(server_url).rsplit("/", 1)[0] + f"/{name}"
        database = Database(url)
        database.migrate()
        database.dispose()
        yield url
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
