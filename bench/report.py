"""The benchmark report: targets checked against the figures, as Markdown (with PNG plots made by
matplotlib) and as JSON, with the machine the run was on."""

from __future__ import annotations

import json
import os
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model or platform.processor() or "unknown",
        "python": sys.version.split()[0],
        "os": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


@dataclass(frozen=True)
class Target:
    """One goal of issues 8 and 10: a figure read from the results, and how it must compare."""

    name: str
    goal: str
    read: Callable[[dict[str, Any]], float | None]
    met: Callable[[float], bool]
    unit: str = ""

    def check(self, results: dict[str, Any]) -> dict[str, Any]:
        try:
            value = self.read(results)
        except (KeyError, TypeError, IndexError, ZeroDivisionError):
            value = None
        return {
            "target": self.name,
            "goal": self.goal,
            "measured": value,
            "unit": self.unit,
            "met": None if value is None else bool(self.met(value)),
        }


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def _phase(results: dict[str, Any], name: str) -> dict[str, Any]:
    phase: dict[str, Any] = results["rates"][name]
    return phase


TARGETS = [
    Target(
        "push: share of the rate-limit maximum (engine, Xero-like latency)",
        ">= 0.95",
        lambda r: _phase(r, "push")["share_of_maximum"],
        lambda v: v >= 0.95,
    ),
    Target(
        "push: calls / minimum",
        "= 1",
        lambda r: _phase(r, "push")["calls_over_minimum"],
        lambda v: v <= 1.0,
    ),
    Target(
        "push: 429s (alone)",
        "<= 1",
        lambda r: _phase(r, "push")["rate_limited"],
        lambda v: v <= 1,
    ),
    Target(
        "pull: share of the rate-limit maximum",
        ">= 0.95",
        lambda r: _phase(r, "pull")["share_of_maximum"],
        lambda v: v >= 0.95,
    ),
    Target(
        "pull: calls / minimum",
        "= 1",
        lambda r: _phase(r, "pull")["calls_over_minimum"],
        lambda v: v <= 1.0,
    ),
    Target(
        "pull: 429s (alone)",
        "<= 1",
        lambda r: _phase(r, "pull")["rate_limited"],
        lambda v: v <= 1,
    ),
    Target(
        "push: xerosync / xero-python baseline (records per Xero-minute)",
        ">= 40x",
        lambda r: _ratio(
            _phase(r, "push")["records_per_xero_minute"],
            _phase(r, "push (baseline)")["records_per_xero_minute"],
        ),
        lambda v: v >= 40,
        "x",
    ),
    Target(
        "pull: xerosync / xero-python baseline (records per Xero-minute)",
        ">= 9x",
        lambda r: _ratio(
            _phase(r, "pull")["records_per_xero_minute"],
            _phase(r, "pull (baseline)")["records_per_xero_minute"],
        ),
        lambda v: v >= 9,
        "x",
    ),
    Target(
        "incremental sync after K changes, webhook-driven: calls",
        "<= 2",
        lambda r: r["incremental"]["webhook_pull_calls"],
        lambda v: v <= 2,
    ),
    Target(
        "many tenants: app budget used",
        ">= 0.90",
        lambda r: r["many_tenants"]["utilisation"],
        lambda v: v >= 0.90,
    ),
    Target(
        "many tenants: Jain's fairness index",
        ">= 0.95",
        lambda r: r["many_tenants"]["jain"],
        lambda v: v >= 0.95,
    ),
    Target(
        "engine push throughput on PostgreSQL (limits off)",
        ">= 5,000",
        lambda r: _engine(r, "postgres", "push")["records_per_second"],
        lambda v: v >= 5000,
        "records/s",
    ),
    Target(
        "engine push throughput on PostgreSQL (limits off), one worker process a CPU",
        ">= 5,000",
        lambda r: _engine_workers(r, "postgres")["records_per_second"],
        lambda v: v >= 5000,
        "records/s",
    ),
    Target(
        "engine pull throughput on PostgreSQL (limits off)",
        ">= 5,000",
        lambda r: _engine(r, "postgres", "pull")["records_per_second"],
        lambda v: v >= 5000,
        "records/s",
    ),
    Target(
        "peak memory (RSS) of a 100,000-invoice pull",
        "< 300",
        lambda r: r["engine"]["memory"]["rss_peak_mb"],
        lambda v: v < 300,
        "MB",
    ),
    Target(
        "webhook ingest p99 at 1,000 events/s (PostgreSQL)",
        "< 50 (Xero's window: 5,000)",
        lambda r: _webhook(r, "postgres")["p99_ms"],
        lambda v: v < 50,
        "ms",
    ),
    Target(
        "webhook ingest: events stored durably per second (PostgreSQL)",
        ">= 1,000 offered",
        lambda r: _webhook(r, "postgres")["stored_events_per_second"],
        lambda v: v >= 0.95 * 1000,
        "events/s",
    ),
]


