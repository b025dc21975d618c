"""`xerosync keys create|list|revoke`: the REST API's keys. A key is shown once, when created;
only its hash is kept, so a lost key is revoked and replaced, never recovered."""

from __future__ import annotations

import typer
from rich.table import Table

from xerosync.cli.common import opened, out, when

__all__ = ["keys"]

keys = typer.Typer(
    help="API keys of the REST service: create (shown once), list, revoke.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


@keys.command("create")
def create(
    name: str = typer.Argument(..., help="What the key is for (e.g. the shop's name)."),
    connections: list[str] = typer.Option(
        [],
        "--connection",
        help="A connection id or tenant id the key may see (repeatable); default: every one.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print the key alone (for scripts)."),
) -> None:
    """Make a key for the REST API. It is printed once, now: keep it in the application's
    secrets; xerosync keeps only its hash."""
    with opened("keys create") as sync:
        row, key = sync.create_api_key(name, connections or None)
    console = out()
    if quiet:
        console.print(key, soft_wrap=True)
        return
    scope = ", ".join(row.connections) if row.connections else "every connection"
    console.print(f"key {row.id} ({row.name}) for {scope}:")
    console.print(key, soft_wrap=True)
    console.print("[yellow]shown once[/yellow]: store it now; `xerosync keys revoke ID` ends it")


@keys.command("list")
def list_keys() -> None:
    """The keys: id, name, first characters, connections, created, last used, revoked."""
    with opened("keys list") as sync:
        rows = sync.api_keys()
    console = out()
    if not rows:
        console.print("no API keys: `xerosync keys create NAME` makes one")
        return
    table = Table(title="API keys")
    for heading in ("id", "name", "starts", "connections", "created", "last used", "revoked"):
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(
            row.id,
            row.name,
            f"{row.prefix}...",
            ", ".join(row.connections) if row.connections else "all",
            when(row.created_at),
            when(row.last_used_at),
            when(row.revoked_at),
        )
    console.print(table)


@keys.command("revoke")
def revoke(
    key_id: str = typer.Argument(..., help="The key's id (from `xerosync keys list`)."),
) -> None:
    """End a key at once: requests made with it are refused from now on."""
    with opened("keys revoke") as sync:
        sync.revoke_api_key(key_id)
    out().print(f"key {key_id} revoked")
