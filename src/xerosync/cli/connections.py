"""`xerosync connections` and `xerosync disconnect ID`: the organisations xerosync reaches."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import typer
from rich.table import Table

from xerosync.cli.common import OK, opened, out, when
from xerosync.store.tables import ConnectionRow

__all__ = ["WIDE", "connections", "connections_json", "connections_table", "disconnect"]

_STATUS_STYLE = {"connected": "green", "needs_reauth": "red", "disconnected": "yellow"}


#: narrower than this, the tenant id column is left out (ids are never folded: they are copied)
WIDE = 130


def connections_table(
    rows: Sequence[ConnectionRow], title: str = "Connections", *, wide: bool = True
) -> Table:
    table = Table(title=title)
    table.add_column("id", no_wrap=True, min_width=36)
    table.add_column("organisation")
    if wide:
        table.add_column("tenant id", no_wrap=True, min_width=36)
    table.add_column("status", no_wrap=True)
    table.add_column("connected by")
    table.add_column("since")
    for row in rows:
        style = _STATUS_STYLE.get(row.status, "")
        cells = [
            row.id,
            row.tenant_name,
            row.tenant_id,
            f"[{style}]{row.status}[/{style}]" if style else row.status,
            row.connected_by or "-",
            when(row.created_at),
        ]
        if not wide:
            del cells[2]
        table.add_row(*cells)
    return table


def connections_json(rows: Sequence[ConnectionRow]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "organisation": r.tenant_name,
            "tenant_id": r.tenant_id,
            "status": r.status,
            "connected_by": r.connected_by,
            "since": r.created_at.isoformat(),
        }
        for r in rows
    ]


def connections(
    as_json: bool = typer.Option(False, "--json", help="Print the connections as JSON."),
) -> None:
    """List the connected Xero organisations (id, organisation, tenant id, status, who
    connected it and since when). Commands take a connection's id or its tenant id."""
    with opened("connections") as sync:
        rows = sync.connections()
    console = out()
    if as_json:
        console.print_json(json.dumps(connections_json(rows)))
        raise typer.Exit(OK)
    if not rows:
        console.print("no connections yet: run `xerosync connect`")
        raise typer.Exit(OK)
    wide = console.width >= WIDE
    console.print(connections_table(rows, wide=wide))
    if not wide:
        console.print(f"(tenant ids in a terminal {WIDE} columns wide, or with --json)")
    for row in rows:
        if row.status == "needs_reauth":
            console.print(
                f"[red]{row.tenant_name or row.tenant_id} needs reconnecting[/red]: "
                "run `xerosync connect` and approve it again"
            )


def disconnect(
    connection: str = typer.Argument(..., help="A connection id or Xero tenant id."),
) -> None:
    """Disconnect the organisation from this app in Xero. Its work is kept (paused) and resumes
    when the organisation is connected again."""
    with opened("disconnect") as sync:
        sync.disconnect(connection)
        [row] = [r for r in sync.connections() if connection in (r.id, r.tenant_id)]
    out().print(f"disconnected {row.tenant_name or row.tenant_id} ({row.id})")
