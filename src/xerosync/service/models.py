"""The REST API's request and answer shapes (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from xerosync.host.feed import Change
from xerosync.host.status import RecordStatus
from xerosync.host.submit import Submitted
from xerosync.store.reports import StoredReport
from xerosync.store.tables import ConflictRow, ConnectionRow, DeadLetter
from xerosync.sync.finance import FinanceSummary

__all__ = [
    "REFUSALS",
    "ChangeOut",
    "ChangesOut",
    "ConflictOut",
    "ConnectionOut",
    "DeadLetterOut",
    "DriftItemOut",
    "FinanceOut",
    "Problem",
    "ReconciliationOut",
    "RecordStatusOut",
    "RefreshedOut",
    "ReportOut",
    "ResolveIn",
    "SubmittedOut",
]


class Problem(BaseModel):
    """A refusal: what is wrong, in words; for a request that is not valid, one entry per
    problem (the record's index and id, or the parameter, and what is wrong with it)."""

    detail: str | list[dict[str, Any]]


#: the answers of any route behind an API key, besides its own
REFUSALS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no API key, or not a valid one"},
    403: {"model": Problem, "description": "a form posted from another site"},
    404: {"model": Problem, "description": "not found, or not visible to this key"},
    422: {"model": Problem, "description": "the request is not valid: what is wrong"},
    503: {"model": Problem, "description": "no API key is configured anywhere"},
}


class ConnectionOut(BaseModel):
    id: str
    tenant_id: str
    tenant_name: str
    tenant_type: str
    #: connected | needs_reauth | disconnected
    status: str
    scopes: list[str]
    connected_by: str | None
    last_error: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: ConnectionRow) -> ConnectionOut:
        return cls(
            id=row.id,
            tenant_id=row.tenant_id,
            tenant_name=row.tenant_name,
            tenant_type=row.tenant_type,
            status=row.status,
            scopes=row.scopes.split() if row.scopes else [],
            connected_by=row.connected_by,
            last_error=row.last_error,
            created_at=row.created_at,
        )


class SubmittedOut(BaseModel):
    entity: str
    app_id: str
    #: queued (sent to Xero by the workers) | unchanged (same as last handed in) | cancelled
    result: str
    version: int

    @classmethod
    def of(cls, item: Submitted) -> SubmittedOut:
        return cls(entity=item.entity, app_id=item.app_id, result=item.result, version=item.version)


class RecordStatusOut(BaseModel):
    entity: str
    app_id: str
    #: pending | in_flight | synced | failed | conflict | deleted
    state: str
    xero_id: str | None
    number: str | None
    xero_status: str | None
    total: Decimal | None
    amount_due: Decimal | None
    amount_paid: Decimal | None
    errors: list[str]
    waiting_on: str | None

    @classmethod
    def of(cls, status: RecordStatus) -> RecordStatusOut:
        return cls(
            entity=status.entity,
            app_id=status.app_id,
            state=status.state,
            xero_id=status.xero_id,
            number=status.number,
            xero_status=status.xero_status,
            total=status.total,
            amount_due=status.amount_due,
            amount_paid=status.amount_paid,
            errors=list(status.errors),
            waiting_on=status.waiting_on,
        )


class ChangeOut(BaseModel):
    seq: int
    connection_id: str
    entity: str
    kind: str
    app_id: str | None
    xero_id: str | None
    data: dict[str, Any]
    at: datetime
    description: str

    @classmethod
    def of(cls, change: Change) -> ChangeOut:
        return cls(
            seq=change.seq,
            connection_id=change.connection_id,
            entity=change.entity,
            kind=change.kind,
            app_id=change.app_id,
            xero_id=change.xero_id,
            data=change.data,
            at=change.at,
            description=change.describe(),
        )


class ChangesOut(BaseModel):
    changes: list[ChangeOut]
    #: pass as `after` to read on (the same `after` again when nothing came)
    next_after: int


class ConflictOut(BaseModel):
    id: int
    connection_id: str
    entity: str
    app_id: str | None
    xero_id: str | None
    #: per field: {"field", "base", "app", "xero"}
    fields: list[dict[str, Any]]
    rule: str
    #: open | resolved
    status: str
    created_at: datetime

    @classmethod
    def of(cls, row: ConflictRow) -> ConflictOut:
        return cls(
            id=row.id,
            connection_id=row.connection_id,
            entity=row.entity,
            app_id=row.app_id,
            xero_id=row.xero_id,
            fields=list(row.fields),
            rule=row.rule,
            status=row.status,
            created_at=row.created_at,
        )


Keep = Literal["app", "xero"]


class ResolveIn(BaseModel):
    """One choice per conflicting field: keep the app's value, keep Xero's, or `["edit", value]`."""

    choices: dict[str, Keep | tuple[Literal["edit"], Any]] = Field(
        examples=[{"name": "app", "email": ["edit", "billing@example.com"]}]
    )
    #: who decided (kept with the resolution)
    by: str | None = None


class DeadLetterOut(BaseModel):
    id: int
    connection_id: str
    entity: str
    app_id: str
    operation: str
    reason: str
    messages: list[str]
    #: open | retried | discarded
    status: str
    created_at: datetime

    @classmethod
    def of(cls, row: DeadLetter) -> DeadLetterOut:
        return cls(
            id=row.id,
            connection_id=row.connection_id,
            entity=row.entity,
            app_id=row.app_id,
            operation=row.operation,
            reason=row.reason,
            messages=list(row.messages),
            status=row.status,
            created_at=row.created_at,
        )


class DriftItemOut(BaseModel):
    entity: str
    #: missing_in_xero | missing_in_app | amount | contact | fields | status
    kind: str
    app_id: str | None
    xero_id: str | None
    #: the app's side and Xero's side of the difference (amounts as strings)
    app: Any = None
    xero: Any = None


class ReconciliationOut(BaseModel):
    """A drift check of one connection: the app's records (through the mappings) against what
    Xero holds now. `clean` when nothing differs."""

    connection_id: str
    ran_at: datetime
    clean: bool
    #: how many Xero records were read, per entity
    checked: dict[str, int]
    #: how many requests to Xero it took
    calls: int
    items: list[DriftItemOut]

    @classmethod
    def of(cls, ran_at: datetime, report: dict[str, Any]) -> ReconciliationOut:
        return cls.model_validate({**report, "ran_at": ran_at})


#: bank balances, twelve months of profit and loss, receivables by age, invoices paid and owed
#: (money as strings: "1234.50")
FinanceOut = FinanceSummary


class ReportOut(BaseModel):
    #: as Xero names it: ProfitAndLoss, BalanceSheet, BankSummary, TrialBalance
    name: str
    #: what Xero was asked (fromDate, toDate, periods, timeframe, date)
    params: dict[str, Any]
    #: Xero's report as returned: ReportTitles, Rows (Header, Section, Row, SummaryRow)...
    body: dict[str, Any]
    fetched_at: datetime

    @classmethod
    def of(cls, report: StoredReport) -> ReportOut:
        return cls(
            name=report.name, params=report.params, body=report.body, fetched_at=report.fetched_at
        )


class RefreshedOut(BaseModel):
    #: the reports fetched and kept now; one Xero refused keeps its last copy
    refreshed: list[str]
