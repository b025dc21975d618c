"""Issue 8: the same run on PostgreSQL + Redis with three `xerosync worker` processes and the
service (`xerosync serve`): two organisations, a few hundred invoices each handed in through the
REST API a few at a time. Nothing is pushed twice, nothing is missed, and no organisation's
minute budget (60 calls) is exceeded, read from Xero's own request log.

And issue 10's "tokens and secrets encrypted at rest and absent from logs, errors and pages"
over the whole running product: the secrets planted in its configuration and the grant's
tokens appear in no process's output (the workers log at DEBUG), no page or error the service
shows, and no raw row of its database."""

from __future__ import annotations

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
from tests.sync.conftest import contact, invoice

PER_ORGANISATION = 400
CHUNK = 8  # records per POST: many small hand-ins, many wake-ups, workers racing for them
CONTACTS = 5


@pytest.mark.slow
def test_three_worker_processes_push_two_organisations_once_within_budget(
    database_url: str, redis_url: str, tmp_path: Path
) -> None:
    with cluster(database_url, redis_url, tmp_path) as running:
        connections = running.connect()
        secrets = planted_secrets(running)  # the first tokens; refreshed ones are added later
        base = running.service()
        workers = [  # one runs the schedules (the sweeper), as docs/workers.md says
            running.worker(f"worker-{n}", periodic=n == 0) for n in range(3)
        ]
        wait_until(
            lambda: all("consumer started" in w.log.read_text() for w in workers),
            timeout=60,
            what="three workers to start",
        )
        auth = {"Authorization": f"Bearer {API_KEY}"}
        with httpx.Client(base_url=base, headers=auth, timeout=30) as api:
            for conn in connections.values():
                people = [contact(n) for n in range(1, CONTACTS + 1)]
                assert api.post(f"/v1/connections/{conn}/contacts", json=people).status_code == 200
            for start in range(1, PER_ORGANISATION + 1, CHUNK):
                for conn in connections.values():
                    batch = [
                        invoice(n, customer=1 + n % CONTACTS) for n in range(start, start + CHUNK)
                    ]
                    posted = api.post(f"/v1/connections/{conn}/invoices", json=batch)
                    assert posted.status_code == 200, posted.text

        def all_there() -> bool:
            return outstanding(running.sync) == 0 and all(
                sum(running.invoice_numbers(t).values()) >= PER_ORGANISATION
                for t in running.tenants.values()
            )

        wait_until(all_there, timeout=150, what="the workers to push every invoice")
        pages = service_pages(base, next(iter(connections.values())))
        running.stop_all()
        assert_no_secret_leaked(running, secrets | planted_secrets(running), pages)

        expected = {name: range(1, PER_ORGANISATION + 1) for name in connections}
        assert_each_invoice_once(running, connections, expected)
        busiest = running.busiest_minutes()
        calls = running.accounting_calls()
        refused = [c for c in calls if c["status"] == 429]
        executed = {
            p.name: p.log.read_text().count("Executing xerosync") for p in running.processes
        }
        print(
            f"\nfigures: {len(calls)} Accounting API calls, busiest minute per organisation "
            f"{sorted(busiest.values())}, 429s {len(refused)} "
            f"({sorted({c['fault'] or 'limit' for c in refused})}), tasks run {executed}"
        )
        assert max(busiest.values()) <= 60
        assert [p.name for p in running.processes if "Traceback" in p.log.read_text()] == []
