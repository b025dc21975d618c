"""Reconciliation kept: a drift check (`drift_report`) whose report is stored with the time it
ran, as a JSON document (`report_dict`), for people and the REST API to read back later."""

from __future__ import annotations

from typing import Any

from pydantic_core import to_jsonable_python

from xerosync.engine.context import SyncContext
from xerosync.engine.drift import DriftReport, drift_report
from xerosync.store import reconciliations

__all__ = ["reconcile", "report_dict"]


def report_dict(report: DriftReport) -> dict[str, Any]:
    """The report as JSON-ready data: `connection_id`, `clean`, `checked`, `calls`, and `items`
    (each `entity`, `kind`, `app_id`, `xero_id`, `app`, `xero`; amounts as strings)."""
    data: dict[str, Any] = to_jsonable_python(
        {
            "connection_id": report.connection_id,
            "clean": report.clean,
            "checked": report.checked,
            "calls": report.calls,
            # what people read; not the working copy of Xero's record a repair keeps
            "items": [
                {
                    "entity": i.entity,
                    "kind": i.kind,
                    "app_id": i.app_id,
                    "xero_id": i.xero_id,
                    "app": i.app,
                    "xero": i.xero,
                }
                for i in report.items
            ],
        }
    )
    return data


def reconcile(ctx: SyncContext, connection_id: str) -> DriftReport:
    report = drift_report(ctx, connection_id)
    with ctx.db.transaction() as session:
        reconciliations.keep(
            session,
            connection_id=connection_id,
            report=report_dict(report),
            ran_at=ctx.clock.now(),
        )
    return report
