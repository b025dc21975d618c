"""`xerosync connections` and `xerosync disconnect ID`: the organisations xerosync reaches."""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.table import Table

from xerosync.cli.common import OK, opened, out, when
from xerosync.store.tables import ConnectionRow

__all__ = ["connections", "connections_table", "disconnect"]

_STATUS_STYLE = {"connected": "green", "needs_reauth": "red", "disconnected": "yellow"}


def connections_table(rows: Sequence[ConnectionRow], title: str = "Connections") -> Table:
    table = Table(title=title)
    table.add_column("id", overflow="fold", no_wrap=True)
    table.add_column("organisation")
    table.add_column("tenant id", overflow="fold", no_wrap=True)
    table.add_column("status")
    table.add_column("connected by")
    table.add_column("since")
    for row in rows:
        style = _STATUS_STYLE.get(row.status, "")
        table.add_row(
            row.id,
            row.tenant_name,
            row.tenant_id,
            f"[{style}]{row.status}[/{style}]" if style else row.status,
            row.connected_by or "-",
            when(row.created_at),
        )
    return table


def connections() -> None:
    """List the connected Xero organisations (id, organisation, tenant id, status, who
    connected it and since when). Commands take a connection's id or its tenant id."""
    with opened("connections") as sync:
        rows = sync.connections()
    console = out()
    if not rows:
        console.print("no connections yet: run `xerosync connect`")
        raise typer.Exit(OK)
    console.print(connections_table(rows))
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
