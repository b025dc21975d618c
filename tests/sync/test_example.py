"""The README's sync example runs as written: orders pushed as invoices, the payment learned."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders_to_invoices.py"


def test_orders_become_invoices_and_the_shop_learns_which_were_paid(
    capsys: pytest.CaptureFixture[str],
) -> None:
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "pushed 4 records in 2 calls",
        "order-1001 is SHOP-1001 in Xero, total 103.50, due 103.50",
        "order-1002 is SHOP-1002 in Xero, total 138.00, due 138.00",
        "order-1002 paid in full on 2026-11-25",
    ]
