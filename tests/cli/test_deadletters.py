"""`xerosync deadletters list|retry|discard`: invoices Xero refused, listed with the reason,
one fixed and retried (and pushed by `xerosync sync`), one given up."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Invoke
from tests.sync.conftest import Harness, contact, invoice


@pytest.fixture
def refused(harness: Harness) -> list[int]:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "contacts", contact(1))
    bad = [
        {**invoice(n), "lines": [{"description": "x", "unit_amount": "10", "account_code": "9999"}]}
        for n in (1, 2)
    ]
    sync.submit_many(conn, "invoices", bad)
    assert sync.push(conn).rejected == 2
    return [letter.id for letter in sync.dead_letters()]


def test_list_shows_each_refused_record_with_xeros_reason(
    harness: Harness, refused: list[int], invoke: Invoke
) -> None:
    result = invoke("deadletters", "list")

    assert result.exit_code == 0, result.output
    for app_id in ("order-1", "order-2"):
        assert app_id in result.output
    assert "account code '9999'" in result.output
    assert "xerosync deadletters retry ID" in result.output


def test_a_fixed_record_is_retried_and_pushed_and_another_discarded(
    harness: Harness, refused: list[int], invoke: Invoke
) -> None:
    sync, conn = harness.sync, harness.connection
    sync.submit(conn, "invoices", invoice(1))  # fixed in the application
    first, second = refused

    retried = invoke("deadletters", "retry", str(first))
    discarded = invoke("deadletters", "discard", str(second))

    assert retried.exit_code == 0, retried.output
    assert f"dead letter {first} queued again" in retried.output
    assert discarded.exit_code == 0, discarded.output
    assert invoke("deadletters", "list").output.strip() == "no dead letters"
    assert invoke("sync", "--no-pull").exit_code == 0
    status = sync.status(conn, "invoices", "order-1")
    assert status is not None
    assert status.state == "synced"


def test_an_unknown_or_closed_dead_letter_is_exit_code_2(
    harness: Harness, refused: list[int], invoke: Invoke
) -> None:
    assert invoke("deadletters", "discard", str(refused[0])).exit_code == 0

    again = invoke("deadletters", "retry", str(refused[0]))
    unknown = invoke("deadletters", "discard", "999")
    wrong = invoke("deadletters", "list", "nobody")

    assert again.exit_code == 2
    assert f"no open dead letter {refused[0]}" in again.output
    assert unknown.exit_code == 2
    assert wrong.exit_code == 2
    assert "no connection 'nobody'" in wrong.output
