"""`xerosync plan`: a dry run per connection and entity, the calls it costs, the time at the
tenant's budgets, and whether today's budget (as the shared budget store knows it) suffices."""

from __future__ import annotations

import json

import pytest

from tests.cli.budget import day_spent_but
from tests.cli.conftest import Invoke
from tests.cli.test_sync import load_contacts
from tests.sync.conftest import Harness, contact
from xerosync.sync.entities import PUSH_ORDER


def api_calls(harness: Harness) -> int:
    with harness.emulator.admin() as admin:
        found = admin.get("/requests").json()
    return sum(1 for r in found["requests"] if "/api.xro/" in r["path"])


def planned(invoke: Invoke, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = invoke("plan", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_a_backlog_is_planned_in_batches_of_50_and_nothing_is_sent(
    harness: Harness, invoke: Invoke
) -> None:
    harness.sync.submit_many(harness.connection, "contacts", [contact(n) for n in range(120)])
    before = api_calls(harness)
    assert before > 0  # the connection read the chart of accounts

    code, plan = planned(invoke)

    assert api_calls(harness) == before  # a dry run

    assert code == 0
    [connection] = plan["connections"]
    assert connection["name"] == "Acme Ltd"
    by_entity = {e["entity"]: e for e in connection["entities"]}
    assert (by_entity["contacts"]["to_push"], by_entity["contacts"]["write_calls"]) == (120, 3)
    # never pulled: a first import of each kind, one page at least
    assert all(e["first_import"] and e["pull_calls"] == 1 for e in by_entity.values())
    assert connection["calls"] == 3 + len(PUSH_ORDER)
    assert connection["exact"] is False
    assert connection["day_left"] == 5000
    assert connection["fits_today"] is True
    assert connection["eta_seconds"] == pytest.approx((3 + len(PUSH_ORDER)) * 1.0)
    assert harness.sync.status(harness.connection, "contacts", "cust-1").state == "pending"  # type: ignore[union-attr]


def test_after_a_sync_the_pulls_are_incremental(harness: Harness, invoke: Invoke) -> None:
    harness.sync.submit(harness.connection, "contacts", contact(1))
    assert invoke("sync").exit_code == 0

    code, plan = planned(invoke, harness.connection)

    [connection] = plan["connections"]
    assert [e["first_import"] for e in connection["entities"]] == [False] * len(PUSH_ORDER)
    assert connection["write_calls"] == 0
    assert connection["exact"] is True
    assert code == 0


def test_the_table_names_each_entity_and_the_verdict(harness: Harness, invoke: Invoke) -> None:
    harness.sync.submit_many(harness.connection, "contacts", [contact(n) for n in range(51)])

    result = invoke("plan")

    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    assert "contacts" in result.output
    assert "Acme Ltd: 8+ calls (2 writes, 6+ reads)" in result.output
    assert "fits today's budget (5,000 of 5,000 calls left today)" in result.output


@pytest.mark.redis
def test_a_day_budget_too_small_is_exit_code_1(
    harness: Harness, invoke: Invoke, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XEROSYNC_REDIS_URL", redis_url)
    harness.sync.submit(harness.connection, "contacts", contact(1))
    client_id = harness.emulator.state.config.demo_client_id

    with day_spent_but(redis_url, client_id, harness.tenant_id, left=4):
        result = invoke("plan")
        code, plan = planned(invoke)
        push_only, small = planned(invoke, "--no-pull")

    assert result.exit_code == 1
    assert "more than today's budget (4 of 5,000 calls left today)" in result.output
    assert (code, plan["connections"][0]["day_left"], plan["fits_today"]) == (1, 4, False)
    # the rest waits for the next day window: a day, at most
    assert plan["eta_seconds"] > 86_400 - 60
    assert (push_only, small["calls"], small["fits_today"]) == (0, 1, True)


def test_an_unknown_connection_is_exit_code_2(harness: Harness, invoke: Invoke) -> None:
    result = invoke("plan", "nobody")
    assert result.exit_code == 2
    assert "no connection 'nobody'" in result.output


def test_count_asks_xero_and_makes_a_first_import_exact(harness: Harness, invoke: Invoke) -> None:
    books = harness.emulator.state.tenants[harness.tenant_id].books
    before = len(harness.xero("Contacts", includeArchived="true"))
    load_contacts(books, 2_345)
    calls = api_calls(harness)

    code, plan = planned(invoke, "--count")

    assert code == 0
    [connection] = plan["connections"]
    by_entity = {e["entity"]: e for e in connection["entities"]}
    assert by_entity["contacts"]["to_pull"] == before + 2_345
    assert by_entity["contacts"]["pull_calls"] == 3
    assert connection["exact"] is True
    assert api_calls(harness) == calls + len(PUSH_ORDER)  # one count a kind, nothing written
    # and the pull reads what was counted, in as many calls
    assert invoke("sync", "--no-push").exit_code == 0
    contacts = [e for e in harness.sync.overview(harness.connection) if e.entity == "contacts"]
    assert contacts[0].synced == before + 2_345
    _, after = planned(invoke, "--count")
    again = {e["entity"]: e for e in after["connections"][0]["entities"]}["contacts"]
    # incremental now: only what changed within the pull's overlap is read again (the seeded
    # organisation's own records, stamped moments ago), not the years of history
    assert again["to_pull"] <= before
    assert again["pull_calls"] == 1
