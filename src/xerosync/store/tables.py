"""The tables xerosync keeps, as SQLAlchemy 2 models. One set for SQLite and PostgreSQL.

connections      one per Xero organisation: status, scopes, who connected it
token_grants     encrypted token pairs, one per grant (a person's consent)
mappings         (connection, entity, app id) <-> Xero id, the app's latest record, the last
                 synced snapshot (the base of three-way merges) and what Xero says of it
outbox           push work: pending -> in_flight (batch + idempotency key) -> done | failed
push_batches     one row per write sent to Xero: its idempotency key and when it was first sent
inbox            webhook events received, deduplicated on their key
pull_cursors     If-Modified-Since marks per connection and entity
xero_records     what Xero owns and we only read: accounts, tax rates, items
reports          Xero's reports as last fetched, one per connection and report name
conflicts        fields both sides changed that a person must decide
dead_letters     pushes Xero refused or that cannot be made; retryable or discardable
quarantine       raw records from Xero that could not be read
feed             the change feed for the application, ordered by `seq`
audit_log        every write made to Xero
leases           who is working on what (one push and one pull per connection at a time)
oauth_states     sign-ins under way: state -> sealed PKCE verifier, single-use, short-lived
api_keys         keys of the REST API (hashed), each limited to some connections or to none
reconciliations  each drift check that was run, with its report
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiKeyRow",
    "AuditEntry",
    "Base",
    "ConflictRow",
    "ConnectionRow",
    "DeadLetter",
    "FeedCursor",
    "FeedEvent",
    "InboxEvent",
    "Incident",
    "Lease",
    "MappingRow",
    "OAuthState",
    "OutboxRow",
    "PullCursor",
    "PushBatch",
    "QuarantinedRecord",
    "Reconciliation",
    "TokenGrant",
    "UTCDateTime",
    "XeroRecordRow",
    "XeroReportRow",
    "table_of",
]


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which keeps no zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
Json = JSON().with_variant(postgresql.JSONB(), "postgresql")
# Autoincrement keys: 64-bit on PostgreSQL; SQLite only auto-increments INTEGER PRIMARY KEY.
Serial = BigInteger().with_variant(Integer(), "sqlite")
Money = Numeric(19, 4, asdecimal=True)
# The same, keeping Python's None as SQL NULL (not the JSON `null`), for "no value" columns.
JsonOrNull = JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: Json, Decimal: Money}


def table_of(model: type[Base]) -> Table:
    """A model's table as a `Table` (`Model.__table__` is typed as any FROM clause)."""
    return Base.metadata.tables[model.__tablename__]


class ConnectionRow(Base):
    __tablename__ = "connections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64), unique=True)
    tenant_name: Mapped[str] = mapped_column(String(255), default="")
    tenant_type: Mapped[str] = mapped_column(String(32), default="ORGANISATION")
    xero_connection_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="connected")
    scopes: Mapped[str] = mapped_column(Text, default="")
    connected_by: Mapped[str | None] = mapped_column(String(255))
    grant_key: Mapped[str] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TokenGrant(Base):
    __tablename__ = "token_grants"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: sha256 of the refresh token inside, for compare-and-set saves (the token itself is sealed)
    refresh_hash: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MappingRow(Base):
    __tablename__ = "mappings"
    __table_args__ = (
        UniqueConstraint("connection_id", "entity", "app_id", name="uq_mappings_app"),
        UniqueConstraint("connection_id", "entity", "xero_id", name="uq_mappings_xero"),
        Index("ix_mappings_status", "connection_id", "entity", "sync_status"),
        Index("ix_mappings_xero_id", "xero_id"),  # a pull's look-up of the records it met
    )

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str | None] = mapped_column(String(255))
    xero_id: Mapped[str | None] = mapped_column(String(64))
    xero_number: Mapped[str | None] = mapped_column(String(255))
    origin: Mapped[str] = mapped_column(String(8), default="app")
    app_data: Mapped[dict[str, Any] | None] = mapped_column(Json)
    app_hash: Mapped[str | None] = mapped_column(String(64))
    base: Mapped[dict[str, Any] | None] = mapped_column(Json)
    base_hash: Mapped[str | None] = mapped_column(String(64))
    xero_hash: Mapped[str | None] = mapped_column(String(64))
    xero_updated_at: Mapped[datetime | None]
    xero_status: Mapped[str | None] = mapped_column(String(32))
    #: Xero's Type of the record (ACCREC/ACCPAY, RECEIVE/SPEND...), whoever created it
    xero_type: Mapped[str | None] = mapped_column(String(32))
    total: Mapped[Decimal | None]
    amount_due: Mapped[Decimal | None]
    amount_paid: Mapped[Decimal | None]
    sync_status: Mapped[str] = mapped_column(String(16), default="pending")
    version: Mapped[int] = mapped_column(Integer, default=0)
    synced_version: Mapped[int] = mapped_column(Integer, default=0)
    app_changed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PushBatch(Base):
    __tablename__ = "push_batches"

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(32))
    #: PUT (create), POST (update or status change), DELPAY (delete a payment), ALLOC (allocate)
    method: Mapped[str] = mapped_column(String(8))
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    #: the records exactly as sent (JSON text: JSONB would reorder keys), so a resumed batch is
    #: the same request under the same key
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_sent_at: Mapped[datetime | None]


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # a claim's pending rows of one kind in id order, whatever the outbox holds of the past
        Index("ix_outbox_work", "connection_id", "state", "entity", "id"),
        Index("ix_outbox_record", "connection_id", "entity", "app_id"),
        Index("ix_outbox_batch", "batch_id"),  # a batch's rows, when its answer is recorded
        # rows are deleted once through: SQLite must not give a deleted row's id to a new one
        # (a push claims by id order, after the last id it claimed)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str] = mapped_column(String(255))
    operation: Mapped[str] = mapped_column(String(16), default="upsert")
    version: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[dict[str, Any] | None] = mapped_column(Json)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("push_batches.id"))
    position: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    waiting_on: Mapped[str | None] = mapped_column(String(255))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InboxEvent(Base):
    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_open", "tenant_id", "handled_at"),)

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    event_key: Mapped[str] = mapped_column(String(64), unique=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(String(64))
    event_date: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]


