"""What routes are handed: the `Service` (sync, settings, wake) and the API-key check, which
says who is calling (`Caller`): an operator key (XEROSYNC_API_KEYS, every connection) or a key
from the store (`xerosync keys create`), limited to the connections it names. A connection the
caller may not see is answered exactly as one that does not exist (404), so a key for one
organisation cannot learn what else is connected."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Annotated, TypeVar
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from xerosync.api import XeroSync
from xerosync.settings import Settings
from xerosync.store import api_keys as api_key_store
from xerosync.store import connections as connection_store
from xerosync.store.crypto import TokenCipher
from xerosync.sync.text import unstorable

__all__ = [
    "ApiKey",
    "Caller",
    "CallerDep",
    "Service",
    "ServiceDep",
    "Storable",
    "Wake",
    "answers",
    "key_matches",
    "no_connection",
]

log = logging.getLogger("xerosync.service")

#: wake(kind, connection_id), kind "push" | "inbox"; called after the commit
Wake = Callable[[str, str], None]

_Row = TypeVar("_Row")


def no_connection(key: str) -> HTTPException:
    """The one answer for a connection that does not exist *or* that the caller may not see."""
    return HTTPException(404, f"no connection {key!r} (a connection id or a tenant id)")


@dataclass(frozen=True)
class Caller:
    """Who is calling: an operator key (`key_id` None) or a stored key; `connections` is the
    connection ids it may see (None: every connection)."""

    key_id: str | None = None
    connections: frozenset[str] | None = None

    @property
    def operator(self) -> bool:
        return self.key_id is None

    def sees(self, connection_id: str) -> bool:
        return self.connections is None or connection_id in self.connections

    def visible(self, rows: Iterable[_Row], connection_of: Callable[[_Row], str]) -> list[_Row]:
        return [r for r in rows if self.sees(connection_of(r))]


@dataclass
class Service:
    settings: Settings
    sync: XeroSync
    wake_workers: Wake
    #: seals sign-ins under way (the token keys)
    cipher: TokenCipher

    def wake(self, kind: str, connection_id: str) -> None:
        """A wake-up is a hint, never the truth (the rows are): a failure is logged, not raised,
        and the workers' sweep picks the work up anyway."""
        try:
            self.wake_workers(kind, connection_id)
        except Exception:
            log.exception("service.wake_failed", extra={"kind": kind, "connection": connection_id})

    def connection_id(self, key: str) -> str | None:
        """A connection's id from its id or its Xero tenant id."""
        with self.sync.db.transaction() as session:
            row = connection_store.find(session, key)
            return row.id if row is not None else None

    def visible_connection(self, caller: Caller, key: str) -> str:
        """The id of connection `key` (an id or a tenant id) if the caller may see it; 404 the
        same way whether it does not exist or belongs to another key's organisations."""
        found = self.connection_id(key)
        if found is None or not caller.sees(found):
            raise no_connection(key)
        return found

    def has_stored_keys(self) -> bool:
        with self.sync.db.transaction() as session:
            return api_key_store.any_active(session)


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]

_bearer = HTTPBearer(
    auto_error=False,
    description="a key made with `xerosync keys create`, or one of XEROSYNC_API_KEYS",
)


def key_matches(given: str, settings: Settings) -> bool:
    """Constant time against every configured key (no early exit tells which came close)."""
    found = False
    for key in settings.api_keys:
        found |= hmac.compare_digest(given.encode(), key.get_secret_value().encode())
    return found and bool(given)


def _from_basic(request: Request) -> str | None:
    """A browser's Basic prompt: any user name, an API key as the password."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2]


def _cross_site(request: Request) -> bool:
    """A browser's form posted from another site (the browser would add cached Basic
    credentials to it): refused, so a page elsewhere cannot disconnect an organisation."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc != request.url.netloc


def require_key(
    request: Request,
    service: ServiceDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    given = credentials.credentials if credentials is not None else _from_basic(request)
    if credentials is None and request.method not in ("GET", "HEAD") and _cross_site(request):
        raise HTTPException(403, "a form from another site may not change xerosync")
    if given and key_matches(given, service.settings):
        return Caller()
    stored = service.sync.check_api_key(given) if given else None
    if stored is not None:
        return Caller(
            key_id=stored.id,
            connections=frozenset(stored.connections) if stored.connections is not None else None,
        )
    if not service.settings.api_keys and not service.has_stored_keys():
        raise HTTPException(
            503,
            "no API keys are configured: create one with `xerosync keys create` "
            "or set XEROSYNC_API_KEYS to use this route",
        )
    raise HTTPException(
        401,
        "a valid API key is required: Authorization: Bearer <key>",
        headers={"WWW-Authenticate": 'Bearer, Basic realm="xerosync"'},
    )


ApiKey = Depends(require_key)
CallerDep = Annotated[Caller, Depends(require_key)]


async def refuse_unstorable(request: Request) -> None:
    """422 for a path, query or JSON body holding text the store cannot keep (`sync.text`),
    which would otherwise fail in the database as a 500."""
    problem = unstorable(dict(request.path_params), "path") or unstorable(
        dict(request.query_params), "query"
    )
    if problem is None and "json" in request.headers.get("content-type", ""):
        # read as FastAPI reads it (the standard library's json takes `\ud800`, orjson does
        # not); what is not JSON is left to FastAPI's own validation
        with suppress(ValueError):
            problem = unstorable(json.loads(await request.body()), "body")
    if problem is not None:
        raise HTTPException(422, problem)


Storable = Depends(refuse_unstorable)


@contextmanager
def answers() -> Iterator[None]:
    """The facade's refusals as HTTP answers: not found -> 404, wrong input -> 422."""
    try:
        yield
    except LookupError as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from exc
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
