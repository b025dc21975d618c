"""`xerosync demo`: the README's first command (see `xerosync.demo`)."""

from __future__ import annotations

import logging
import signal
import tempfile
import threading
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from xerosync.cli.logs import setup_logging

if TYPE_CHECKING:  # the demo (emulator, service, shop) is imported only when it runs
    from xerosync.demo import DemoOptions, DemoSummary

__all__ = ["demo"]


def demo(
    keep_running: bool = typer.Option(
        False, "--keep-running", help="Keep the service, dashboard and emulator up until Ctrl-C."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print only the summary, as JSON."),
    orders: int = typer.Option(36, min=1, max=5000, help="Orders the shop completes."),
    customers: int = typer.Option(12, min=1, max=1000, help="The shop's customers."),
    payouts: int = typer.Option(6, min=0, max=500, help="Card payouts into the bank."),
    port: int = typer.Option(0, help="The service's port (default: any free one)."),
    data_dir: Path | None = typer.Option(
        None, help="Keep the databases here (default: a temporary folder, removed at the end)."
    ),
) -> None:
    """Run xerosync end to end on this machine: the Xero emulator, the service and its workers
    (SQLite), and an example shop whose orders become invoices in Xero and whose customers' payments
    come back. Exits 0 when every record reached Xero once and the shop learnt every payment."""
    from xerosync.demo import DemoOptions

    console = Console(stderr=as_json)
    with ExitStack() as stack:
        folder = data_dir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="xerosync-demo-"))
        )
        folder.mkdir(parents=True, exist_ok=True)
        log_file = setup_logging(to=folder / "xerosync.log")
        if log_file is not None:
            stack.callback(logging.getLogger().removeHandler, log_file)
            stack.callback(log_file.close)
        options = DemoOptions(
            customers=customers, orders=orders, payouts=payouts, port=port, data_dir=folder
        )
        summary = _play(options, console, as_json=as_json, keep_running=keep_running)
    if not summary.ok:
        raise typer.Exit(1)


def _play(
    options: DemoOptions, console: Console, *, as_json: bool, keep_running: bool
) -> DemoSummary:
    from xerosync.demo.run import Step, demo_running

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=as_json,
        transient=False,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def on_step(step: Step) -> None:
            if step.name not in tasks:
                tasks[step.name] = progress.add_task(step.name, total=step.total)
            progress.update(tasks[step.name], completed=step.done, total=step.total)

        with demo_running(options, on_step) as run:
            progress.stop()
            summary = run.summary
            if as_json:
                typer.echo(summary.model_dump_json(indent=2))
            else:
                console.print(_table(summary))
                console.print(f"Dashboard: {summary.dashboard}")
            if keep_running:
                console.print(
                    f"\n[bold]Dashboard[/bold] {run.service_url}/dashboard  "
                    f"(sign in with this run's API key: {run.api_key})\n"
                    f"[bold]REST API[/bold]  {run.service_url}/docs   "
                    f"[bold]Xero emulator[/bold] {run.emulator_url}\n"
                    f"Logs: {run.data_dir / 'xerosync.log'}    Ctrl-C stops everything."
                )
                _wait_for_interrupt()
    return summary


def _wait_for_interrupt() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with suppress(KeyboardInterrupt):
        stop.wait()


def _table(s: DemoSummary) -> Table:
    table = Table(title=f"xerosync demo: {s.organisation}", show_header=True)
    table.add_column("", no_wrap=True)
    table.add_column("shop", justify="right")
    table.add_column("told it is in Xero", justify="right")
    table.add_column("in Xero", justify="right")
    for entity, counts in s.records.items():
        table.add_row(
            entity.replace("_", " "),
            str(counts.handed_in),
            str(counts.confirmed),
            str(counts.in_xero),
        )
    table.add_section()
    c = s.calls
    table.add_row(
        "calls to Xero", str(c.total), f"{c.writes} writes", f"minimum {c.minimum_writes}"
    )
    table.add_row("429s handled", "", "", str(c.rate_limited))
    i = s.invoices
    table.add_row("invoices paid in Xero", "", str(i.paid_known_to_shop), str(i.paid_in_xero))
    table.add_row("part-paid (not paid)", "", "", str(i.part_paid_in_xero))
    table.add_row(
        "contacts edited in Xero",
        "",
        str(s.contact_edits_known_to_shop),
        str(s.contacts_edited_in_xero),
    )
    table.add_row("conflicts / dead letters", "", "", f"{s.conflicts} / {s.dead_letters}")
    table.add_section()
    table.add_row("took", f"{s.seconds} s", "", "OK" if s.ok else "CHECK ABOVE")
    return table
