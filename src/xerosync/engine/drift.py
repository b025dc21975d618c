"""Reconciliation: the app's records (through the mappings) against what Xero holds now.

    missing_in_xero   a record the app has and Xero does not (repair: create it again)
    missing_in_app    a record in Xero that xerosync has never seen (repair: pull it)
    amount            lines that add up differently in Xero (repair: push the app's version)
    contact           a document naming another contact in Xero (repair: push)
    fields            a contact's fields differ (repair: push the app's version)
    status            deleted on one side only (repair: push the deletion, or tell the app)

The comparison itself is pure (`compare`); `drift_report` reads both sides, and `repair_drift`
queues the pushes and pulls that close each gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from xerosync.engine.context import SyncContext
from xerosync.engine.pull import PullReport, pull_by_ids
from xerosync.engine.resources import resource, xero_state
from xerosync.store import connections, feed, outbox
from xerosync.store.mappings import SessionRefs
from xerosync.store.tables import MappingRow
from xerosync.sync.mapping import canonical, from_xero
from xerosync.sync.records import (
    AppBankTransaction,
    AppCreditNote,
    AppInvoice,
    AppRecord,
    parse_record,
)
from xerosync.sync.snapshot import normalise
from xerosync.xero.models.base import XeroModel

__all__ = ["DriftItem", "DriftReport", "compare", "drift_report", "repair_drift"]

DRIFT_ENTITIES = ("contacts", "invoices", "credit_notes", "bank_transactions")
_GONE = ("DELETED", "VOIDED", "ARCHIVED")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class DriftItem:
    entity: str
    kind: str
    app_id: str | None
    xero_id: str | None
    app: Any = None
    xero: Any = None
    #: Xero's record as it was compared (normalised fields): what a repair pushes over
    xero_fields: dict[str, Any] | None = field(default=None, repr=False, compare=False)


@dataclass
class DriftReport:
    connection_id: str
    items: list[DriftItem] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    calls: int = 0

    @property
    def clean(self) -> bool:
        return not self.items


def lines_total(record: AppRecord) -> Decimal | None:
    """What the document's lines add up to before tax, rounded per line as Xero does."""
    if not isinstance(record, AppInvoice | AppCreditNote | AppBankTransaction):
        return None
    total = Decimal(0)
    for line in record.lines:
        amount = line.quantity * line.unit_amount
        if line.discount_rate:
            amount = amount * (Decimal(100) - line.discount_rate) / Decimal(100)
        total += amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    return total


def _xero_lines_total(record: XeroModel) -> Decimal | None:
    kind = getattr(record, "line_amount_types", None)
    value = getattr(record, "total" if kind == "Inclusive" else "sub_total", None)
    return value if isinstance(value, Decimal) else None


def compare(
    ctx: SyncContext, mapping: MappingRow, found: XeroModel | None, refs: SessionRefs
) -> list[DriftItem]:
    """The differences between one mapped app record and Xero's record (None: not in Xero)."""
    entity, app_id, xero_id = mapping.entity, mapping.app_id, mapping.xero_id

    xero_fields: dict[str, Any] | None = None

    def item(kind: str, app: Any = None, xero: Any = None) -> DriftItem:
        return DriftItem(entity, kind, app_id, xero_id, app, xero, xero_fields)

    deleted_in_app = mapping.sync_status == "deleted"
    if found is None:
        return [] if deleted_in_app else [item("missing_in_xero")]
    status = xero_state(entity, found).status
    if deleted_in_app != (status in _GONE):
        return [item("status", "deleted" if deleted_in_app else "active", status)]
    if deleted_in_app or mapping.app_data is None:
        return []
    record = parse_record(entity, mapping.app_data)
    items: list[DriftItem] = []
    app_fields = normalise(canonical(record, ctx.mapping))
    xero_fields = normalise(from_xero(entity, found, refs, ctx.mapping))
    if entity == "contacts":
        differing = sorted(
            k
            for k in app_fields.keys() | xero_fields.keys()
            if app_fields.get(k) != xero_fields.get(k)
        )
        if differing:
            items.append(
                item(
                    "fields",
                    {k: app_fields.get(k) for k in differing},
                    {k: xero_fields.get(k) for k in differing},
                )
            )
        return items
    if app_fields.get("contact_id") != xero_fields.get("contact_id"):
        items.append(item("contact", app_fields.get("contact_id"), xero_fields.get("contact_id")))
    expected, actual = lines_total(record), _xero_lines_total(found)
    if expected is not None and actual is not None and expected != actual:
        items.append(item("amount", str(expected), str(actual)))
    return items


