"""`xerosync conflicts list|show|resolve`: fields both sides changed that a person decides."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import typer
from rich.table import Table

from xerosync.cli.common import opened, out, when
from xerosync.store.tables import ConflictRow

__all__ = ["conflicts"]

conflicts = typer.Typer(
    help="Conflicts: fields changed both in the application and in Xero, waiting for a person.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


class Keep(StrEnum):
    app = "app"
    xero = "xero"


def _value(value: Any) -> str:
    return "-" if value is None else value if isinstance(value, str) else json.dumps(value)


def _find(rows: list[ConflictRow], conflict_id: int) -> ConflictRow:
    for row in rows:
        if row.id == conflict_id:
            return row
    raise LookupError(f"no open conflict {conflict_id}; list them with `xerosync conflicts list`")


@conflicts.command("list")
def list_conflicts(
    connection: str = typer.Argument(
        "", help="A connection id or tenant id; default: every connection."
    ),
) -> None:
    """The open conflicts: record, fields in dispute, since when."""
    with opened("conflicts list") as sync:
        rows = sync.conflicts(connection or None)
    console = out()
    if not rows:
        console.print("no open conflicts")
        return
    table = Table(title="Open conflicts")
    for heading in ("id", "connection", "entity", "app id", "fields", "since"):
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(
            str(row.id),
            row.connection_id,
            row.entity,
            row.app_id or "-",
            ", ".join(f["field"] for f in row.fields),
            when(row.created_at),
        )
    console.print(table)
    console.print("decide one: `xerosync conflicts show ID`, then `xerosync conflicts resolve ID`")


@conflicts.command("show")
def show(conflict_id: int = typer.Argument(..., help="The conflict's id.")) -> None:
    """One conflict, field by field: the value last synced, the application's and Xero's."""
    with opened("conflicts show") as sync:
        row = _find(sync.conflicts(), conflict_id)
    table = Table(
        title=f"Conflict {row.id}: {row.entity} {row.app_id or row.xero_id} (rule {row.rule})"
    )
    for heading in ("field", "last synced", "app", "xero"):
        table.add_column(heading, overflow="fold")
    for f in row.fields:
        table.add_row(
            f["field"], _value(f.get("base")), _value(f.get("app")), _value(f.get("xero"))
        )
    out().print(table)


@conflicts.command("resolve")
def resolve(
    conflict_id: int = typer.Argument(..., help="The conflict's id."),
    keep: Keep = typer.Option(..., "--keep", help="Whose value to keep: app or xero."),
    fields: list[str] = typer.Option(
        [],
        "--field",
        help="Keep that side for this field only (repeatable); the other fields keep the "
        "other side. Default: every field.",
    ),
    by: str = typer.Option("", "--by", help="Who decided (kept with the resolution)."),
) -> None:
    """Settle a conflict. The values chosen become the application's record (the application is
    told through the change feed) and, where Xero holds another value, are pushed at the next
    sync."""
    other = Keep.xero if keep is Keep.app else Keep.app
    with opened("conflicts resolve") as sync:
        row = _find(sync.conflicts(), conflict_id)
        names = [f["field"] for f in row.fields]
        unknown = sorted(set(fields) - set(names))
        if unknown:
            raise ValueError(
                f"conflict {conflict_id} has no field {', '.join(unknown)}; "
                f"its fields are {', '.join(names)}"
            )
        chosen = set(fields) or set(names)
        choices = {name: str(keep if name in chosen else other) for name in names}
        sync.resolve(conflict_id, choices, by=by or None)
    console = out()
    for name, side in choices.items():
        console.print(f"{name}: kept {side}")
    console.print(
        f"conflict {conflict_id} resolved; what Xero lacks goes at the next `xerosync sync` "
        "(or the workers' next push)"
    )