class PullCursor(Base):
    __tablename__ = "pull_cursors"

    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    modified_since: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    records_seen: Mapped[int] = mapped_column(Integer, default=0)


class XeroRecordRow(Base):
    __tablename__ = "xero_records"

    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    xero_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class XeroReportRow(Base):
    """A report as Xero returned it (`body`) and what was asked for (`params`); each fetch
    replaces the last."""

    __tablename__ = "reports"

    connection_id: Mapped[str] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    params: Mapped[dict[str, Any]] = mapped_column(Json)
    body: Mapped[dict[str, Any]] = mapped_column(Json)
    fetched_at: Mapped[datetime]


class ConflictRow(Base):
    __tablename__ = "conflicts"
    __table_args__ = (Index("ix_conflicts_open", "connection_id", "status"),)

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str | None] = mapped_column(String(255))
    xero_id: Mapped[str | None] = mapped_column(String(64))
    fields: Mapped[list[dict[str, Any]]] = mapped_column(Json)
    app_version: Mapped[dict[str, Any] | None] = mapped_column(Json)
    xero_version: Mapped[dict[str, Any] | None] = mapped_column(Json)
    base: Mapped[dict[str, Any] | None] = mapped_column(Json)
    rule: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolution: Mapped[dict[str, Any] | None] = mapped_column(Json)
    resolved_by: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class DeadLetter(Base):
    __tablename__ = "dead_letters"
    __table_args__ = (Index("ix_dead_letters_open", "connection_id", "status"),)

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    outbox_id: Mapped[int | None] = mapped_column(BigInteger)
    entity: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str] = mapped_column(String(255))
    operation: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32))
    messages: Mapped[list[str]] = mapped_column(Json)
    payload: Mapped[dict[str, Any] | None] = mapped_column(Json)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuarantinedRecord(Base):
    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(32))
    xero_id: Mapped[str | None] = mapped_column(String(64))
    raw: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedEvent(Base):
    __tablename__ = "feed"
    __table_args__ = (Index("ix_feed_connection", "connection_id", "seq"),)

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str | None] = mapped_column(String(255))
    xero_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(8))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    app_ids: Mapped[list[str]] = mapped_column(Json)
    outcome: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Lease(Base):
    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime]


class FeedCursor(Base):
    """How far one outbound receiver has been sent the feed, and when to try it again."""

    __tablename__ = "feed_cursors"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Incident(Base):
    """Something a person must see (a connection needing re-authorisation, dead letters piling
    up): notified once when it opens, again only after it was resolved and opened anew."""

    __tablename__ = "incidents"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    subject: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime]
    notified_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]


class OAuthState(Base):
    """A sign-in under way (`/connect` -> Xero consent -> `/callback`), kept in the database so
    any service process can finish it. `sealed` is the PKCE verifier and the rest of the request,
    encrypted with the token keys; the row is deleted when used."""

    __tablename__ = "oauth_states"

    state: Mapped[str] = mapped_column(String(128), primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class ApiKeyRow(Base):
    """A key of the REST API. Only the SHA-256 of the key is kept (`store.api_keys` says why
    that is enough); `prefix` is its first characters, for people to tell keys apart.
    `connections` is the connection ids the key may see, or NULL for all of them."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    connections: Mapped[list[str] | None] = mapped_column(JsonOrNull)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        # never the hash (nor, of course, the key: it is not kept)
        return (
            f"ApiKeyRow(id={self.id!r}, name={self.name!r}, prefix={self.prefix!r}, "
            f"connections={self.connections!r}, revoked={self.revoked_at is not None})"
        )


class Reconciliation(Base):
    """One drift check of a connection (`XeroSync.reconcile`): when it ran and what it found."""

    __tablename__ = "reconciliations"
    __table_args__ = (Index("ix_reconciliations_connection", "connection_id", "ran_at"),)

    id: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    connection_id: Mapped[str] = mapped_column(ForeignKey("connections.id", ondelete="CASCADE"))
    ran_at: Mapped[datetime]
    report: Mapped[dict[str, Any]] = mapped_column(Json)
