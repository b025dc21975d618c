"""`xerosync plan`: a dry run of `xerosync sync`, like a plan before an apply. Per connection and
entity: what would be pushed and pulled, the Xero calls it costs, how long it takes at the
tenant's minute and day budgets, and whether what is left of today's budget suffices. The
arithmetic is `xerosync.sync.plan`; nothing is sent to Xero (with `--count`, one call per entity
asks how many records each pull would read)."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from xerosync.cli.common import OK, PROBLEM, opened, out
from xerosync.sync.plan import ConnectionPlan, Plan

__all__ = ["duration", "plan", "plan_json", "plan_table"]


def duration(seconds: float) -> str:
    """'45 s', '12 min', '3 h 20 min', '2 d 4 h': as precise as a person needs."""
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def _calls(n: int, exact: bool) -> str:
    return f"{n:,}" if exact else f"{n:,}+"


def plan_table(plan: Plan) -> Table:
    table = Table(title="Plan (a dry run: nothing is written to Xero)")
    table.add_column("connection", overflow="fold")
    table.add_column("entity")
    table.add_column("to push", justify="right")
    table.add_column("write calls", justify="right")
    table.add_column("to pull", justify="right")
    table.add_column("pull calls", justify="right")
    table.add_column("pull", justify="left")
    for connection in plan.connections:
        name = connection.name or connection.connection_id
        for entity in connection.entities:
            table.add_row(
                name,
                entity.entity,
                f"{entity.push:,}",
                f"{entity.write_calls:,}",
                "-" if entity.to_pull is None else f"{entity.to_pull:,}",
                _calls(entity.pull_calls, entity.exact),
                "first import"
                if entity.first_import
                else ("changes" if entity.pull_calls else "-"),
            )
            name = ""
        table.add_section()
    return table


def _verdict(connection: ConnectionPlan) -> str:
    budget = connection.budget
    left = f"{budget.today:,} of {budget.per_day:,} calls left today"
    if connection.fits_today:
        return f"[green]fits today's budget[/green] ({left})"
    return f"[red]more than today's budget[/red] ({left}): the rest waits for the next day"


def summary(connection: ConnectionPlan) -> str:
    budget = connection.budget
    return (
        f"{connection.name or connection.connection_id}: "
        f"{_calls(connection.calls, connection.exact)} calls "
        f"({connection.write_calls:,} writes, {_calls(connection.pull_calls, connection.exact)} "
        f"reads), about {duration(connection.eta_seconds)} at {budget.per_minute} calls/min; "
        + _verdict(connection)
    )


def plan_json(plan: Plan) -> dict[str, Any]:
    return {
        "calls": plan.calls,
        "exact": plan.exact,
        "eta_seconds": plan.eta_seconds,
        "fits_today": plan.fits_today,
        "connections": [
            {
                "connection_id": c.connection_id,
                "name": c.name,
                "calls": c.calls,
                "write_calls": c.write_calls,
                "pull_calls": c.pull_calls,
                "exact": c.exact,
                "minutes": c.minutes,
                "days": c.days,
                "eta_seconds": c.eta_seconds,
                "per_minute": c.budget.per_minute,
                "per_day": c.budget.per_day,
                "day_left": c.budget.today,
                "fits_today": c.fits_today,
                "entities": [
                    {
                        "entity": e.entity,
                        "to_push": e.push,
                        "write_calls": e.write_calls,
                        "to_pull": e.to_pull,
                        "pull_calls": e.pull_calls,
                        "first_import": e.first_import,
                        "exact": e.exact,
                    }
                    for e in c.entities
                ],
            }
            for c in plan.connections
        ],
    }


def plan(
    connection: str = typer.Argument(
        "", help="A connection id or tenant id; default: every connected organisation."
    ),
    push: bool = typer.Option(True, "--push/--no-push", help="Plan the push."),
    pull: bool = typer.Option(True, "--pull/--no-pull", help="Plan the pull."),
    count: bool = typer.Option(
        False,
        "--count",
        help="Ask Xero how many records each pull would read (one call per entity): exact "
        "pages for a first import of years of history.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
) -> None:
    """What `xerosync sync` would do, without doing it: records to push and pulls to make per
    connection and entity, the Xero calls that costs, how long it takes at the tenant's
    budgets, and whether today's budget suffices (exit 1 when it does not). Nothing is sent to
    Xero, except with --count."""
    with opened("plan") as sync:
        found = sync.plan(connection or None, push=push, pull=pull, count=count)
    console = out()
    if as_json:
        console.print_json(json.dumps(plan_json(found)))
    elif not found.connections:
        console.print("no connected organisations: run `xerosync connect`")
    else:
        console.print(plan_table(found))
        for planned in found.connections:
            console.print(summary(planned))
        if not found.exact:
            console.print(
                "+ a first import's size is known only once Xero answers its first page: "
                "at least these calls (`--count` asks Xero first)"
            )
    raise typer.Exit(OK if found.fits_today else PROBLEM)
