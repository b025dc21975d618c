"""`xerosync deadletters list|retry|discard`: pushes Xero refused or that cannot be made."""

from __future__ import annotations

import typer
from rich.table import Table

from xerosync.cli.common import opened, out, when

__all__ = ["deadletters"]

deadletters = typer.Typer(
    help="Dead letters: records Xero refused (or that cannot be sent), kept until retried or "
    "discarded.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


@deadletters.command("list")
def list_letters(
    connection: str = typer.Argument(
        "", help="A connection id or tenant id; default: every connection."
    ),
) -> None:
    """The open dead letters with Xero's reasons."""
    with opened("deadletters list") as sync:
        rows = sync.dead_letters(connection or None)
    console = out()
    if not rows:
        console.print("no dead letters")
        return
    table = Table(title="Dead letters")
    for heading in ("id", "connection", "entity", "app id", "operation", "reason", "messages"):
        table.add_column(heading, overflow="fold")
    table.add_column("since")
    for row in rows:
        table.add_row(
            str(row.id),
            row.connection_id,
            row.entity,
            row.app_id,
            row.operation,
            row.reason,
            "\n".join(row.messages),
            when(row.created_at),
        )
    console.print(table)
    console.print(
        "fix the record in the application (or its codes in Xero), then "
        "`xerosync deadletters retry ID`; or `xerosync deadletters discard ID`"
    )


@deadletters.command("retry")
def retry(letter_id: int = typer.Argument(..., help="The dead letter's id.")) -> None:
    """Queue the record again as it is now in the application (fix the cause first)."""
    with opened("deadletters retry") as sync:
        sync.retry(letter_id)
    out().print(
        f"dead letter {letter_id} queued again: it goes at the next `xerosync sync` "
        "(or the workers' next push)"
    )


@deadletters.command("discard")
def discard(letter_id: int = typer.Argument(..., help="The dead letter's id.")) -> None:
    """Give up on the record's change (it stays as it is in Xero)."""
    with opened("deadletters discard") as sync:
        sync.discard(letter_id)
    out().print(f"dead letter {letter_id} discarded")
