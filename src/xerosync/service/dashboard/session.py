"""The dashboard's sign-in: an API key is checked once, and the browser then carries a cookie
sealed with the token keys (Fernet: encrypted and authenticated) that says only who signed in,
which connections they may see, and until when. The key itself is never kept."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from xerosync.errors import ConfigError
from xerosync.settings import Settings
from xerosync.store.crypto import TokenCipher

__all__ = ["COOKIE", "LIFETIME", "Person", "identify", "seal", "unseal"]

COOKIE = "xerosync_dashboard"
#: a sign-in lasts a working day
LIFETIME = timedelta(hours=8)


@dataclass(frozen=True)
class Person:
    """Who signed in (a name for the key, never the key) and the connections they may see
    (`None`: every connection)."""

    who: str
    connections: frozenset[str] | None = None

    def may_see(self, connection_id: str) -> bool:
        return self.connections is None or connection_id in self.connections

    def visible(self, connection_ids: Iterable[str]) -> list[str]:
        return [c for c in connection_ids if self.may_see(c)]


def identify(settings: Settings, given: str) -> Person | None:
    """The person behind an API key from `XEROSYNC_API_KEYS` (named by its place in the list),
    or None. Every key is compared, in constant time, whatever matched first."""
    found: int | None = None
    for index, key in enumerate(settings.api_keys):
        if hmac.compare_digest(given.encode(), key.get_secret_value().encode()) and found is None:
            found = index
    if found is None or not given:
        return None
    return Person(who=f"API key {found + 1}")


def seal(
    cipher: TokenCipher, person: Person, *, now: datetime, lifetime: timedelta = LIFETIME
) -> str:
    """The cookie's value: who, which connections, and when it stops being accepted."""
    payload = {
        "who": person.who,
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
        connections=frozenset(connections) if connections is not None else None,
    )
