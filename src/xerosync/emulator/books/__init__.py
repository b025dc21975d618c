"""One organisation's accounting data, in memory and indexed.

Stub: the accounting store replaces this.
"""

from __future__ import annotations

from xerosync.clock import Clock


class Books:
    def __init__(self, tenant_id: str, name: str, clock: Clock) -> None:
        self.tenant_id = tenant_id
        self.name = name
        self.clock = clock

    def seed_demo(self) -> None:
        """Fill the books with a demo company (stub until the accounting store lands)."""