def _engine(results: dict[str, Any], database: str, phase: str) -> dict[str, Any]:
    for figures in results["engine"]["figures"]:
        if figures["database"] == database and figures["phase"] == phase:
            found: dict[str, Any] = figures
            return found
    raise KeyError(f"{database} {phase}")


def _engine_workers(results: dict[str, Any], database: str) -> dict[str, Any]:
    """The push by several worker processes at once (`run_push_workers`)."""
    for figures in results["engine"]["figures"]:
        if figures["database"] == database and figures["phase"].endswith(" workers"):
            found: dict[str, Any] = figures
            return found
    raise KeyError(f"{database} push by workers")


def _webhook(results: dict[str, Any], database: str) -> dict[str, Any]:
    for figures in results["webhooks"]:
        if figures["database"] == database:
            found: dict[str, Any] = figures
            return found
    raise KeyError(database)


def check(results: dict[str, Any]) -> list[dict[str, Any]]:
    return [t.check(results) for t in TARGETS]


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 10 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def plots(results: dict[str, Any], out: Path) -> list[str]:
    """PNG files written into `out`; their names."""
    made = []
    rates = results.get("rates", {})
    names = [n for n in ("push", "push (baseline)", "pull", "pull (baseline)") if n in rates]
    if names:
        fig, ax = plt.subplots(figsize=(7, 3.5))
        shares = [rates[n]["share_of_maximum"] or 0 for n in names]
        ax.bar(names, shares, color=["tab:blue", "tab:gray", "tab:blue", "tab:gray"][: len(names)])
        ax.axhline(0.95, color="tab:red", linestyle="--", linewidth=1, label="target 95%")
        ax.set_ylabel("records per Xero-minute / maximum")
        ax.set_ylim(0, 1.1)
        ax.legend()
        ax.set_title("Share of the rate-limit maximum, in full windows")
        fig.tight_layout()
        fig.savefig(out / "rates.png", dpi=100)
        plt.close(fig)
        made.append("rates.png")
        fig, ax = plt.subplots(figsize=(7, 3.5))
        for n in names:
            ax.plot(
                range(1, len(rates[n]["windows"]) + 1), rates[n]["windows"], marker="o", label=n
            )
        ax.axhline(60, color="tab:red", linestyle="--", linewidth=1, label="limit: 60 a minute")
        ax.set_xlabel("tenant minute window (first and last are partial)")
        ax.set_ylabel("calls answered")
        ax.legend(fontsize="small")
        ax.set_title("Calls per rate-limit window")
        fig.tight_layout()
        fig.savefig(out / "windows.png", dpi=100)
        plt.close(fig)
        made.append("windows.png")
    tenants = results.get("many_tenants_runs", [])
    if tenants:
        fig, ax = plt.subplots(figsize=(7, 3.5))
        for run in tenants:
            ax.plot(
                range(1, len(run["windows"]) + 1),
                [w / run["app_limit"] for w in run["windows"]],
                marker="o",
                label=f"{run['label']}: Jain {_fmt(run['jain'])}",
            )
        ax.set_xlabel("app minute window")
        ax.set_ylabel("share of the app limit used")
        ax.set_ylim(0, 1.1)
        ax.legend(fontsize="small")
        ax.set_title(f"{tenants[-1]['tenants']} tenants on one app-wide limit")
        fig.tight_layout()
        fig.savefig(out / "tenants.png", dpi=100)
        plt.close(fig)
        made.append("tenants.png")
    return made


