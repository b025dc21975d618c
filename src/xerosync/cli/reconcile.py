"""`xerosync reconcile`: compare the application's records with what Xero holds now, and with
`--repair` queue the pushes and pulls that close each gap."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from xerosync.cli.common import OK, PROBLEM, opened, out
from xerosync.engine import DriftReport

__all__ = ["reconcile"]


def _value(value: Any) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) else json.dumps(value, default=str)


def drift_table(report: DriftReport) -> Table:
    table = Table(title=f"Drift on {report.connection_id}")
    for heading in ("entity", "kind", "app id", "xero id", "app", "xero"):
        table.add_column(heading, overflow="fold")
    for item in report.items:
        table.add_row(
            item.entity,
            item.kind,
            item.app_id or "-",
            item.xero_id or "-",
            _value(item.app),
            _value(item.xero),
        )
    return table


def reconcile(
    connection: str = typer.Argument(..., help="A connection id or tenant id."),
    repair: bool = typer.Option(
        False, "--repair", help="Queue the pushes and pulls that close each gap found."
    ),
) -> None:
    """Compare the application's records (as xerosync holds them) with Xero's: records missing
    on either side, amounts, contacts and fields that differ, deletions on one side only. The
    result is kept (the service shows the last one). Exit 1 when drift is found and not
    repaired."""
    console = out()
    with opened("reconcile") as sync:
        report = sync.reconcile(connection)
        checked = ", ".join(f"{n} {entity}" for entity, n in sorted(report.checked.items()))
        if report.clean:
            console.print(f"no drift ({checked or 'nothing'} checked, {report.calls} calls)")
            raise typer.Exit(OK)
        console.print(drift_table(report))
        if not repair:
            console.print(
                f"{len(report.items)} difference(s) ({checked} checked); "
                "`xerosync reconcile CONNECTION --repair` closes them"
            )
            raise typer.Exit(PROBLEM)
        repaired = sync.repair(report)
    done = ", ".join(f"{n} {_DONE.get(what, what)}" for what, n in sorted(repaired.items()) if n)
    console.print(f"repaired: {done or 'nothing to do'}; pushes go at the next `xerosync sync`")


_DONE = {"push": "queued for push", "pull": "pulled from Xero", "told": "told to the application"}
