"""The README's example runs as written: connect, push three invoices, read receivables."""

from __future__ import annotations

import runpy
from decimal import Decimal
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"


def test_quickstart_example_connects_pushes_and_reads(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    lines = capsys.readouterr().out.splitlines()
    created = [line for line in lines if line.startswith("created INV-")]
    assert len(created) == 3
    totals = [Decimal(line.split()[2]) for line in created]
    assert totals == [Decimal("115.00"), Decimal("230.00"), Decimal("345.00")]  # + 15% GST
    assert lines[-1].startswith("receivables due: ")
