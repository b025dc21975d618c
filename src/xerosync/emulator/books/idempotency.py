"""Xero's `Idempotency-Key` memory: the first response to a key, replayed for a window.

Per Xero's guide: keys are kept per app for 6 minutes (the emulator's
`idempotency_window`) from the first call; a replay with the same method, URL and body
gets the first response (status and body) and changes nothing; the same key with a
different request is refused with a 400; after the window the key is forgotten.

`IdempotencyCache` is pure bookkeeping on an injected clock; the HTTP wiring lives in
`accounting.common.idempotent`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from xerosync.clock import Clock

MAX_KEY_LENGTH = 128


@dataclass(frozen=True)
class Remembered:
    fingerprint: str
    status: int
    body: bytes
    media_type: str
    expires: datetime


class KeyReused(Exception):
    """The key was first used with a different method, URL or body."""


def fingerprint(method: str, url: str, body: bytes) -> str:
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()} {url} {digest}"


class IdempotencyCache:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._entries: dict[tuple[str, str], Remembered] = {}

    def _expire(self) -> None:
        now = self.clock.now()
        # Entries are inserted in time order, so expired ones sit at the front.
        while self._entries:
            scope_key, entry = next(iter(self._entries.items()))
            if entry.expires > now:
                break
            del self._entries[scope_key]

    def recall(self, scope: str, key: str, print_: str) -> Remembered | None:
        """The remembered response for (scope, key), None if new. Raises KeyReused."""
        self._expire()
        entry = self._entries.get((scope, key))
        if entry is None or entry.expires <= self.clock.now():
            # The sweep stops at the first live entry; one remembered under a shorter
            # window (the setting changed) can sit behind it past its own expiry.
            return None
        if entry.fingerprint != print_:
            raise KeyReused(key)
        return entry

    def remember(
        self,
        scope: str,
        key: str,
        print_: str,
        response: tuple[int, bytes, str],
        window_seconds: float,
    ) -> None:
        """Keep `(status, body, media_type)` for `window_seconds` from now."""
        status, body, media_type = response
        expires = self.clock.now() + timedelta(seconds=window_seconds)
        self._entries.pop((scope, key), None)
        self._entries[(scope, key)] = Remembered(print_, status, body, media_type, expires)

    def clear(self) -> None:
        self._entries.clear()
