"""A person is told once per incident, by real e-mail (a local SMTP server), not once per failure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.smtp import Inbox, smtp_server
from tests.sync.conftest import Harness, contact
from xerosync.notify.email import Mailer
from xerosync.notify.incidents import watch_connection


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, Mailer]]:
    with smtp_server() as (inbox, port):
        yield inbox, Mailer(host="127.0.0.1", port=port, recipients=("finance@example.com",))


def test_a_dead_grant_is_mailed_once_and_again_only_after_it_was_fixed(
    harness: Harness, smtp: tuple[Inbox, Mailer]
) -> None:
    inbox, mailer = smtp
    sync, conn = harness.sync, harness.connection
    client_id = harness.emulator.state.config.demo_client_id
    with harness.emulator.admin() as admin:
        admin.post(f"/apps/{client_id}/expire-refresh-tokens").raise_for_status()
        admin.post(f"/apps/{client_id}/expire-access-tokens").raise_for_status()
    sync.submit(conn, "contacts", contact(1))

    for _ in range(3):  # three worker runs fail; one mail
        sync.push(conn)
        watch_connection(sync.db, conn, now=harness.clock.now(), send=mailer.send)

    [mail] = inbox.messages
    assert mail["To"] == "finance@example.com"
    assert "reconnect Acme Ltd" in mail["Subject"]
    assert "Connect the organisation again" in mail.get_payload()
    assert [c.kind for c in sync.changes(limit=1000)].count("needs_reauth") == 1


def test_dead_letters_are_mailed_once_with_what_to_do(
    harness: Harness, smtp: tuple[Inbox, Mailer]
) -> None:
    inbox, mailer = smtp
    sync, conn = harness.sync, harness.connection
    sync.submit(
        conn,
        "invoices",
        {
            "id": "order-1",
            "contact_id": "nobody",
            "date": "2026-11-02",
            "lines": [{"description": "x", "unit_amount": "1"}],
        },
    )
    sync.push(conn)
    watch_connection(sync.db, conn, now=harness.clock.now(), send=mailer.send)
    watch_connection(sync.db, conn, now=harness.clock.now(), send=mailer.send)
    [mail] = inbox.messages
    assert "1 record(s) for Acme Ltd need a person" in mail["Subject"]

    [letter] = sync.dead_letters()
    sync.discard(letter.id)
    watch_connection(sync.db, conn, now=harness.clock.now(), send=mailer.send)  # resolved
    sync.submit(
        conn,
        "invoices",
        {
            "id": "order-2",
            "contact_id": "nobody",
            "date": "2026-11-02",
            "lines": [{"description": "x", "unit_amount": "1"}],
        },
    )
    sync.push(conn)
    watch_connection(sync.db, conn, now=harness.clock.now(), send=mailer.send)
    assert len(inbox.messages) == 2  # a new incident, a new mail
