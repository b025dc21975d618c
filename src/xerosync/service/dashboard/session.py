"""The dashboard's sign-in: an API key is checked once, and the browser then carries a cookie
sealed with the token keys (Fernet: encrypted and authenticated) that says only who signed in,
which connections they may see, and until when. The key itself is never kept."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from xerosync.errors import ConfigError
from xerosync.service.deps import Caller, Service, key_matches
from xerosync.store.crypto import TokenCipher
from xerosync.store.tables import ApiKeyRow

__all__ = ["COOKIE", "LIFETIME", "Person", "current", "identify", "seal", "unseal"]

COOKIE = "xerosync_dashboard"
#: a sign-in lasts a working day
LIFETIME = timedelta(hours=8)


@dataclass(frozen=True)
class Person:
    """Who signed in: a name for the key (never the key), the stored key's id (None: an
    operator key from XEROSYNC_API_KEYS) and the connections they may see (None: every one)."""

    who: str
    key_id: str | None = None
    connections: frozenset[str] | None = None

    @property
    def caller(self) -> Caller:
        return Caller(key_id=self.key_id, connections=self.connections)

    @property
    def operator(self) -> bool:
        return self.key_id is None

    def may_see(self, connection_id: str) -> bool:
        return self.caller.sees(connection_id)


def identify(service: Service, given: str) -> Person | None:
    """The person behind an API key, checked as the REST API checks it: an operator key
    (XEROSYNC_API_KEYS, compared in constant time) or a live stored key, with its scope."""
    if not given:
        return None
    if key_matches(given, service.settings):
        return Person(who="operator")
    return _stored(service.sync.check_api_key(given))


def current(service: Service, person: Person) -> Person | None:
    """The person as of now: a stored key revoked since sign-in ends the session, and a changed
    scope applies at once (the cookie only says which key; the store says what it may see)."""
    if person.key_id is None:
        return person
    with service.sync.db.transaction() as session:
        return _stored(session.get(ApiKeyRow, person.key_id))


def _stored(row: ApiKeyRow | None) -> Person | None:
    if row is None or row.revoked_at is not None:
        return None
    return Person(
        who=row.name,
        key_id=row.id,
        connections=frozenset(row.connections) if row.connections is not None else None,
    )


def seal(
    cipher: TokenCipher, person: Person, *, now: datetime, lifetime: timedelta = LIFETIME
) -> str:
    """The cookie's value: who, which connections, and when it stops being accepted."""
    payload = {
        "who": person.who,
        "key": person.key_id,
        "connections": sorted(person.connections) if person.connections is not None else None,
        "until": (now + lifetime).timestamp(),
    }
    return cipher.encrypt(json.dumps(payload).encode()).decode()


def unseal(cipher: TokenCipher, value: str, *, now: datetime) -> Person | None:
    """The person a cookie names, or None if it was not sealed here, was altered, or expired."""
    try:
        payload = json.loads(cipher.decrypt(value.encode()))
    except (ConfigError, ValueError):
        return None
    if not isinstance(payload, dict) or float(payload.get("until", 0)) <= now.timestamp():
        return None
    connections = payload.get("connections")
    return Person(
        who=str(payload["who"]),
        key_id=payload.get("key"),
        connections=frozenset(connections) if connections is not None else None,
    )
