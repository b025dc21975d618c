"""The `xerosync` command."""

from __future__ import annotations

import typer
import uvicorn
from rich.console import Console

from xerosync.cli.conflicts import conflicts
from xerosync.cli.connect import connect
from xerosync.cli.connections import connections, disconnect
from xerosync.cli.deadletters import deadletters
from xerosync.cli.demo import demo
from xerosync.cli.keys import keys
from xerosync.cli.migrate import migrate
from xerosync.cli.plan import plan
from xerosync.cli.reconcile import reconcile
from xerosync.cli.reports import reports
from xerosync.cli.serve import serve
from xerosync.cli.status import status
from xerosync.cli.sync_now import sync_now
from xerosync.cli.worker import worker
from xerosync.emulator import EmulatorConfig, create_app
from xerosync.emulator.app import DEMO_TENANT_NAME

app = typer.Typer(
    help="xerosync: keep your application and Xero in step.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
console = Console()


app.command()(serve)


@app.callback()
def main() -> None:
    """xerosync command line."""


@app.command()
def emulator(
    port: int = typer.Option(8765, help="TCP port to listen on."),
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    auto_approve: bool = typer.Option(False, help="Approve consent without showing the page."),
    minute_seconds: float = typer.Option(60.0, help="Length of a rate-limit 'minute' in seconds."),
) -> None:
    """Run the offline Xero emulator (identity server + Accounting API)."""
    base = f"http://{host}:{port}"
    config = EmulatorConfig(
        auto_approve=auto_approve,
        minute_seconds=minute_seconds,
        webhook_resource_base=f"{base}/api.xro/2.0",
    )
    asgi = create_app(config)
    state = asgi.state.emulator
    tenant = state.create_tenant(DEMO_TENANT_NAME)
    tenant.books.seed_demo()
    console.print(f"[bold]xerosync Xero emulator[/bold] on {base}")
    console.print(f"  authorize     {base}/identity/connect/authorize")
    console.print(f"  token         {base}/connect/token")
    console.print(f"  revocation    {base}/connect/revocation")
    console.print(f"  connections   {base}/connections")
    console.print(f"  api           {base}/api.xro/2.0")
    console.print(f"  admin         {base}/_emulator  (docs/emulator/*.md)")
    console.print(f"  client_id     {config.demo_client_id}")
    console.print(f"  client_secret {config.demo_client_secret}")
    console.print(f"  redirect_uris {', '.join(config.demo_redirect_uris)}")
    console.print(f"  tenant        {tenant.name} ({tenant.tenant_id})")
    uvicorn.run(asgi, host=host, port=port, log_level="info")


app.command(name="worker")(worker)

app.command(name="migrate")(migrate)

app.command(name="connect")(connect)
app.command(name="connections")(connections)
app.command(name="disconnect")(disconnect)
app.command(name="sync")(sync_now)
app.command(name="plan")(plan)
app.command(name="status")(status)
app.add_typer(conflicts, name="conflicts")
app.add_typer(deadletters, name="deadletters")
app.command(name="reconcile")(reconcile)
app.command(name="reports")(reports)
app.add_typer(keys, name="keys")
app.command(name="demo")(demo)


if __name__ == "__main__":
    app()
