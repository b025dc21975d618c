"""A small hostile HTTP server on a real socket: each request is answered by a scripted
function, and the answer may trickle its body byte by byte, lie about its encoding, redirect,
or echo secrets. For tests of what the client does on the wire."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float = 0.0  # seconds between chunks of the body
    chunk: int = 1  # bytes per trickled chunk


Script = Callable[[Received], Reply]


@dataclass
class HostileServer:
    url: str
    received: list[Received]

    def calls(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path.split("?")[0] == path]


def _handler(script: Script, received: list[Received], guard: threading.Lock) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _any(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Received(
                self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
            )
            with guard:
                received.append(request)
            reply = script(request)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            try:
                if reply.trickle <= 0:
                    self.wfile.write(reply.body)
                    return
                for start in range(0, len(reply.body), reply.chunk):
                    self.wfile.write(reply.body[start : start + reply.chunk])
                    self.wfile.flush()
                    time.sleep(reply.trickle)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up: that is what some tests want

        do_GET = do_POST = do_PUT = do_DELETE = _any

    return Handler


@contextmanager
def hostile_server(script: Script) -> Iterator[HostileServer]:
    received: list[Received] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script, received, threading.Lock()))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HostileServer(f"http://127.0.0.1:{server.server_address[1]}", received)
    finally:
        server.shutdown()
        server.server_close()
