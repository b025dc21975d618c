"""Issue 10: "Refresh token expired or revoked mid-sync: work pauses, a person is notified once,
resumes on reconnect." A `xerosync worker` process is pushing a thousand invoices when Xero
stops honouring the grant (its access and refresh tokens expired at once). The push pauses with
its work kept, one e-mail reaches a real SMTP server however many wake-ups follow, and a person
connecting the organisation again through the service (`xerosync serve`) resumes the push.
Neither the old grant's tokens, nor the new one's, nor the sign-in's code appear in any log,
page or raw database row."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.faults.cluster import (
    API_KEY,
    assert_each_invoice_once,
    assert_no_secret_leaked,
    cluster,
    outstanding,
    planted_secrets,
    service_pages,
    wait_until,
)
from tests.support.smtp import Inbox, smtp_server
from tests.sync.conftest import contact, invoice
from xerosync.jobs import wake_after_commit

INVOICES = 1000
LATER = 20  # handed in while the connection waits for a person


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


@pytest.mark.slow
def test_a_grant_dying_mid_push_pauses_mails_once_and_resumes_on_reconnect(
    database_url: str, redis_url: str, tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    mail = {"smtp_host": "127.0.0.1", "smtp_port": str(port), "notify_emails": "fin@example.com"}
    with cluster(database_url, redis_url, tmp_path, organisations=("Acme Ltd",), **mail) as running:
        [conn] = running.connect().values()
        secrets = planted_secrets(running)
        tenant = running.tenants["Acme Ltd"]
        sync = running.sync
        base = running.service()
        running.worker("worker", periodic=True)
        with sync.db.transaction() as session:
            sync.submit_many(conn, "contacts", [contact(1)], session=session)
            sync.submit_many(
                conn, "invoices", [invoice(n) for n in range(1, INVOICES + 1)], session=session
            )
            wake_after_commit(session, running.tasks.wake_push, conn)

        def pushed() -> int:
            return sum(running.invoice_numbers(tenant).values())

        wait_until(lambda: pushed() >= 50, timeout=60, what="the push to start", every=0.02)
        client_id = running.emulator.config.demo_client_id
        with httpx.Client(base_url=f"{running.emulator_url}/_emulator", timeout=10) as admin:
            admin.post(f"/apps/{client_id}/expire-refresh-tokens").raise_for_status()
            admin.post(f"/apps/{client_id}/expire-access-tokens").raise_for_status()

        def status() -> str:
            return next(c.status for c in sync.connections() if c.id == conn)

        wait_until(lambda: status() == "needs_reauth", timeout=60, what="the push to pause")
        wait_until(lambda: len(inbox.messages) >= 1, timeout=30, what="the e-mail")
        paused_at = pushed()
        auth = {"Authorization": f"Bearer {API_KEY}"}
        with httpx.Client(base_url=base, timeout=30) as service:
            more = [invoice(n) for n in range(INVOICES + 1, INVOICES + LATER + 1)]
            for record in more:  # each one a wake-up of a paused connection
                posted = service.post(
                    f"/v1/connections/{conn}/invoices", json=[record], headers=auth
                )
                assert posted.status_code == 200, posted.text
            time.sleep(3)  # the wake-ups run, find the connection paused, and mail nobody
            assert pushed() == paused_at < INVOICES  # paused mid-push
            assert outstanding(sync) >= INVOICES + LATER - paused_at  # nothing dropped
            assert len(inbox.messages) == 1

            started = service.get("/connect", auth=("finance", API_KEY), follow_redirects=False)
            assert started.status_code == 303, started.text
            page = httpx.get(started.headers["location"], follow_redirects=False, timeout=10)
            query = httpx.URL(page.headers["location"]).query.decode()
            secrets["authorization code"] = httpx.QueryParams(query)["code"]
            done = service.get(f"/callback?{query}", headers={"Accept": "application/json"})
            assert done.status_code == 200, done.text

        wait_until(lambda: outstanding(sync) == 0, timeout=90, what="the push to resume")
        pages = service_pages(base, conn)
        running.stop_all()
        new = planted_secrets(running)
        assert new["refresh token"] != secrets["refresh token"]  # a new grant
        assert_no_secret_leaked(running, secrets | {f"new {k}": v for k, v in new.items()}, pages)
        assert_each_invoice_once(
            running, {"Acme Ltd": conn}, {"Acme Ltd": range(1, INVOICES + LATER + 1)}
        )
        [told] = inbox.messages
        assert told["To"] == "fin@example.com"
        assert "reconnect Acme Ltd" in told["Subject"]
        print(f"\nfigures: paused with {paused_at} of {INVOICES} invoices in Xero")
