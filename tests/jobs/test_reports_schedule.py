"""The periodic refresh of every connected organisation's reports, on the queue in immediate
mode (a task runs inside the call that enqueues it), against the emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from huey import MemoryHuey

from tests.client.emulator_oauth import SCOPES
from tests.conftest import EmulatorFactory
from tests.sync.conftest import Harness, connect_harness, db_url, pg_database  # noqa: F401
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.jobs import Schedule, Tasks, register_tasks
from xerosync.settings import Settings
from xerosync.store import connections


@pytest.fixture
def books(
    emulator_factory: EmulatorFactory,
    db_url: str,  # noqa: F811
    clock: FakeClock,
) -> Iterator[Harness]:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    h = connect_harness(emulator, db_url, clock, scopes=(*SCOPES, "accounting.reports.read"))
    yield h
    h.sync.close()


@pytest.fixture
def tasks(books: Harness) -> Tasks:
    return register_tasks(
        MemoryHuey("xerosync-test", immediate=True, results=False),
        lambda: books.sync,
        Schedule(retry_after_seconds=30),
    )


def test_every_connected_organisations_reports_are_refreshed_on_schedule(
    books: Harness, tasks: Tasks
) -> None:
    sync, conn = books.sync, books.connection
    assert sync.report(conn, "ProfitAndLoss") is None

    assert tasks.reports_all.call_local() == [conn]

    for name in ("ProfitAndLoss", "BalanceSheet", "BankSummary", "TrialBalance"):
        kept = sync.report(conn, name)
        assert kept is not None
        assert kept.fetched_at == books.clock.now()
    assert sync.finance(conn).bank_balances  # what the dashboard shows is there now


def test_the_refresh_skips_a_connection_that_needs_reauthorising(
    books: Harness, tasks: Tasks
) -> None:
    sync, conn = books.sync, books.connection
    with sync.db.transaction() as session:
        connections.set_status(session, conn, connections.NEEDS_REAUTH, "invalid_grant")

    assert tasks.reports_all.call_local() == []
    assert sync.report(conn, "BalanceSheet") is None


def test_a_grant_found_dead_by_the_refresh_pauses_the_connection_quietly(
    books: Harness, tasks: Tasks
) -> None:
    sync, conn = books.sync, books.connection
    client_id = books.emulator.state.config.demo_client_id
    with books.emulator.admin() as admin:
        admin.post(f"/apps/{client_id}/expire-refresh-tokens").raise_for_status()
        admin.post(f"/apps/{client_id}/expire-access-tokens").raise_for_status()

    assert tasks.reports.call_local(conn) == []  # the worker carries on

    assert sync.connections()[0].status == "needs_reauth"
    assert tasks.reports_all.call_local() == []


def test_how_often_comes_from_settings() -> None:
    assert Schedule.from_settings(Settings()).reports_every_minutes == 60
    assert Schedule.from_settings(Settings(reports_every_minutes=15)).reports_every_minutes == 15
