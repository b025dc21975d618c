"""Every benchmark in one run, side by side, and the report: `bench/results/report.md` (targets,
figures, plots) and `bench/results/report.json` (the same figures), with the machine it ran on.

    python -m bench.run_all                 # the reference run (~10 minutes on 2 cores)
    python -m bench.run_all --quick         # a smoke run (seconds); its figures mean nothing
    python -m bench.run_all --out /tmp/r    # write elsewhere

What runs (see each module's docstring): against the Xero-like emulator (`bench.xero_like`:
scaled clock, Xero's limits, Xero's response times), the engine's push and the client's pull
(`bench.rate_benches`) beside the same jobs by the official `xero-python` SDK
(`bench.baseline_sdk`), incremental sync, many tenants on one app-wide limit
(`bench.many_tenants`, once first-come-first-served and once with the fair share); then without
limits, the engine's own throughput on SQLite and PostgreSQL and a 100,000-invoice pull's memory
(`bench.engine_throughput`), and webhook ingest through the service (`bench.webhook_ingest`).
PostgreSQL comes from --database-url (default $DATABASE_URL); without one its parts are skipped.
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import many_tenants, rate_benches, report, webhook_ingest
from bench.engine_throughput import (
    DEFAULT_ADMIN_URL,
    Figures,
    database,
    postgres_reachable,
    pull_in_subprocess,
    push_phase,
    run_pull,
    run_push,
    run_push_workers,
)
from bench.xero_like import RatePhase, Scale, World, world

RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Sizes:
    minute_seconds: float
    push_invoices: int
    pull_pages: int  # invoices pulled: this many full pages
    baseline_push_invoices: int
    baseline_pull_pages: int
    changes: int
    tenants_minute_seconds: float  # the many-tenants run's own clock (light calls, many)
    tenants: int
    tenant_calls: int
    app_limit: int
    engine_push: int
    engine_pull: int
    engine_history: int  # records pushed before the history push (PostgreSQL)
    memory_pull: int
    webhook_rate: int
    webhook_seconds: float
    page_factor: float | None = None  # None: pages scale with the clock


#: Sizes where the limits bind and every rate phase spans 3+ full windows.
FULL = Sizes(
    minute_seconds=6.0,
    push_invoices=12_000,  # + 1,200 contacts: 264 writes, 4.4 windows
    pull_pages=300,  # 5 windows
    baseline_push_invoices=300,  # + 30 contacts: 330 calls, 5.5 windows
    baseline_pull_pages=300,
    changes=20,
    tenants_minute_seconds=6.0,
    tenants=500,
    tenant_calls=4,
    app_limit=250,  # half a call per tenant per window
    engine_push=5_000,
    engine_pull=10_000,
    engine_history=100_000,
    memory_pull=100_000,  # on SQLite, in a fresh process
    webhook_rate=1_000,
    webhook_seconds=10.0,
)
QUICK = Sizes(
    minute_seconds=1.0,
    push_invoices=150,
    pull_pages=20,
    baseline_push_invoices=20,
    baseline_pull_pages=20,
    changes=3,
    tenants_minute_seconds=1.0,
    tenants=12,
    tenant_calls=2,
    app_limit=12,
    engine_push=200,
    engine_pull=1_000,
    engine_history=1_000,
    memory_pull=1_000,
    webhook_rate=200,
    webhook_seconds=0.5,
)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _side_by_side(
    first: Callable[[], RatePhase], second: Callable[[], RatePhase]
) -> tuple[RatePhase, RatePhase]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        a, b = pool.submit(first), pool.submit(second)
        return a.result(), b.result()


def _many_tenants(w: World, sizes: Sizes) -> dict[str, Any]:
    """Once first come, first served (the governor's fair share off), once with it."""
    runs = []
    for label, fair in (("first come, first served", False), ("fair share", True)):
        say(f"{sizes.tenants} tenants on one app limit: {label}")
        figures = many_tenants.run(w, sizes.tenants, sizes.tenant_calls, sizes.app_limit, fair=fair)
        runs.append({"label": label, "minute_seconds": w.scale.minute_seconds, **figures})
    return {"many_tenants_runs": runs, "many_tenants": runs[-1]}


def run(sizes: Sizes, admin_url: str, databases: list[str], *, quick: bool) -> dict[str, Any]:
    scale = Scale(sizes.minute_seconds, sizes.page_factor)
    results: dict[str, Any] = {
        "quick": quick,
        "scale": {
            "minute_seconds": scale.minute_seconds,
            "factor": scale.factor,
            "max_page": scale.max_page,
            "default_page": scale.default_page,
        },
        "sizes": sizes.__dict__,
        "rates": {},
    }
    why = postgres_reachable(admin_url) if "postgres" in databases else "not asked for"
    kinds = [k for k in databases if k == "sqlite" or not why]
    if why:
        results["skipped"] = {"postgres": why}
    with tempfile.TemporaryDirectory(prefix="xerosync-bench-") as tmp, world(scale) as w:
        # xerosync and the baseline side by side, each on its own tenant (their limits
        # are per tenant; the app-wide one is far off)
        say(
            f"push {sizes.push_invoices:,} invoices through the engine, and "
            f"{sizes.baseline_push_invoices:,} with xero-python, side by side"
        )
        push, bpush = _side_by_side(
            lambda: rate_benches.push_engine(w, f"sqlite:///{tmp}/push.db", sizes.push_invoices),
            lambda: rate_benches.push_baseline(w, sizes.baseline_push_invoices),
        )
        pull_invoices = sizes.pull_pages * scale.max_page
        baseline_records = sizes.baseline_pull_pages * scale.default_page
        say(
            f"pull {pull_invoices:,} invoices with the client, and "
            f"{baseline_records:,} with xero-python, side by side"
        )
        pull, bpull = _side_by_side(
            lambda: rate_benches.pull_client(w, pull_invoices),
            lambda: rate_benches.pull_baseline(w, baseline_records),
        )
        for phase in (push, bpush, pull, bpull):
            results["rates"][phase.name] = phase.as_json()
        say(f"incremental sync after {sizes.changes} changes")
        results["incremental"] = rate_benches.incremental(
            w, f"sqlite:///{tmp}/incremental.db", sizes.changes
        )
        if sizes.tenants_minute_seconds == scale.minute_seconds:  # one emulator will do
            results.update(_many_tenants(w, sizes))
    if "many_tenants" not in results:
        with world(Scale(sizes.tenants_minute_seconds)) as w:
            results.update(_many_tenants(w, sizes))
    figures: list[dict[str, Any]] = []
    memory: Figures | None = None
    for kind in kinds:
        say(f"engine push {sizes.engine_push:,} on {kind} (limits off)")
        with database(kind, admin_url) as url:
            _submit, pushed = run_push(kind, url, sizes.engine_push)
        figures.append(pushed.as_json())
        if kind == "postgres":  # at the product's default, and on a store in use for a while
            for concurrency, history in ((4, 0), (1, sizes.engine_history)):
                say(f"engine {push_phase(concurrency, history)} on {kind}")
                with database(kind, admin_url) as url:
                    _submit, pushed = run_push(kind, url, sizes.engine_push, history, concurrency)
                figures.append(pushed.as_json())
            # as deployed: one worker process a CPU, each pushing its own organisations
            workers = max(2, os.cpu_count() or 1)
            say(f"engine push, {workers} workers on {kind}")
            with database(kind, admin_url) as url:
                pushed = run_push_workers(kind, url, sizes.engine_push * workers, workers)
            figures.append(pushed.as_json())
        # SQLite's pull is the memory pull: 100,000 invoices in a fresh process (its own RSS)
        records = sizes.memory_pull if kind == "sqlite" else sizes.engine_pull
        say(f"engine pull {records:,} on {kind} (limits off)")
        if quick:  # in this process: no interpreter to start, RSS not the pull's own
            with database(kind, admin_url) as url:
                pulled = run_pull(kind, url, records)
        else:
            pulled = pull_in_subprocess(kind, admin_url, records, trace=False)
        figures.append(pulled.as_json())
        if kind == "sqlite":
            memory = pulled
    results["engine"] = {"figures": figures}
    if memory is not None:
        results["engine"]["memory"] = {
            "database": memory.database,
            "records": memory.records,
            "own_process": not quick,
            **{k: v for k, v in memory.extra.items() if k.startswith("rss")},
        }
    results["webhooks"] = []
    for kind in kinds:
        say(f"webhook ingest at {sizes.webhook_rate:,} events/s on {kind}")
        results["webhooks"].append(
            webhook_ingest.run(
                kind, admin_url, rate=sizes.webhook_rate, seconds=sizes.webhook_seconds
            )
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the report")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_ADMIN_URL),
        help="a PostgreSQL server for the throwaway bench databases",
    )
    parser.add_argument(
        "--databases",
        help="sqlite,postgres (the default; --quick: sqlite)",
    )
    parser.add_argument(
        "--minute-seconds",
        type=float,
        help="real seconds in a Xero minute (default 6; longer on a loaded machine, so that the "
        "limits, not the machine, are the bound)",
    )
    parser.add_argument(
        "--page-factor",
        type=float,
        help="pages as a share of Xero's (default: the clock's scale, minute-seconds / 60)",
    )
    parser.add_argument("--note", default="", help="a line for the report (e.g. machine load)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    machine = report.machine()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    databases = (args.databases or ("sqlite" if args.quick else "sqlite,postgres")).split(",")
    unknown = set(databases) - {"sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown database(s): {', '.join(sorted(unknown))}")
    sizes = QUICK if args.quick else FULL
    if args.minute_seconds:
        sizes = replace(sizes, minute_seconds=args.minute_seconds)
    if args.page_factor:
        sizes = replace(sizes, page_factor=args.page_factor)
    results = run(sizes, args.database_url, databases, quick=args.quick)
    command = shlex.join(
        ["python", "-m", "bench.run_all", *(argv if argv is not None else sys.argv[1:])]
    )
    results.update(
        machine=machine,
        started=stamp,
        seconds=round(time.perf_counter() - started, 1),
        load_average_end=[round(x, 2) for x in os.getloadavg()],
        command=command,
        note=args.note,
    )
    checked = report.write(results, args.out)
    for c in checked:
        met = {True: "met", False: "NOT met", None: "not measured"}[c["met"]]
        print(f"{c['target']}: {c['measured']} ({c['goal']}) {met}")
    print(f"report: {shlex.quote(str(args.out / 'report.md'))}")
    return 0


if __name__ == "__main__":
    # the client's own notes on waiting and 429s would drown the progress lines
    logging.getLogger("xerosync").setLevel(logging.ERROR)
    sys.exit(main())
