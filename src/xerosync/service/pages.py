"""The few HTML pages people see (connections, sign-in outcomes); text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from fastapi import Request

from xerosync.store.tables import ConnectionRow

__all__ = ["connections_page", "message_page", "wants_html"]


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "json" not in accept


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def message_page(title: str, message: str) -> str:
    return _page(title, f"<p>{escape(message)}</p><p><a href='connect'>Connect Xero</a></p>")


def connections_page(rows: Sequence[ConnectionRow], title: str = "Xero connections") -> str:
    items = "".join(
        "<tr>"
        f"<td>{escape(r.tenant_name)}</td><td>{escape(r.tenant_id)}</td>"
        f"<td>{escape(r.status)}</td><td>{escape(r.connected_by or '')}</td>"
        f"<td><form method='post' action='connections/{escape(r.id)}/disconnect'>"
        "<button>Disconnect</button></form></td>"
        "</tr>"
        for r in rows
    )
    table = (
        "<table><tr><th>organisation</th><th>tenant</th><th>status</th><th>connected by</th>"
        f"<th></th></tr>{items}</table>"
        if rows
        else "<p>No organisation is connected yet.</p>"
    )
    return _page(title, table + "<p><a href='connect'>Connect another organisation</a></p>")
