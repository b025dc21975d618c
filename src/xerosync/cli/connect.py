"""`xerosync connect`: connect Xero organisations from a terminal.

The consent URL opens in a browser; Xero sends the browser back to a small HTTP server on this
machine (`http://localhost:PORT/callback`, or XEROSYNC_XERO_REDIRECT_URI when that is a
localhost address), which hands the callback to `XeroSync.connect` and shows the browser what
became of it. `http://localhost:PORT/` redirects to the consent page, a short address to open
on another machine (through an SSH tunnel) when this one has no browser.
"""

from __future__ import annotations

import getpass
import queue
import threading
import webbrowser
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import typer

from xerosync.cli.common import PROBLEM, USAGE, fail, opened, out
from xerosync.cli.connections import WIDE, connections_table
from xerosync.errors import AuthError, XeroError

__all__ = ["connect", "local_redirect"]

_LOOPBACK = ("localhost", "127.0.0.1")
#: how long the browser's request waits for the connection to be finished and shown
_ANSWER_WAIT = 60.0


def local_redirect(configured: str | None, port: int) -> str:
    """The redirect URI to ask Xero for: the configured one when it points at this machine,
    else `http://localhost:PORT/callback` (which the Xero app must list)."""
    if configured:
        parts = urlsplit(configured)
        if parts.scheme == "http" and parts.hostname in _LOOPBACK and parts.port:
            return configured
    return f"http://localhost:{port}/callback"


@dataclass
class _Exchange:
    """Between the browser's request (server thread) and the command (main thread)."""

    consent_url: str
    state: str
    callback_path: str
    callbacks: queue.Queue[str] = field(default_factory=queue.Queue)
    answers: queue.Queue[tuple[int, str]] = field(default_factory=queue.Queue)


def _handler(exchange: _Exchange) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/":
                self.send_response(HTTPStatus.FOUND)
                self.send_header("Location", exchange.consent_url)
                self.end_headers()
                return
            if parts.path != exchange.callback_path:
                self._page(HTTPStatus.NOT_FOUND, "Not found", "Nothing here.")
                return
            state = parse_qs(parts.query).get("state", [""])[0]
            if state != exchange.state:
                self._page(
                    HTTPStatus.BAD_REQUEST,
                    "Sign-in not recognised",
                    "This is not the sign-in `xerosync connect` started; run it again.",
                )
                return
            exchange.callbacks.put(f"http://{self.headers.get('Host', 'localhost')}{self.path}")
            try:
                status, message = exchange.answers.get(timeout=_ANSWER_WAIT)
            except queue.Empty:
                status, message = HTTPStatus.GATEWAY_TIMEOUT, "xerosync did not answer in time."
            title = "Connected to Xero" if status == HTTPStatus.OK else "Xero did not connect"
            self._page(status, title, message)

        def _page(self, status: int, title: str, message: str) -> None:
            body = (
                f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>"
                f"<p>{escape(message)}</p><p>You may close this window.</p>"
            ).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the access log would print the callback's code."""

    return Handler


def connect(
    port: int = typer.Option(8766, help="Local port that catches Xero's redirect."),
    browser: bool = typer.Option(
        True, "--browser/--no-browser", help="Open the consent page in a browser."
    ),
    timeout: float = typer.Option(
        300.0, min=0.0, help="Seconds to wait for the consent to come back."
    ),
    by: str = typer.Option(
        "", "--by", help="Who connects (kept with the connection); default: your login."
    ),
) -> None:
    """Connect Xero organisations: approve access on Xero's consent page and xerosync keeps
    the (encrypted) tokens, one connection per organisation chosen. The Xero app must list the
    redirect URI printed here."""
    console = out()
    with opened("connect") as sync:
        redirect = local_redirect(sync.client.config.redirect_uri, port)
        target = urlsplit(redirect)
        started = sync.client.oauth.authorization_request(redirect_uri=redirect)
        exchange = _Exchange(started.url, started.state, target.path or "/")
        try:
            server = ThreadingHTTPServer(("127.0.0.1", target.port or port), _handler(exchange))
        except OSError as exc:
            raise fail(
                "connect",
                f"cannot listen on port {target.port or port} ({exc.strerror}): pass --port "
                "with a free port (and list its redirect URI with the Xero app)",
                USAGE,
            ) from exc
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, name="xerosync-connect")
        thread.start()
        try:
            console.print(f"redirect URI  {redirect}")
            console.print(f"open          http://localhost:{target.port or port}/")
            console.print(f"consent page  {started.url}", soft_wrap=True)
            if browser:
                webbrowser.open(started.url)
            console.print("waiting for Xero's consent...")
            try:
                callback = exchange.callbacks.get(timeout=timeout)
            except queue.Empty:
                raise fail(
                    "connect",
                    f"no answer from Xero's consent page within {timeout:g} s; run "
                    f"`xerosync connect` again, and check that the Xero app lists {redirect}",
                    PROBLEM,
                ) from None
            try:
                ids = sync.connect(callback, started, connected_by=by or _login())
            except (AuthError, XeroError) as exc:
                exchange.answers.put((HTTPStatus.BAD_REQUEST, str(exc)))
                raise fail("connect", f"Xero did not connect: {exc}", PROBLEM) from exc
            rows = [r for r in sync.connections() if r.id in ids]
            names = ", ".join(r.tenant_name or r.tenant_id for r in rows)
            exchange.answers.put(
                (HTTPStatus.OK, f"Connected {names}. You may go back to the terminal.")
            )
        finally:
            server.shutdown()
            thread.join()
            server.server_close()
    if not rows:
        console.print("Xero connected no organisation: choose one on the consent page")
        raise typer.Exit(PROBLEM)
    console.print(connections_table(rows, title="Connected", wide=console.width >= WIDE))


def _login() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None
