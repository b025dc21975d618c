"""`xerosync.xero.__all__` is sorted and importable, and carries the typed models, the
per-record batch results and every resource service a caller names in annotations."""

from __future__ import annotations

import xerosync.xero
from xerosync.xero import models, resources


def test_xero_all_is_sorted_and_importable() -> None:
    names = xerosync.xero.__all__
    assert names == sorted(names)
    for name in names:
        assert getattr(xerosync.xero, name) is not None, name


def test_models_resources_and_outcomes_are_exported() -> None:
    exported = set(xerosync.xero.__all__)
    assert set(models.__all__) <= exported
    assert set(resources.__all__) <= exported
    assert {"Outcome", "RecordOutcome"} <= exported
    assert xerosync.xero.Outcome.CREATED == "created"