def drift_report(
    ctx: SyncContext, connection_id: str, *, entities: Sequence[str] = DRIFT_ENTITIES
) -> DriftReport:
    report = DriftReport(connection_id)
    with ctx.db.transaction() as session:
        tenant = connections.get(session, connection_id).tenant_id
    for entity in entities:
        in_xero: dict[str, XeroModel] = {}
        for page in resource(ctx.client, entity).pages(
            tenant=tenant, params={"includeArchived": "true"} if entity == "contacts" else None
        ):
            report.calls += 1
            for record in page.items:
                xero_id = xero_state(entity, record).xero_id
                if xero_id:
                    in_xero[xero_id] = record
        with ctx.db.transaction() as session:
            mappings = list(
                session.scalars(
                    select(MappingRow).where(
                        MappingRow.connection_id == connection_id, MappingRow.entity == entity
                    )
                )
            )
            refs = SessionRefs(session, connection_id)
            known = {m.xero_id for m in mappings if m.xero_id}
            for mapping in mappings:
                if mapping.app_id is None or mapping.xero_id is None:
                    continue
                report.items += compare(ctx, mapping, in_xero.get(mapping.xero_id), refs)
            report.items += [
                DriftItem(
                    entity, "missing_in_app", None, xero_id, None, xero_state(entity, rec).number
                )
                for xero_id, rec in in_xero.items()
                if xero_id not in known
            ]
        report.checked[entity] = len(in_xero)
    return report


def repair_drift(ctx: SyncContext, report: DriftReport) -> dict[str, int]:
    """Queue what closes each gap: pushes of the app's version (created again where Xero lost
    it), deletions Xero missed, and pulls of what only Xero has. Push and pull then do the work."""
    queued = {"push": 0, "pull": 0, "told": 0}
    to_pull: dict[str, set[str]] = {}
    with ctx.db.transaction() as session:
        for drift in report.items:
            if drift.kind == "missing_in_app":
                if drift.xero_id:
                    to_pull.setdefault(drift.entity, set()).add(drift.xero_id)
                continue
            mapping = session.scalar(
                select(MappingRow).where(
                    MappingRow.connection_id == report.connection_id,
                    MappingRow.entity == drift.entity,
                    MappingRow.app_id == drift.app_id,
                )
            )
            if mapping is None or mapping.app_id is None:
                continue
            if drift.kind == "status" and drift.app == "active":
                # Xero voided, deleted or archived it; status is Xero's to decide: tell the app.
                mapping.xero_status = str(drift.xero)
                mapping.sync_status = "deleted"
                feed.emit_for(
                    session,
                    mapping,
                    "status_changed",
                    {"status": drift.xero, "found_by": "reconciliation"},
                )
                queued["told"] += 1
                continue
            operation = "delete" if drift.kind == "status" else "upsert"
            if drift.kind == "missing_in_xero":
                mapping.xero_id = None
                mapping.xero_status = None
            elif drift.xero_fields is not None:
                # What Xero holds now is what the app's version is pushed over: as the base, the
                # push's merge sees the app's fields as the change to send, not Xero's to keep.
                mapping.base = drift.xero_fields
            mapping.sync_status = "pending"
            outbox.queue(
                session,
                mapping,
                operation=operation,
                payload=mapping.app_data if operation == "upsert" else None,
            )
            queued["push"] += 1
    if to_pull:
        pulled: PullReport = pull_by_ids(ctx, report.connection_id, to_pull)
        queued["pull"] = pulled.seen
    return queued
