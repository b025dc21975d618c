"""The shop's own database (SQLite): its customers, orders and card payouts, and what it has
learnt from xerosync about each (Xero's ids and numbers, payments, edits made in Xero)."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Customer", "Order", "Payout", "ShopStore"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT, phone TEXT,
    xero_id TEXT, edited_in_xero TEXT
);
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id), number TEXT NOT NULL,
    date TEXT NOT NULL, lines TEXT NOT NULL, total TEXT NOT NULL,
    xero_id TEXT, xero_number TEXT, amount_due TEXT, paid_on TEXT
);
CREATE TABLE IF NOT EXISTS payouts (
    id TEXT PRIMARY KEY, date TEXT NOT NULL, amount TEXT NOT NULL, xero_id TEXT
);
CREATE TABLE IF NOT EXISTS problems (
    seq INTEGER PRIMARY KEY, entity TEXT, app_id TEXT, kind TEXT NOT NULL, detail TEXT
);
CREATE TABLE IF NOT EXISTS events_seen (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL);
"""

TABLES = {"contacts": "customers", "invoices": "orders", "bank_transactions": "payouts"}


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Order:
    id: str
    customer_id: str
    number: str
    date: str
    lines: list[dict[str, Any]]
    total: str


@dataclass(frozen=True)
class Payout:
    id: str
    date: str
    amount: str


class ShopStore:
    """One SQLite file, safe to share between the shop's threads (its web hooks receiver runs
    in the web server's thread)."""

    def __init__(self, path: Path | str) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- the shop's own business -----------------------------------------------------------
    def add_customer(self, c: Customer) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO customers (id, name, email, phone) VALUES (?, ?, ?, ?)",
                (c.id, c.name, c.email, c.phone),
            )

    def add_order(self, o: Order) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO orders (id, customer_id, number, date, lines, total)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (o.id, o.customer_id, o.number, o.date, json.dumps(o.lines), o.total),
            )

    def add_payout(self, p: Payout) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO payouts (id, date, amount) VALUES (?, ?, ?)",
                (p.id, p.date, p.amount),
            )

    def customers(self) -> list[Customer]:
        rows = self._db.execute("SELECT id, name, email, phone FROM customers ORDER BY id")
        return [Customer(**dict(r)) for r in rows]

    def orders(self) -> list[Order]:
        rows = self._db.execute(
            "SELECT id, customer_id, number, date, lines, total FROM orders ORDER BY id"
        )
        return [Order(**{**dict(r), "lines": json.loads(r["lines"])}) for r in rows]

    def payouts(self) -> list[Payout]:
        rows = self._db.execute("SELECT id, date, amount FROM payouts ORDER BY id")
        return [Payout(**dict(r)) for r in rows]

    # -- what xerosync told the shop ---------------------------------------------------------
    def last_seq(self) -> int:
        row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM events_seen").fetchone()
        return int(row[0])

    def apply(self, event: dict[str, Any]) -> bool:
        """Take one event of xerosync's change feed; False if it was seen before (deliveries
        are at least once, so a repeat is normal and ignored)."""
        with self._tx() as db:
            seen = db.execute(
                "INSERT OR IGNORE INTO events_seen (seq, kind) VALUES (?, ?)",
                (event["seq"], event["kind"]),
            )
            if seen.rowcount == 0:
                return False
            self._take(db, event)
            return True

    def _take(self, db: sqlite3.Connection, event: dict[str, Any]) -> None:
        kind, entity, app_id = event["kind"], event["entity"], event.get("app_id")
        data: dict[str, Any] = event.get("data") or {}
        table = TABLES.get(entity)
        if kind == "pushed" and table and app_id:
            db.execute(f"UPDATE {table} SET xero_id = ? WHERE id = ?", (event["xero_id"], app_id))  # noqa: S608
            if entity == "invoices":
                db.execute(
                    "UPDATE orders SET xero_number = ?, amount_due = COALESCE(amount_due, ?)"
                    " WHERE id = ?",
                    (data.get("number"), data.get("total"), app_id),
                )
        elif kind in ("paid", "status_changed") and entity == "invoices" and app_id:
            db.execute(
                "UPDATE orders SET amount_due = ?, paid_on = ? WHERE id = ?",
                (
                    data.get("amount_due"),
                    (data.get("fully_paid_on") or "paid") if kind == "paid" else None,
                    app_id,
                ),
            )
        elif kind == "changed_in_xero" and entity == "contacts" and app_id:
            fields = data.get("fields") or {}
            for name in ("email", "phone", "name"):
                if name in fields:
                    db.execute(
                        f"UPDATE customers SET {name} = ? WHERE id = ?",  # noqa: S608
                        (fields[name], app_id),
                    )
            db.execute(
                "UPDATE customers SET edited_in_xero = ? WHERE id = ?",
                (",".join(sorted(fields)), app_id),
            )
        elif kind in ("push_failed", "conflict", "needs_reauth", "quarantined"):
            db.execute(
                "INSERT INTO problems (seq, entity, app_id, kind, detail) VALUES (?, ?, ?, ?, ?)",
                (event["seq"], entity, app_id, kind, json.dumps(data)),
            )

    # -- what a person (or the demo's summary) reads --------------------------------------------
    def in_xero(self, table: str) -> int:
        """How many of the shop's rows xerosync has confirmed are in Xero."""
        row = self._db.execute(f"SELECT COUNT(*) FROM {table} WHERE xero_id IS NOT NULL").fetchone()  # noqa: S608
        return int(row[0])

    def count(self, table: str) -> int:
        return int(self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # noqa: S608

    def paid_orders(self) -> list[str]:
        rows = self._db.execute("SELECT id FROM orders WHERE paid_on IS NOT NULL ORDER BY id")
        return [r[0] for r in rows]

    def order_xero_ids(self) -> dict[str, str]:
        rows = self._db.execute("SELECT id, xero_id FROM orders WHERE xero_id IS NOT NULL")
        return {r[0]: r[1] for r in rows}

    def edited_in_xero(self) -> dict[str, str]:
        rows = self._db.execute(
            "SELECT id, edited_in_xero FROM customers WHERE edited_in_xero IS NOT NULL"
        )
        return {r[0]: r[1] for r in rows}

    def customer(self, customer_id: str) -> Customer | None:
        row = self._db.execute(
            "SELECT id, name, email, phone FROM customers WHERE id = ?", (customer_id,)
        ).fetchone()
        return Customer(**dict(row)) if row else None

    def problems(self) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT seq, entity, app_id, kind, detail FROM problems ORDER BY seq"
        )
        return [dict(r) for r in rows]
