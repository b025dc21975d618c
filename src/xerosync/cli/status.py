"""`xerosync status`: where each connection stands per entity, or what became of one record."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from xerosync.api import XeroSync
from xerosync.cli.common import OK, PROBLEM, fail, opened, out, when
from xerosync.host.status import RecordStatus
from xerosync.store.connections import NEEDS_REAUTH
from xerosync.store.overview import EntityOverview
from xerosync.store.tables import ConnectionRow

__all__ = ["status"]

_COUNTS = ("pending", "in_flight", "synced", "failed", "conflicts", "dead_letters")


def _overview_table(row: ConnectionRow, entities: list[EntityOverview]) -> Table:
    table = Table(title=f"{row.tenant_name or row.tenant_id} ({row.id}): {row.status}")
    table.add_column("entity", no_wrap=True)
    for name in _COUNTS:
        table.add_column(name.replace("_", " "), justify="right")
    table.add_column("last push")
    table.add_column("last pull")
    for e in entities:
        cells = [str(getattr(e, name)) for name in _COUNTS]
        for i, name in enumerate(_COUNTS):
            if name in ("failed", "conflicts", "dead_letters") and getattr(e, name):
                cells[i] = f"[red]{cells[i]}[/red]"
        table.add_row(e.entity, *cells, when(e.last_push), when(e.last_pull))
    return table


def _record(console: Console, found: RecordStatus) -> int:
    table = Table(title=f"{found.entity} {found.app_id}", show_header=False)
    table.add_column("field")
    table.add_column("value", overflow="fold")
    values: list[tuple[str, object]] = [
        ("state", found.state),
        ("xero id", found.xero_id),
        ("number", found.number),
        ("xero status", found.xero_status),
        ("total", found.total),
        ("amount due", found.amount_due),
        ("amount paid", found.amount_paid),
        ("waiting on", found.waiting_on),
    ]
    for name, value in values:
        if value is not None:
            table.add_row(name, str(value))
    for message in found.errors:
        table.add_row("[red]error[/red]", message)
    console.print(table)
    if found.state in ("failed", "conflict"):
        console.print(
            "needs a person: `xerosync deadletters list`"
            if found.state == "failed"
            else "needs a person: `xerosync conflicts list`"
        )
        return PROBLEM
    return OK


def _overview(sync: XeroSync, console: Console, connection: str) -> int:
    rows = [r for r in sync.connections() if not connection or connection in (r.id, r.tenant_id)]
    if connection and not rows:
        raise LookupError(f"no connection {connection!r}; list them with `xerosync connections`")
    if not rows:
        console.print("no connections yet: run `xerosync connect`")
        return OK
    code = OK
    for row in rows:
        entities = sync.overview(row.id)
        console.print(_overview_table(row, entities))
        if row.status == NEEDS_REAUTH:
            console.print("[red]needs reconnecting[/red]: run `xerosync connect`")
            code = PROBLEM
        if any(e.failed or e.dead_letters or e.conflicts for e in entities):
            code = PROBLEM
    return code


def status(
    connection: str = typer.Argument(
        "", help="A connection id or tenant id; default: every connection."
    ),
    entity: str = typer.Argument("", help="With APP_ID: the kind of record (e.g. invoices)."),
    app_id: str = typer.Argument("", help="The application's id of one record."),
) -> None:
    """Per connection and entity: records pending, in flight, synced, failed, open conflicts and
    dead letters, and the last push and pull. With ENTITY APP_ID: one record's state, Xero id,
    number, amounts and Xero's messages. Exit 1 when something needs a person (failed records,
    conflicts, dead letters, a connection to reconnect)."""
    console = out()
    if entity and not app_id:
        raise fail("status", "give both ENTITY and APP_ID (e.g. `invoices order-42`)")
    with opened("status") as sync:
        if not app_id:
            raise typer.Exit(_overview(sync, console, connection))
        found = sync.status(connection, entity, app_id)
        if found is None:
            raise LookupError(
                f"no {entity} record {app_id!r} on connection {connection!r}: it was never "
                "submitted (or the entity is misspelt)"
            )
        code = _record(console, found)
    raise typer.Exit(code)
