"""A push that cannot overwrite an edit made in Xero.

An update sends the app's whole record. If a person changed a field in Xero since the last
pull, sending it blind would put the old value back and the edit would be lost without anyone
knowing. So before pushing updates, the records they touch are pulled and merged three ways
(a field changed only in Xero is kept and the app is told; both changed follows the rules or waits
for a person), and only then pushed. A push of new records costs nothing more.
"""

from __future__ import annotations

from xerosync.engine.context import SyncContext
from xerosync.engine.pull import pull_before_push
from xerosync.engine.push import PushReport, push_connection
from xerosync.store import work

__all__ = ["push_merged"]


def push_merged(ctx: SyncContext, connection_id: str) -> PushReport:
    ctx.db.analyze_grown("mappings", "outbox")  # after a bulk submit: plans by key, not scans
    with ctx.db.transaction() as session:
        waiting = work.updates_waiting(session, connection_id)
    pulled_calls = 0
    if waiting:
        # Another worker pulling this connection now does the same; a paused or failed pull
        # shows again in the push, which stops for the same reason.
        pulled_calls = pull_before_push(ctx, connection_id, waiting).calls
    report = push_connection(ctx, connection_id)
    report.count(calls=pulled_calls)
    return report
