"""What routes are handed: the `Service` (sync, settings, wake) and the API-key check."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from xerosync.api import XeroSync
from xerosync.settings import Settings
from xerosync.store import connections as connection_store
from xerosync.store.crypto import TokenCipher

__all__ = ["ApiKey", "Service", "ServiceDep", "Wake", "answers", "key_matches"]

log = logging.getLogger("xerosync.service")

#: wake(kind, connection_id), kind "push" | "inbox"; called after the commit
Wake = Callable[[str, str], None]


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


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]

_bearer = HTTPBearer(auto_error=False, description="one of XEROSYNC_API_KEYS")


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
) -> None:
    given = credentials.credentials if credentials is not None else _from_basic(request)
    if credentials is None and request.method not in ("GET", "HEAD") and _cross_site(request):
        raise HTTPException(403, "a form from another site may not change xerosync")
    if not service.settings.api_keys:
        raise HTTPException(
            503, "no API keys are configured: set XEROSYNC_API_KEYS to use this route"
        )
    if given is None or not key_matches(given, service.settings):
        raise HTTPException(
            401,
            "a valid API key is required: Authorization: Bearer <key>",
            headers={"WWW-Authenticate": 'Bearer, Basic realm="xerosync"'},
        )


ApiKey = Depends(require_key)


@contextmanager
def answers() -> Iterator[None]:
    """The facade's refusals as HTTP answers: not found -> 404, wrong input -> 422."""
    try:
        yield
    except LookupError as exc:
        raise HTTPException(404, str(exc).strip("'\"")) from exc
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
