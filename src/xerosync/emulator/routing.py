"""How Xero matches a URL before any handler sees it: any case, and Xero's 404 for the rest.

Xero matches the Accounting API's paths in any case (`/api.xro/2.0/invoices` is
`/Invoices`), while the routes here are declared in Xero's spelling. `CanonicalPaths`
rewrites the fixed parts of a path (never the IDs or file names in it) to the spelling of the
route it matches, so routing, scopes, faults and the request log all see one spelling.

An unknown route answers what Xero answers for an unknown resource: 404, text
"The resource you're looking for cannot be found" (`unknown_route`); the admin API keeps
the framework's JSON.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from xerosync.emulator import responses

API_ROOT = "/api.xro/2.0"
ADMIN_PREFIX = "/_emulator"

_Template = tuple[str | None, ...]  # a literal segment, or None for a {parameter}


class CanonicalPaths:
    """Rewrites API paths to their routes' spelling, matching literal segments in any case."""

    def __init__(self, route_paths: Iterable[str]) -> None:
        self._by_shape: dict[tuple[int, str], list[_Template]] = {}
        for path in route_paths:
            if not path.lower().startswith(API_ROOT.lower() + "/"):
                continue
            parts = path.split("/")[1:]
            template = tuple(None if p.startswith("{") else p for p in parts)
            key = (len(template), (template[2] or "").lower())
            self._by_shape.setdefault(key, []).append(template)

    def canonical(self, path: str) -> str:
        """`path` in its route's spelling; unchanged when no route matches it."""
        parts = path.split("/")[1:]
        if len(parts) < 3:
            return path
        best: _Template | None = None
        best_literals = -1
        for template in self._by_shape.get((len(parts), parts[2].lower()), ()):
            literals = _literals_matched(template, parts)
            if literals > best_literals:
                best, best_literals = template, literals
        if best is None:
            return path
        return "/" + "/".join(p if t is None else t for t, p in zip(best, parts, strict=True))


def _literals_matched(template: _Template, parts: list[str]) -> int:
    """How many literal segments match (any case); -1 when one does not."""
    count = 0
    for literal, part in zip(template, parts, strict=True):
        if literal is None:
            continue
        if literal.lower() != part.lower():
            return -1
        count += 1
    return count


def canonical_raw_path(raw_path: bytes, canonical: str) -> bytes:
    """The raw (percent-encoded) path with the literal segments of `canonical` put in."""
    raw_parts = raw_path.split(b"/")
    new_parts = canonical.split("/")
    if len(raw_parts) != len(new_parts):
        return canonical.encode()
    return b"/".join(
        new.encode() if raw.decode("latin-1").lower() == new.lower() else raw
        for raw, new in zip(raw_parts, new_parts, strict=True)
    )


async def unknown_route(request: Request, exc: Exception) -> Response:
    """Starlette's HTTPException handler: Xero's 404 outside the admin API."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404 and not request.url.path.startswith(ADMIN_PREFIX):
        return responses.not_found()
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