def markdown(results: dict[str, Any], checked: list[dict[str, Any]], images: list[str]) -> str:
    m = results["machine"]
    lines = [
        "# xerosync benchmarks",
        "",
        f"Run `{results['command']}` at {results['started']} in {results['seconds']:.0f} s "
        f"({'quick: sizes too small for the targets' if results['quick'] else 'full'}).",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}, {m['os']}; "
        f"load average at start {m['load_average']}, at end {results['load_average_end']}.",
        "",
    ]
    if results.get("note"):
        lines += [f"**Note:** {results['note']}", ""]
    scale = results["scale"]
    lines += [
        f"Scaled clock: a Xero minute lasts {scale['minute_seconds']} s; Xero's limits "
        "(60 calls a tenant-minute, 5 concurrent, 5,000 a day); pages scaled down "
        f"({scale['max_page']} for Xero's 1,000, {scale['default_page']} for its 100); "
        "Xero-like response times injected (a 50-record write ~1.5 Xero-seconds). Rates are "
        "counted in the windows wholly inside each run. Figures in Xero's units.",
        "",
        "## Targets",
        "",
        "| target | goal | measured | met |",
        "|---|---|---:|:---:|",
    ]
    for c in checked:
        met = {True: "yes", False: "**no**", None: "n/a"}[c["met"]]
        unit = f" {c['unit']}" if c["unit"] and c["measured"] is not None else ""
        lines.append(f"| {c['target']} | {c['goal']} | {_fmt(c['measured'])}{unit} | {met} |")
    rates = results.get("rates", {})
    if rates:
        lines += [
            "",
            "## Push and pull against the limits",
            "",
            "| job | records | calls (minimum) | 429s | full windows | records / Xero-minute "
            "| maximum | share | wall s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, p in rates.items():
            lines.append(
                f"| {name} | {p['records']:,} | {p['calls']:,} ({p['minimum_calls']:,}) "
                f"| {p['rate_limited']} | {p['full_windows']} | {_fmt(p['records_per_xero_minute'])} "
                f"| {p['maximum_per_xero_minute']:,} | {_fmt(p['share_of_maximum'])} "
                f"| {p['seconds']:.1f} |"
            )
    inc = results.get("incremental")
    if inc:
        lines += [
            "",
            "## Incremental sync",
            "",
            f"After {inc['changes']} invoices changed in Xero: the webhook-driven pull made "
            f"{inc['webhook_pull_calls']} call(s) (minimum {inc['minimum_calls']}); a scheduled "
            f"pull of every entity (If-Modified-Since) made {inc['scheduled_pull_calls']} "
            f"(one per entity). The first full pull of the organisation: {inc['first_pull_calls']}.",
        ]
    for run in results.get("many_tenants_runs", []):
        lines += [
            "",
            f"## Many tenants ({run['label']})",
            "",
            f"{run['tenants']} tenants x {run['calls_per_tenant']} calls on an app limit of "
            f"{run['app_limit']} a minute: app budget used {_fmt(run['utilisation'])}, Jain "
            f"{_fmt(run['jain'])} over the first half of the calls (each tenant had "
            f"{run['first_half_least_most'][0]} to {run['first_half_least_most'][1]}), 429s "
            f"{run['rate_limited']}, last tenant in sync after {run['last_in_sync_seconds']} s "
            f"(least possible {run['least_possible_seconds']} s).",
        ]
    engine = results.get("engine")
    if engine:
        lines += [
            "",
            "## Engine overhead (limits off, Xero's time excluded)",
            "",
            '"push" sends one batch at a time on a new store: the reference. "4 at once" is the '
            "product's default (calls overlap, so only the fake Xero's CPU time is taken out, not "
            'its wall time); "pushed before" is the same push on a store already holding that many '
            'pushed invoices; "N workers" is N worker processes (one a CPU) pushing at once into '
            "one database, each its own organisation's records, as a deployment's workers do "
            "(records/s: all their records over the slowest one's engine time). CPU ms/record is "
            "the engine's (its processes'); database CPU ms/record is PostgreSQL's server "
            "processes' on this machine. Where both share the machine's cores, records/s cannot "
            "pass cores / (the sum of the two).",
            "",
            "| database | phase | records | calls (expected) | records/s | CPU ms/record "
            "| database CPU ms/record |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for f in engine["figures"]:
            database = f.get("database_cpu_ms_per_record")
            lines.append(
                f"| {f['database']} | {f['phase']} | {f['records']:,} "
                f"| {f['calls']} ({f['expected_calls']}) | {f['records_per_second']:,.0f} "
                f"| {f['cpu_ms_per_record']} | {'-' if database is None else database} |"
            )
        mem = engine.get("memory")
        if mem:
            lines += [
                "",
                f"Pull of {mem['records']:,} invoices ({mem['database']}): RSS {mem['rss_baseline_mb']} MB "
                f"before, {mem['rss_peak_mb']} MB peak.",
            ]
    hooks = results.get("webhooks")
    if hooks:
        lines += [
            "",
            "## Webhook ingest (`/webhooks/xero`)",
            "",
            "| database | offered events/s | stored | stored events/s | p50 ms | p99 ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for h in hooks:
            lines.append(
                f"| {h['database']} | {h['offered_events_per_second']:,} | {h['stored']:,} "
                f"| {h['stored_events_per_second']:,.0f} | {h['p50_ms']} | {h['p99_ms']} |"
            )
    if images:
        lines += ["", "## Plots", ""] + [f"![{i}]({i})" for i in images]
    lines += ["", "The same figures: [report.json](report.json).", ""]
    return "\n".join(lines)


def write(results: dict[str, Any], out: Path) -> list[dict[str, Any]]:
    out.mkdir(parents=True, exist_ok=True)
    checked = check(results)
    images = plots(results, out)
    (out / "report.json").write_text(
        json.dumps({**results, "targets": checked}, indent=2, allow_nan=False) + "\n"
    )
    (out / "report.md").write_text(markdown(results, checked, images))
    return checked
