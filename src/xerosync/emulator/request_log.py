"""What the emulator received, so tests and outside clients can assert on the calls made.

A bounded, in-memory log (the oldest entries fall off). It keeps what identifies a call
(method, path, query, tenant, app, Idempotency-Key, status, the fault that hit it) and
never headers or bodies, so no token or secret can end up in it. Query strings are kept
only for the Accounting API and /connections; identity URLs are logged by path alone.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from xerosync.clock import Clock

DEFAULT_CAPACITY = 10_000


@dataclass
class Received:
    seq: int
    at: str  # ISO 8601, from the emulator's clock
    method: str
    path: str
    query: str
    tenant_id: str | None
    client_id: str | None
    idempotency_key: str | None
    status: int | None = None  # None until answered; what the handler answered if lost
    fault: str | None = None  # e.g. "error", "latency", "lost_response", "offline"
    lost: bool = False  # the response never reached the client

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RequestFilter:
    """Which entries `RequestLog.find` returns: those matching every field given, oldest
    first. `path` is a prefix (any case); `since` a `seq` already seen; `limit` keeps the
    newest. Also the query parameters of GET /_emulator/requests."""

    method: str | None = None
    path: str | None = None
    tenant_id: str | None = None
    client_id: str | None = None
    status: int | None = None
    idempotency_key: str | None = None
    since: int | None = None
    limit: int | None = None

    def matches(self, e: Received) -> bool:
        return (
            (self.method is None or e.method == self.method.upper())
            and (self.path is None or e.path.lower().startswith(self.path.lower()))
            and (self.tenant_id is None or e.tenant_id == self.tenant_id)
            and (self.client_id is None or e.client_id == self.client_id)
            and (self.status is None or e.status == self.status)
            and (self.idempotency_key is None or e.idempotency_key == self.idempotency_key)
            and (self.since is None or e.seq > self.since)
        )


class RequestLog:
    def __init__(self, clock: Clock, capacity: int = DEFAULT_CAPACITY) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._entries: deque[Received] = deque(maxlen=capacity)

    def start(
        self,
        method: str,
        path: str,
        query: str,
        *,
        tenant_id: str | None,
        idempotency_key: str | None,
    ) -> Received:
        """Record a call as it arrives; the gate fills in client, status and fault later."""
        with self._lock:
            entry = Received(
                seq=next(self._seq),
                at=self.clock.now().isoformat(),
                method=method,
                path=path,
                query=query,
                tenant_id=tenant_id,
                client_id=None,
                idempotency_key=idempotency_key,
            )
            self._entries.append(entry)
            return entry

    def find(self, query: RequestFilter | None = None) -> list[Received]:
        """The entries `query` picks (all of them without one), oldest first."""
        query = query or RequestFilter()
        with self._lock:
            entries = list(self._entries)
        found = [e for e in entries if query.matches(e)]
        return found[-query.limit :] if query.limit else found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def reset(self) -> None:
        """As new: empty, and `seq` counted from 1 again."""
        with self._lock:
            self._entries.clear()
            self._seq = itertools.count(1)
