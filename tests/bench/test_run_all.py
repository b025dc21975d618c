"""`python -m bench.run_all --quick`: the report is written, and its figures hang together (sizes too
small for the targets themselves)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("xero_python")

from bench import run_all

pytestmark = pytest.mark.slow


def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return []


def test_the_quick_run_writes_a_consistent_report(tmp_path: Path) -> None:
    assert run_all.main(["--quick", "--out", str(tmp_path)]) == 0

    report = json.loads((tmp_path / "report.json").read_text())
    assert all(math.isfinite(n) for n in _numbers(report))
    assert report["machine"]["cpus"] >= 1
    assert report["machine"]["python"]

    for name in ("push", "pull", "push (baseline)", "pull (baseline)"):
        phase = report["rates"][name]
        assert phase["calls"] >= phase["minimum_calls"] >= 1, name
        assert phase["records"] > 0
        for share in (phase["share_of_maximum"], phase["budget_used"]):
            assert share is None or 0 < share <= 1.2, name
    # xerosync itself makes exactly the fewest calls; the baseline, one per record
    assert report["rates"]["push"]["calls"] == report["rates"]["push"]["minimum_calls"]
    baseline = report["rates"]["push (baseline)"]
    assert baseline["calls"] == baseline["records"]

    tenants = report["many_tenants"]
    assert tenants["calls"] == tenants["tenants"] * tenants["calls_per_tenant"]
    assert tenants["jain"] is None or 0 < tenants["jain"] <= 1
    assert report["incremental"]["webhook_pull_calls"] >= 1
    [hooks] = report["webhooks"]
    assert hooks["stored"] == hooks["events"] == hooks["accepted"]
    assert report["engine"]["memory"]["rss_peak_mb"] > 0

    markdown = (tmp_path / "report.md").read_text()
    assert "| target | goal | measured | met |" in markdown
    for target in report["targets"]:
        assert target["target"] in markdown
    for image in ("rates.png", "windows.png", "tenants.png"):
        assert (tmp_path / image).read_bytes().startswith(b"\x89PNG")
        assert f"]({image})" in markdown
