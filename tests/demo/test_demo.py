"""`xerosync demo`, the README's first command: it runs to its summary, and the summary's numbers
are Xero's own (checked here against the emulator directly, not through the demo's code)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import httpx
from shop import ShopStore

from xerosync.demo import DemoOptions
from xerosync.demo.run import Step, demo_running


def _emulator_invoices(emulator_url: str, tenant_id: str) -> list[dict[str, object]]:
    with httpx.Client(base_url=emulator_url, timeout=30) as http:
        app = http.post("/_emulator/apps", json={"name": "test"}).json()
        token = http.post(
            "/_emulator/tokens",
            json={
                "client_id": app["client_id"],
                "tenant_ids": [tenant_id],
                "scopes": ["accounting.transactions"],
            },
        ).json()["access_token"]
        answer = http.get(
            "/api.xro/2.0/Invoices",
            params={"page": 1, "pageSize": 1000},
            headers={"Authorization": f"Bearer {token}", "xero-tenant-id": tenant_id},
        )
        answer.raise_for_status()
        invoices: list[dict[str, object]] = answer.json()["Invoices"]
        return invoices


def test_the_demo_pushes_once_and_the_shop_learns_exactly_what_was_paid(tmp_path: Path) -> None:
    steps: list[Step] = []
    options = DemoOptions(
        orders=60, customers=8, payouts=3, data_dir=tmp_path, today=date(2026, 11, 30)
    )
    with demo_running(options, steps.append) as run:
        summary = run.summary
        with httpx.Client(base_url=run.emulator_url) as http:
            [tenant] = [
                t
                for t in http.get("/_emulator/tenants").json()
                if t["name"] == summary.organisation
            ]
        invoices = _emulator_invoices(run.emulator_url, tenant["tenant_id"])
        shop = ShopStore(tmp_path / "shop.db")
        try:
            numbers = Counter(i["InvoiceNumber"] for i in invoices)
            orders = shop.orders()
            assert all(numbers[o.number] == 1 for o in orders)  # each order in Xero exactly once
            xero_ids = shop.order_xero_ids()
            paid_in_xero = {i["InvoiceID"] for i in invoices if i["Status"] == "PAID"}
            paid_told = {xero_ids[o] for o in shop.paid_orders()}
            assert paid_told == paid_in_xero & set(xero_ids.values())
        finally:
            shop.close()

    assert summary.ok
    assert summary.records["invoices"].in_xero == 60
    assert summary.records["contacts"].in_xero == 9  # 8 customers + the card processor
    assert summary.invoices.paid_in_xero == len(paid_told) == 20  # every third of 60
    assert summary.invoices.part_paid_in_xero == 1  # and not counted as paid
    assert summary.calls.writes == summary.calls.minimum_writes == 1 + 2 + 1  # 9, 60, 3 records
    assert summary.calls.rate_limited == 0
    assert summary.contact_edits_known_to_shop == summary.contacts_edited_in_xero == 1
    assert steps[-1].done == steps[-1].total  # the progress reached its end


def test_xerosync_demo_json_exits_0_with_its_summary(tmp_path: Path) -> None:
    """What the README's first command runs, as a user's shell would (a process of its own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XEROSYNC_")}
    done = subprocess.run(
        [sys.executable, "-m", "xerosync.cli.main", "demo", "--json", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert summary["records"]["invoices"] == {"handed_in": 36, "confirmed": 36, "in_xero": 36}
    assert summary["invoices"]["paid_in_xero"] == summary["invoices"]["paid_known_to_shop"] == 12
    assert summary["dashboard"].endswith("/dashboard")
    assert (tmp_path / "xerosync.log").exists()  # the logs went to the file, not the screen
    assert "Traceback" not in done.stderr
