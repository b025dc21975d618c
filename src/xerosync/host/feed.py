"""[push 8][pull 8] The change feed as the application reads it: ordered, cursor-based, replayable.

Keep the `seq` of the last change handled; ask for `changes(after=seq)`. Reading changes nothing,
so a reader that crashed simply asks again from its last kept `seq`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from xerosync.store import feed

__all__ = ["Change", "changes"]


@dataclass(frozen=True)
class Change:
    seq: int
    connection_id: str
    entity: str
    kind: str
    app_id: str | None
    xero_id: str | None
    data: dict[str, Any]
    at: datetime

    def describe(self) -> str:
        """One line a person can read: `invoice order-42 pushed: INV-0042`."""
        who = self.app_id or self.xero_id or "?"
        name = f"{self.entity[:-1].replace('_', ' ')} {who}"
        number = self.data.get("number")
        return f"{name} {self.kind.replace('_', ' ')}" + (f": {number}" if number else "")


def changes(
    session: Session,
    *,
    after: int = 0,
    limit: int = 100,
    connection_id: str | None = None,
    among: Collection[str] | None = None,
) -> list[Change]:
    return [
        Change(
            seq=e.seq,
            connection_id=e.connection_id,
            entity=e.entity,
            kind=e.kind,
            app_id=e.app_id,
            xero_id=e.xero_id,
            data=dict(e.data or {}),
            at=e.created_at,
        )
        for e in feed.read(
            session, after=after, limit=limit, connection_id=connection_id, among=among
        )
    ]
