"""Wake-ups sent after the caller's commit, never before: a worker woken before the commit
would find nothing to do (and the work would wait for the sweeper)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

__all__ = ["wake_after_commit"]


def wake_after_commit(session: Session, wake: Callable[[str], object], connection_id: str) -> None:
    """Call `wake(connection_id)` once `session` commits; nothing if it rolls back.

    with sync.db.transaction() as session:
        sync.submit(conn, "invoices", record, session=session)
        wake_after_commit(session, tasks.wake_push, conn)
    """

    def committed(_session: Session) -> None:
        event.remove(session, "after_rollback", rolled_back)
        wake(connection_id)

    def rolled_back(_session: Session) -> None:
        event.remove(session, "after_commit", committed)

    event.listen(session, "after_commit", committed, once=True)
    event.listen(session, "after_rollback", rolled_back, once=True)
