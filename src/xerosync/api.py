"""`XeroSync`: the Python API an application uses to keep its records and Xero in step.

    sync = XeroSync.open("sqlite:///xerosync.db", xero_config, token_keys=[key])
    connection = sync.connect(callback_url, started)[0]          # or sync.add_connection(...)
    sync.submit(connection, "contacts", {"id": "cust-7", "name": "Ridgeway University"})
    sync.submit(connection, "invoices", {"id": "order-42", "contact_id": "cust-7", ...})
    sync.push(connection)                                        # workers do this unattended
    sync.status(connection, "invoices", "order-42").number       # "INV-0042"
    for change in sync.changes(after=last_seq): ...               # "invoice order-42 paid"
    row, key = sync.create_api_key("shop", [connection])         # a REST key for one organisation

Records carry the app's own ids and name each other by them. `submit(..., session=s)` joins the
application's own SQLAlchemy session (same database), so the record and its outbox row commit
or roll back with the application's transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import suppress
from datetime import date, datetime
from typing import Any

import httpx
from sqlalchemy.orm import Session

from xerosync.clock import Clock, SystemClock
from xerosync.engine import (
    DriftReport,
    PullReport,
    PushReport,
    SyncContext,
    count_records,
    drift_report,
    pull_by_ids,
    pull_connection,
    pull_inbox,
    push_merged,
    reconcile,
    refresh_books,
    refresh_reports,
    repair_drift,
)
from xerosync.errors import NotFound
from xerosync.host.feed import Change, changes
from xerosync.host.finance import chart_of_accounts, finance_summary
from xerosync.host.people import Choice, discard_dead_letter, resolve_conflict, retry_dead_letter
from xerosync.host.status import RecordStatus, record_status
from xerosync.host.submit import Submitted, delete_record, submit_records
from xerosync.store import api_keys as api_key_store
from xerosync.store import conflicts as conflict_store
from xerosync.store import connections as connection_store
from xerosync.store import inbox, problems, reconciliations
from xerosync.store import reports as report_store
from xerosync.store.crypto import TokenCipher
from xerosync.store.db import Database
from xerosync.store.overview import EntityOverview, entity_overview
from xerosync.store.reports import StoredReport
from xerosync.store.tables import (
    ApiKeyRow,
    ConflictRow,
    ConnectionRow,
    DeadLetter,
    QuarantinedRecord,
)
from xerosync.store.tokens import DatabaseTokenStore
from xerosync.sync.config import MappingConfig
from xerosync.sync.entities import PUSH_ORDER
from xerosync.sync.finance import FinanceSummary
from xerosync.sync.plan import BudgetLeft, EntityWork, Plan, plan_connection, plan_sync
from xerosync.sync.records import AppRecord
from xerosync.xero.auth.oauth import AuthorizationRequest
from xerosync.xero.auth.tokens import DEFAULT_KEY
from xerosync.xero.client import XeroClient
from xerosync.xero.config import XeroConfig
from xerosync.xero.limits.stores import BudgetStore

__all__ = ["XeroSync"]


class XeroSync:
    def __init__(
        self,
        db: Database,
        client: XeroClient,
        *,
        mapping: MappingConfig | Mapping[str, Any] | None = None,
        clock: Clock | None = None,
    ) -> None:
        config = (
            mapping
            if isinstance(mapping, MappingConfig)
            else MappingConfig.model_validate(mapping or {})
        )
        self.db = db
        self.client = client
        self.context = SyncContext(
            db=db, client=client, clock=clock or client.clock, mapping=config
        )

    @classmethod
    def open(
        cls,
        database_url: str,
        xero: XeroConfig,
        *,
        token_keys: Sequence[str],
        mapping: MappingConfig | Mapping[str, Any] | None = None,
        clock: Clock | None = None,
        http_client: httpx.Client | None = None,
        budget_store: BudgetStore | None = None,
        migrate: bool = True,
    ) -> XeroSync:
        """Everything on one database: state, encrypted tokens (under `token_keys`), mappings."""
        db = Database(database_url)
        if migrate:
            db.migrate()
        clock = clock or SystemClock()
        client = XeroClient(
            xero,
            token_store=DatabaseTokenStore(db, TokenCipher(token_keys)),
            budget_store=budget_store,
            http_client=http_client,
            clock=clock,
        )
        return cls(db, client, mapping=mapping, clock=clock)

    def close(self) -> None:
        self.client.close()
        self.db.dispose()

    def __enter__(self) -> XeroSync:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- connections ------------------------------------------------------------------------

    def connect(
        self,
        callback_url: str,
        started: AuthorizationRequest,
        *,
        connected_by: str | None = None,
        key: str = DEFAULT_KEY,
    ) -> list[str]:
        """Finish a person's consent: tokens saved (encrypted), one connection per organisation."""
        found = self.client.connect(callback_url, started, key=key)
        tokens = self.client.tokens.store.load(key)
        scopes = sorted(tokens.scope) if tokens else []
        with self.db.transaction() as session:
            return [
                connection_store.upsert(
                    session,
                    tenant_id=c.tenant_id,
                    tenant_name=c.tenant_name,
                    tenant_type=c.tenant_type,
                    grant_key=key,
                    scopes=scopes,
                    connected_by=connected_by,
                    xero_connection_id=c.id,
                ).id
                for c in found
            ]

    def add_connection(
        self,
        tenant_id: str,
        *,
        tenant_name: str = "",
        grant_key: str = DEFAULT_KEY,
        scopes: Iterable[str] = (),
        connected_by: str | None = None,
    ) -> str:
        with self.db.transaction() as session:
            return connection_store.upsert(
                session,
                tenant_id=tenant_id,
                tenant_name=tenant_name,
                grant_key=grant_key,
                scopes=scopes,
                connected_by=connected_by,
            ).id

    def disconnect(self, connection: str) -> None:
        """Disconnect the organisation from the app in Xero; its work is kept (paused), and a
        later `connect` of the same organisation picks it up again."""
        with self.db.transaction() as session:
            row = connection_store.get(session, self._connection_id(session, connection))
            xero_connection, grant = row.xero_connection_id, row.grant_key
        if xero_connection:
            # already gone in Xero (disconnected twice, or there) is what was asked
            with suppress(NotFound):
                self.client.disconnect(xero_connection, key=grant)
        with self.db.transaction() as session:
            connection_store.set_status(session, row.id, connection_store.DISCONNECTED)

    def connections(self) -> list[ConnectionRow]:
        with self.db.transaction() as session:
            return connection_store.listed(session)

    # -- records in, status out ------------------------------------------------------------

    def submit(
        self,
        connection: str,
        entity: str,
        record: AppRecord | Mapping[str, Any],
        *,
        session: Session | None = None,
    ) -> Submitted:
        return self.submit_many(connection, entity, [record], session=session)[0]

    def submit_many(
        self,
        connection: str,
        entity: str,
        records: Iterable[AppRecord | Mapping[str, Any]],
        *,
        session: Session | None = None,
    ) -> list[Submitted]:
        now = self.context.clock.now()
        with self.db.transaction(session) as s:
            return submit_records(
                s,
                connection_id=self._connection_id(s, connection),
                entity=entity,
                records=[r if isinstance(r, AppRecord) else dict(r) for r in records],
                now=now,
            )

    def delete(
        self, connection: str, entity: str, app_id: str, *, session: Session | None = None
    ) -> Submitted:
        with self.db.transaction(session) as s:
            return delete_record(
                s,
                connection_id=self._connection_id(s, connection),
                entity=entity,
                app_id=app_id,
                now=self.context.clock.now(),
            )

    def status(self, connection: str, entity: str, app_id: str) -> RecordStatus | None:
        with self.db.transaction() as session:
            return record_status(session, self._connection_id(session, connection), entity, app_id)

    def changes(
        self,
        *,
        after: int = 0,
        limit: int = 100,
        connection: str | None = None,
        among: Collection[str] | None = None,
    ) -> list[Change]:
        """The feed after `after`: of one `connection`, or of the connection ids `among`."""
        with self.db.transaction() as session:
            connection_id = self._connection_id(session, connection) if connection else None
            return changes(
                session, after=after, limit=limit, connection_id=connection_id, among=among
            )

    # -- where things stand ----------------------------------------------------------------

    def overview(self, connection: str) -> list[EntityOverview]:
        """Per entity: work waiting, records synced and failed, conflicts, dead letters, and
        when it last pushed and pulled."""
        with self.db.transaction() as session:
            return entity_overview(session, self._connection_id(session, connection))

    def plan(
        self,
        connection: str | None = None,
        *,
        push: bool = True,
        pull: bool = True,
        count: bool = False,
    ) -> Plan:
        """A dry run of `sync` for one connection (or every connected one): calls per entity,
        time at the tenant's budgets, and whether what is left of today's budget suffices.
        Nothing is sent to Xero, unless `count`: then one call per entity asks Xero how many
        records the pull would read (exact pages for a first import of years of history)."""
        limits = self.client.config.limits
        with self.db.transaction() as session:
            rows = (
                [connection_store.get(session, self._connection_id(session, connection))]
                if connection
                else [
                    r
                    for r in connection_store.listed(session)
                    if r.status == connection_store.CONNECTED
                ]
            )
            found = [
                (r.id, r.tenant_id, r.tenant_name, entity_overview(session, r.id)) for r in rows
            ]
        plans = []
        for connection_id, tenant, name, overview in found:
            by_entity = {o.entity: o for o in overview}
            counted = (
                count_records(self.context, connection_id, PUSH_ORDER) if count and pull else {}
            )
            work = [
                EntityWork(
                    entity,
                    to_push=by_entity[entity].pending + by_entity[entity].in_flight
                    if entity in by_entity
                    else 0,
                    has_cursor=entity in by_entity and by_entity[entity].has_cursor,
                    to_pull=counted.get(entity),
                )
                for entity in PUSH_ORDER
            ]
            budget = BudgetLeft(
                per_minute=limits.minute,
                per_day=limits.day,
                day_left=self.client.governor.left(tenant).day,
                minute_seconds=limits.minute_seconds,
                day_seconds=limits.day_seconds,
            )
            plans.append(
                plan_connection(connection_id, work, budget, name=name, push=push, pull=pull)
            )
        return plan_sync(plans)

    # -- work ------------------------------------------------------------------------------

    def push(self, connection: str) -> PushReport:
        return push_merged(self.context, self._id(connection))

    def pull(self, connection: str, *, entities: Sequence[str] | None = None) -> PullReport:
        if entities is None:
            return pull_connection(self.context, self._id(connection))
        return pull_connection(self.context, self._id(connection), entities=entities)

    def pull_ids(self, connection: str, ids: Mapping[str, Iterable[str]]) -> PullReport:
        return pull_by_ids(self.context, self._id(connection), ids)

    def receive_webhook_events(self, events: Iterable[Mapping[str, Any]]) -> int:
        """Keep Xero webhook events (already verified) durably and once; returns how many were new."""
        with self.db.transaction() as session:
            new = inbox.store_events(self.db, session, events, now=self.context.clock.now())
            return new.total()

    def pull_webhooks(self, connection: str) -> PullReport:
        return pull_inbox(self.context, self._id(connection))

    def refresh_books(self, connection: str) -> dict[str, int]:
        """Pull the chart of accounts and tax rates that codes are checked against."""
        return refresh_books(self.context, self._id(connection))

    def refresh_reports(self, connection: str) -> list[str]:
        """Fetch and keep Xero's ProfitAndLoss (12 months by month), BalanceSheet, BankSummary
        (this month) and TrialBalance; returns the names refreshed (a report Xero refused is
        skipped and its last copy kept)."""
        return refresh_reports(self.context, self._id(connection))

    def report(self, connection: str, name: str) -> StoredReport | None:
        """A report as last fetched (`name` as Xero names it: "BalanceSheet"), or None."""
        with self.db.transaction() as session:
            return report_store.load(session, self._connection_id(session, connection), name)

    def finance(self, connection: str, *, today: date | None = None) -> FinanceSummary:
        """Bank balances and the monthly profit and loss from the kept reports; receivables by
        age and invoices paid/outstanding/overdue from the pulled invoices. Empty figures for
        what was not fetched or pulled yet."""
        day = today or self.context.clock.now().date()
        with self.db.transaction() as session:
            return finance_summary(session, self._connection_id(session, connection), day)

    def accounts(self, connection: str) -> list[dict[str, Any]]:
        """The chart of accounts as `refresh_books` kept it (Xero's JSON: Code, Name, Type,
        Class, Status...), by code."""
        with self.db.transaction() as session:
            return chart_of_accounts(session, self._connection_id(session, connection))

    def sync(self, connection: str) -> tuple[PushReport, PullReport]:
        """Push what is pending, then pull what changed."""
        return self.push(connection), self.pull(connection)

    # -- people ----------------------------------------------------------------------------

    def conflicts(self, connection: str | None = None) -> list[ConflictRow]:
        with self.db.transaction() as session:
            return conflict_store.open_conflicts(session, self._id_or_none(session, connection))

    def resolve(
        self, conflict_id: int, choices: Mapping[str, Choice], *, by: str | None = None
    ) -> None:
        with self.db.transaction() as session:
            resolve_conflict(session, conflict_id, choices, by=by, now=self.context.clock.now())

    def dead_letters(self, connection: str | None = None) -> list[DeadLetter]:
        with self.db.transaction() as session:
            return problems.open_dead_letters(session, self._id_or_none(session, connection))

    def retry(self, dead_letter_id: int) -> None:
        with self.db.transaction() as session:
            retry_dead_letter(session, dead_letter_id)

    def discard(self, dead_letter_id: int) -> None:
        with self.db.transaction() as session:
            discard_dead_letter(session, dead_letter_id)

    def quarantined(self, connection: str | None = None) -> list[QuarantinedRecord]:
        with self.db.transaction() as session:
            return problems.open_quarantine(session, self._id_or_none(session, connection))

    def drift(self, connection: str) -> DriftReport:
        return drift_report(self.context, self._id(connection))

    def repair(self, report: DriftReport) -> dict[str, int]:
        return repair_drift(self.context, report)

    def reconcile(self, connection: str) -> DriftReport:
        """The drift check (`drift`), kept: `last_reconciliation` reads it back."""
        return reconcile(self.context, self._id(connection))

    def last_reconciliation(self, connection: str) -> tuple[datetime, dict[str, Any]] | None:
        """When the last reconciliation ran and its report (as `engine.report_dict` makes it)."""
        with self.db.transaction() as session:
            row = reconciliations.last(session, self._connection_id(session, connection))
            return (row.ran_at, dict(row.report)) if row is not None else None

    # -- API keys (the REST service's) -------------------------------------------------------

    def create_api_key(
        self, name: str, connections: Sequence[str] | None = None
    ) -> tuple[ApiKeyRow, str]:
        """A key for the REST API that sees only `connections` (connection ids or Xero tenant
        ids; None: every connection). The key is returned here once: only its hash is kept."""
        with self.db.transaction() as session:
            ids = (
                None
                if connections is None
                else [self._connection_id(session, c) for c in connections]
            )
            return api_key_store.create(
                session, name=name, connections=ids, now=self.context.clock.now()
            )

    def revoke_api_key(self, key_id: str) -> None:
        with self.db.transaction() as session:
            api_key_store.revoke(session, key_id, now=self.context.clock.now())

    def api_keys(self) -> list[ApiKeyRow]:
        with self.db.transaction() as session:
            return api_key_store.listed(session)

    def check_api_key(self, key: str) -> ApiKeyRow | None:
        """The live key's row (None: unknown or revoked); notes when it was last used."""
        with self.db.transaction() as session:
            return api_key_store.verify(session, key, now=self.context.clock.now())

    # -- helpers ---------------------------------------------------------------------------

    def _connection_id(self, session: Session, key: str) -> str:
        row = connection_store.find(session, key)
        if row is None:
            raise LookupError(f"no connection {key!r} (a connection id or a Xero tenant id)")
        return row.id

    def _id_or_none(self, session: Session, key: str | None) -> str | None:
        return self._connection_id(session, key) if key else None

    def _id(self, key: str) -> str:
        with self.db.transaction() as session:
            return self._connection_id(session, key)
