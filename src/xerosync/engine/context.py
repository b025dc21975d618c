"""What every engine call needs, built once by the caller (the Python API, a worker, the CLI)."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from xerosync.clock import Clock
from xerosync.store.db import Database
from xerosync.sync.config import MappingConfig
from xerosync.sync.rules import RuleBook
from xerosync.xero.client import XeroClient

__all__ = ["SyncContext"]


def _owner() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class SyncContext:
    db: Database
    client: XeroClient
    clock: Clock
    mapping: MappingConfig = field(default_factory=MappingConfig)
    #: who this worker is, in leases
    owner: str = field(default_factory=_owner)
    #: how long a batch's idempotency key is trusted: inside Xero's ~6 minutes, with a margin
    idempotency_window: float = 300.0
    #: a push or pull lease lasts this long unless renewed (each batch renews it)
    lease_ttl: float = 600.0
    #: how long after a lease taken over from another worker ran out that worker's calls may
    #: still be at Xero (it sends only while its lease has an exchange's time left); None:
    #: `XeroClient.longest_exchange()`, computed from the client's deadline and timeout
    #: (lower it only for a Xero known to answer sooner)
    takeover_wait: float | None = None
    #: batches of one kind sent at once for a connection (Xero allows 5 calls in flight a tenant)
    concurrency: int = 4
    #: a record sent this many times without an outcome goes to the dead letters
    max_attempts: int = 5
    #: re-read this much before the last pull's start (clock skew, records changed mid-pull)
    pull_overlap: float = 60.0
    #: told after each page a pull applies: (connection id, entity, page number, pages in all
    #: when Xero says); a first import of years of history shows its progress through it
    on_page: Callable[[str, str, int, int | None], None] | None = None

    #: the conflict rules of `mapping`, read once (a pull merges every changed record)
    rules: RuleBook = field(init=False)

    def __post_init__(self) -> None:
        self.rules = RuleBook.parse(self.mapping.rules)
