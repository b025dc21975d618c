"""`xerosync sync`: push what is pending, then pull what changed, now, in this process (the
workers do the same unattended). Progress per connection, the planned calls and time for a
large backlog first, the time left while a first import (a backfill) runs, and a summary table;
exit 1 when records were refused or a connection needs reconnecting."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from xerosync.api import XeroSync
from xerosync.cli.common import OK, PROBLEM, opened, out
from xerosync.cli.plan import duration, summary
from xerosync.engine import PullReport, PushReport
from xerosync.store.connections import DISCONNECTED, NEEDS_REAUTH
from xerosync.store.tables import ConnectionRow
from xerosync.sync.entities import PUSH_ORDER
from xerosync.sync.plan import BudgetLeft, eta_seconds

__all__ = ["sync_now"]

#: a backlog worth announcing: more calls than a minute's budget
_LARGE = 60


@dataclass
class _Outcome:
    connection: ConnectionRow
    push: PushReport | None = None
    pulls: list[PullReport] = field(default_factory=list)

    def pulled(self, name: str) -> int:
        return sum(int(getattr(p, name)) for p in self.pulls)

    @property
    def calls(self) -> int:
        return (self.push.calls if self.push else 0) + self.pulled("calls")

    @property
    def stopped(self) -> str | None:
        """Why the work did not finish, in a person's words (None: it did)."""
        for report in [self.push, *self.pulls]:
            if report is None:
                continue
            if report.paused == NEEDS_REAUTH:
                return "needs reconnecting: run `xerosync connect`"
            if report.paused:
                return f"paused ({report.paused})"
            if report.error:
                return f"stopped: {report.error}"
            if report.busy:
                return "busy: a worker is on it"
        return None

    @property
    def problem(self) -> bool:
        refused = self.push.rejected if self.push else 0
        stopped = self.stopped
        return refused > 0 or (stopped is not None and not stopped.startswith("busy"))


def _targets(sync: XeroSync, connection: str) -> list[ConnectionRow]:
    rows = sync.connections()
    if connection:
        return [r for r in rows if connection in (r.id, r.tenant_id)] or [_missing(connection)]
    return [r for r in rows if r.status != DISCONNECTED]


def _missing(connection: str) -> ConnectionRow:
    raise LookupError(
        f"no connection {connection!r} (a connection id or a Xero tenant id); "
        "list them with `xerosync connections`"
    )


def _run(
    sync: XeroSync,
    row: ConnectionRow,
    progress: Progress,
    budget: BudgetLeft,
    *,
    push: bool,
    pull: bool,
) -> _Outcome:
    outcome = _Outcome(row)
    name = row.tenant_name or row.tenant_id
    if push:
        task = progress.add_task(f"push {name}", total=1)
        outcome.push = sync.push(row.id)
        progress.update(task, completed=1)
    if pull:
        outcome.pulls = _pull(sync, row, name, progress, budget)
    return outcome


def _pull(
    sync: XeroSync, row: ConnectionRow, name: str, progress: Progress, budget: BudgetLeft
) -> list[PullReport]:
    """Each entity in turn, the bar counting calls: one an entity at least, and the pages Xero
    says a first import has once its first page is in, with the plan's time for the rest."""
    task = progress.add_task(f"pull {name}", total=len(PUSH_ORDER))
    made, current = 0, 0
    quiet = not progress.console.is_terminal

    def on_page(connection_id: str, entity: str, number: int, pages: int | None) -> None:
        nonlocal made
        if connection_id != row.id:
            return
        made += 1
        left = max(0, (pages or number) - number) + len(PUSH_ORDER) - current - 1
        where = f"{entity} page {number:,}/{pages:,}" if pages else entity
        status = f"pull {name}: {where}, about {duration(eta_seconds(left, budget))} left"
        progress.update(task, total=made + left, completed=made, description=status)
        if quiet and pages and pages > 1:  # a log, not a terminal: a line a page of a backfill
            progress.console.print(status)

    reports: list[PullReport] = []
    sync.context.on_page = on_page
    try:
        for index, entity in enumerate(PUSH_ORDER):
            current, done_before = index, made
            report = sync.pull(row.id, entities=[entity])
            reports.append(report)
            if made == done_before:  # no page read (paused, busy): the entity's call is off
                made += 1
            progress.update(task, completed=made)
            if not report.finished:
                break
    finally:
        sync.context.on_page = None
    progress.update(task, description=f"pull {name}", total=made, completed=made)
    return reports


def _table(outcomes: list[_Outcome]) -> Table:
    """Counts per connection, compact enough for 80 columns (no borders between them)."""
    table = Table(title="Sync", box=box.SIMPLE_HEAD)
    table.add_column("connection", min_width=12)
    for heading in ("pushed", "refused", "waiting", "pulled", "changed", "new", "conflicts"):
        table.add_column(heading, justify="right", no_wrap=True)
    for o in outcomes:
        pushed = o.push
        table.add_row(
            o.connection.tenant_name or o.connection.id,
            str(pushed.ok + pushed.adopted if pushed else 0),
            f"[red]{pushed.rejected}[/red]" if pushed and pushed.rejected else "0",
            str(pushed.waiting if pushed else 0),
            str(o.pulled("seen")),
            str(o.pulled("changed")),
            str(o.pulled("created")),
            str(o.pulled("conflicts")),
        )
    return table


def _verdicts(console: Console, outcomes: list[_Outcome]) -> None:
    for o in outcomes:
        name = o.connection.tenant_name or o.connection.id
        stopped = o.stopped
        calls = f" ({o.calls} call{'s' if o.calls != 1 else ''} to Xero)"
        if o.problem:
            verdict = f"[red]{stopped or 'records refused'}[/red]"
        else:
            verdict = stopped or "[green]ok[/green]"
        console.print(f"{name}: {verdict}{calls}", soft_wrap=True)


def sync_now(
    connection: str = typer.Argument(
        "", help="A connection id or tenant id; default: every connection not disconnected."
    ),
    push: bool = typer.Option(True, "--push/--no-push", help="Send pending records to Xero."),
    pull: bool = typer.Option(True, "--pull/--no-pull", help="Read what changed in Xero."),
) -> None:
    """Push pending records to Xero, then pull what changed there, now. Exit 1 when Xero
    refused records (see `xerosync deadletters list`) or a connection needs reconnecting."""
    console: Console = out()
    with opened("sync") as sync:
        rows = _targets(sync, connection)
        if not rows:
            console.print(
                "nothing to sync: every connection is disconnected (`xerosync connect` "
                "connects them again)"
                if sync.connections()
                else "no connections yet: run `xerosync connect`"
            )
            raise typer.Exit(OK)
        planned = sync.plan(connection or None, push=push, pull=pull)
        for item in planned.connections:
            if item.calls > _LARGE or not item.fits_today:
                console.print(summary(item))
        budgets = {p.connection_id: p.budget for p in planned.connections}
        outcomes = []
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            for row in rows:
                budget = budgets.get(row.id, BudgetLeft())
                outcomes.append(_run(sync, row, progress, budget, push=push, pull=pull))
    console.print(_table(outcomes))
    _verdicts(console, outcomes)
    refused = sum(o.push.rejected for o in outcomes if o.push)
    if refused:
        console.print(
            f"{refused} record(s) refused by Xero: see `xerosync deadletters list`, fix the "
            "record in the application, then `xerosync deadletters retry ID`"
        )
    raise typer.Exit(PROBLEM if any(o.problem for o in outcomes) else OK)
