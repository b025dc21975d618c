"""The sync engine's moving parts: store + pure sync logic + the Xero client, per connection.

    push_merged(ctx, connection_id)       pull what changed for the records it updates, merge, push
    push_connection(ctx, connection_id)   send one connection's pending work, batch by batch
    pull_connection(ctx, connection_id)   read what changed in Xero, merge it, tell the app
    pull_inbox(ctx, connection_id)        pull exactly the records webhooks named
    drift_report / repair_drift           compare the app's records with Xero's, and fix
    refresh_books / refresh_reports       fetch and keep what Xero owns: accounts, tax rates, reports
    reconcile                             a drift report, kept (the last one can be read back)

Each takes a lease per connection, so any number of workers in any number of processes may call
them at once: one does the work and the others return at once saying it was busy.
"""

from xerosync.engine.context import SyncContext
from xerosync.engine.counts import count_records
from xerosync.engine.drift import DriftItem, DriftReport, drift_report, repair_drift
from xerosync.engine.fresh import push_merged
from xerosync.engine.pull import PullReport, pull_by_ids, pull_connection, pull_inbox
from xerosync.engine.push import PushReport, push_connection
from xerosync.engine.reconcile import reconcile, report_dict
from xerosync.engine.reference import refresh_books
from xerosync.engine.reports import refresh_reports

__all__ = [
    "DriftItem",
    "DriftReport",
    "PullReport",
    "PushReport",
    "SyncContext",
    "count_records",
    "drift_report",
    "pull_by_ids",
    "pull_connection",
    "pull_inbox",
    "push_connection",
    "push_merged",
    "reconcile",
    "refresh_books",
    "refresh_reports",
    "repair_drift",
    "report_dict",
]
