"""The dashboard as a person uses it, in a real headless Chromium against the real service and an
emulator organisation: signing in, the overview and health figures, a conflict resolved and a
dead letter retried by clicking, the finance charts, and no secret on any page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import httpx
from sqlalchemy import func, select

from tests.dashboard.conftest import Dashboard
from tests.service.conftest import API_KEY
from tests.sync.conftest import contact, invoice
from tests.sync.test_merge_emulator import edit_in_xero, pushed_contact, the_contact
from xerosync.store import connections as connection_store
from xerosync.store.tables import ConflictRow, DeadLetter, OAuthState, OutboxRow


def test_sign_in_is_required_a_wrong_key_is_refused_and_signing_out_ends_it(
    dash: Dashboard,
) -> None:
    page = dash.open("/dashboard/conflicts")
    assert page.url == f"{dash.url}/dashboard/login"  # not signed in: sent to sign in
    dash.shot("login")

    page = dash.sign_in("not-a-key-" + API_KEY[:6])
    assert page.url == f"{dash.url}/dashboard/login"
    assert page.get_by_role("alert").inner_text() == "That key is not recognised."
    assert page.context.cookies() == []

    page = dash.sign_in()
    assert page.url == f"{dash.url}/dashboard"
    assert "Signed in as operator" in page.inner_text("header")
    [cookie] = page.context.cookies()
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert API_KEY not in cookie["value"]

    # a form posted from another site is refused, even carrying the session
    forged = httpx.post(
        f"{dash.url}/dashboard/connections/{dash.harness.connection}/disconnect",
        cookies={cookie["name"]: cookie["value"]},
        headers={"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert forged.status_code == 403
    assert dash.harness.sync.connections()[0].status == "connected"

    page.get_by_role("button", name="Sign out").click()
    assert page.url == f"{dash.url}/dashboard/login"
    assert dash.open("/dashboard/health").url == f"{dash.url}/dashboard/login"


def test_a_stored_key_sees_only_its_connections_and_its_revocation_ends_the_session(
    dash: Dashboard,
) -> None:
    sync = dash.harness.sync
    other = sync.add_connection("tenant-bravo", tenant_name="Bravo Ltd")
    with sync.db.transaction() as session:
        hidden = DeadLetter(
            connection_id=other,
            entity="contacts",
            app_id="bravo-1",
            operation="upsert",
            reason="validation",
            messages=["Bravo's own trouble"],
            payload={},
        )
        session.add(hidden)
        session.flush()
        hidden_id = hidden.id
    row, key = sync.create_api_key("shop", [dash.harness.connection])

    page = dash.sign_in(key)
    assert "Signed in as shop" in page.inner_text("header")
    assert "Acme Ltd" in page.inner_text("main")
    assert "Bravo Ltd" not in page.inner_text("main")
    assert page.locator("a", has_text="Connect another organisation").count() == 0  # operators'
    reconnect = page.request.get(f"{dash.url}/dashboard/connect", max_redirects=0)
    assert reconnect.status == 403  # connecting organisations is for operators
    for path in ("/dashboard/health", "/dashboard/dead-letters", "/dashboard/finance"):
        text = dash.open(path).inner_text("main")
        assert "Bravo" not in text, path
    assert page.request.get(f"{dash.url}/dashboard/finance?connection={other}").status == 404
    page.request.post(f"{dash.url}/dashboard/dead-letters/{hidden_id}/retry")
    assert [d.status for d in sync.dead_letters(other)] == ["open"]  # not theirs to retry

    sync.revoke_api_key(row.id)
    assert dash.open("/dashboard").url == f"{dash.url}/dashboard/login"
    assert key not in "".join(dash.seen)

    page = dash.sign_in()  # an operator sees every organisation
    assert "Bravo Ltd" in page.inner_text("main")
    assert "Bravo's own trouble" in dash.open("/dashboard/dead-letters").inner_text("main")


def waiting_in_store(dash: Dashboard) -> dict[tuple[str, str], int]:
    with dash.harness.sync.db.transaction() as session:
        rows = session.execute(
            select(OutboxRow.entity, OutboxRow.state, func.count())
            .where(OutboxRow.state.in_(("pending", "in_flight", "failed")))
            .group_by(OutboxRow.entity, OutboxRow.state)
        ).all()
    return {(entity, state): n for entity, state, n in rows}


def test_overview_and_health_show_the_connection_and_the_stores_figures(dash: Dashboard) -> None:
    harness, sync, conn = dash.harness, dash.harness.sync, dash.harness.connection
    sync.submit_many(conn, "contacts", [contact(1), contact(2)])
    assert sync.push(conn).ok == 2
    sync.pull(conn, entities=["contacts"])
    sync.submit_many(conn, "invoices", [invoice(1), invoice(2), invoice(3, customer=2)])
    harness.clock.advance(150)

    page = dash.sign_in()
    card = page.locator("section.connection")
    assert card.locator("h2").inner_text() == "Acme Ltd"
    assert card.locator(".status").inner_text() == "connected"
    assert card.locator("[data-figure=waiting]").inner_text() == "3"
    assert card.get_by_role("button", name="Disconnect").is_visible()
    dash.shot("overview")

    page = dash.open("/dashboard/health")
    store = waiting_in_store(dash)
    assert store == {("invoices", "pending"): 3}
    for entity in ("contacts", "invoices", "credit_notes", "payments"):
        row = page.locator(f"tr[data-entity={entity}]")
        for state in ("pending", "in_flight", "failed"):
            shown = row.locator(f"[data-cell={state}]").inner_text()
            assert int(shown) == store.get((entity, state), 0), (entity, state)
    invoices, contacts = (
        page.locator("tr[data-entity=invoices]"),
        page.locator("tr[data-entity=contacts]"),
    )
    assert invoices.locator("[data-cell=lag]").inner_text() == "2 min"
    assert contacts.locator("[data-cell=lag]").inner_text() == "—"
    assert contacts.locator("td").nth(0).inner_text() == "2 min ago"  # the push
    assert contacts.locator("td").nth(1).inner_text() == "2 min ago"  # the pull
    left = sync.client.governor.left(harness.tenant_id)
    assert left.day is not None
    assert left.day < 5000  # the calls above were counted (the minute has refilled since)
    assert page.inner_text("[data-figure=minute]") == str(left.minute)
    assert page.inner_text("[data-figure=day]") == str(left.day)
    dash.shot("health")


def test_a_connection_needing_reauthorisation_offers_reconnect_which_restores_it(
    dash: Dashboard,
) -> None:
    sync, conn = dash.harness.sync, dash.harness.connection
    with sync.db.transaction() as session:
        connection_store.set_status(session, conn, connection_store.NEEDS_REAUTH, "invalid_grant")
    page = dash.sign_in()
    assert page.locator("section.connection .status").inner_text() == "needs reconnecting"
    assert "reconnect it to resume syncing" in page.inner_text("section.connection")
    reconnect = page.get_by_role("link", name="Reconnect")
    assert reconnect.get_attribute("href") == "/dashboard/connect"
    dash.shot("overview-needs-reauth")

    started = page.request.get(f"{dash.url}/dashboard/connect", max_redirects=0)
    assert started.status == 303
    consent_url = started.headers["location"]
    assert consent_url.startswith(dash.harness.emulator.base_url)
    with sync.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(OAuthState)) == 1
    consented = httpx.get(consent_url, follow_redirects=False, timeout=10)  # auto-approved
    query = httpx.URL(consented.headers["location"]).query.decode()
    assert httpx.get(f"{dash.url}/callback?{query}", timeout=10).status_code == 200

    page = dash.open("/dashboard")
    assert page.locator("section.connection .status").inner_text() == "connected"


def test_a_conflict_is_shown_side_by_side_and_resolves_by_clicking(dash: Dashboard) -> None:
    harness, sync, conn = dash.harness, dash.harness.sync, dash.harness.connection
    xero_id = pushed_contact(harness)
    edit_in_xero(harness, xero_id, Name="Hillcrest Coll")
    sync.submit(conn, "contacts", contact(1, name="Hillcrest College"))
    harness.clock.advance(2)
    assert sync.pull(conn, entities=["contacts"]).conflicts == 1
    [conflict] = sync.conflicts()

    dash.sign_in()
    page = dash.open("/dashboard/conflicts")
    row = page.locator(f"form[data-conflict='{conflict.id}'] tr[data-field=name]")
    assert row.locator("td.app").inner_text() == "Hillcrest College"
    assert row.locator("td.xero").inner_text() == "Hillcrest Coll"
    assert row.locator("td.base").inner_text() == "Hillcrest"
    dash.shot("conflicts")

    row.get_by_text("Keep app").click()
    page.get_by_role("button", name="Resolve with these choices").click()

    assert f"Conflict {conflict.id} resolved" in page.get_by_role("status").inner_text()
    assert "No conflicts wait for a decision." in page.inner_text("main")
    dash.seen.append(page.content())
    with sync.db.transaction() as session:
        stored = session.get(ConflictRow, conflict.id)
        assert stored is not None
        assert (stored.status, stored.resolved_by) == ("resolved", "operator")
    assert ("push", conn) in dash.wakes
    assert sync.push(conn).ok == 1
    assert the_contact(harness, xero_id)["Name"] == "Hillcrest College"


def test_a_conflict_needs_a_choice_for_every_field_or_keep_for_all(dash: Dashboard) -> None:
    harness, sync, conn = dash.harness, dash.harness.sync, dash.harness.connection
    xero_id = pushed_contact(harness)
    edit_in_xero(harness, xero_id, Name="Hillcrest Coll", EmailAddress="ap@hillcrest.example")
    sync.submit(conn, "contacts", contact(1, name="Hillcrest College", email="x@hillcrest.example"))
    harness.clock.advance(2)
    sync.pull(conn, entities=["contacts"])
    [conflict] = sync.conflicts()
    assert len(conflict.fields) == 2

    dash.sign_in()
    page = dash.open("/dashboard/conflicts")
    page.get_by_role("button", name="Keep Xero for all").click()

    assert f"Conflict {conflict.id} resolved" in page.get_by_role("status").inner_text()
    dash.seen.append(page.content())
    assert sync.conflicts() == []
    found = the_contact(harness, xero_id)
    assert (found["Name"], found["EmailAddress"]) == ("Hillcrest Coll", "ap@hillcrest.example")


def test_dead_letters_show_xeros_message_and_retry_or_discard_by_clicking(
    dash: Dashboard,
) -> None:
    harness, sync, conn = dash.harness, dash.harness.sync, dash.harness.connection
    taken = harness.xero("Contacts")[0]["Name"]  # a name Xero already has: refused by Xero
    sync.submit(conn, "contacts", contact(1, name=taken))
    sync.submit(conn, "invoices", invoice(9, customer=99))  # names a contact never handed in
    sync.push(conn)
    letters = {d.app_id: d for d in sync.dead_letters()}
    assert sorted(letters) == ["cust-1", "order-9"]

    dash.sign_in()
    page = dash.open("/dashboard/dead-letters")
    refused = page.locator(f"section[data-letter='{letters['cust-1'].id}']")
    assert "already assigned to another contact" in refused.locator(".messages").inner_text()
    dash.shot("dead-letters")

    refused.get_by_role("button", name="Retry").click()
    assert page.get_by_role("status").inner_text() == "Queued contacts cust-1 again."
    page.locator(f"section[data-letter='{letters['order-9'].id}']").get_by_role(
        "button", name="Discard"
    ).click()
    assert page.get_by_role("status").inner_text() == "Discarded invoices order-9."
    assert "No dead letters." in page.inner_text("main")
    dash.seen.append(page.content())
    again = page.request.post(
        f"{dash.url}/dashboard/dead-letters/{letters['cust-1'].id}/retry", max_redirects=0
    )  # a second click (another tab) changes nothing
    assert again.status == 303
    assert "no longer open" in unquote(again.headers["location"])

    with sync.db.transaction() as session:
        states = {d.app_id: d.status for d in session.scalars(select(DeadLetter))}
    assert states == {"cust-1": "retried", "order-9": "discarded"}
    assert waiting_in_store(dash).get(("contacts", "pending")) == 1
    assert ("push", conn) in dash.wakes


def values(page: Any, selector: str) -> list[Decimal]:
    return [
        Decimal(v)
        for v in page.locator(selector).evaluate_all(
            "nodes => nodes.map(n => n.getAttribute('data-value'))"
        )
    ]


def test_the_finance_charts_show_the_numbers_of_the_finance_summary(dash: Dashboard) -> None:
    harness, sync, conn = dash.harness, dash.harness.sync, dash.harness.connection
    sync.refresh_reports(conn)
    sync.pull(conn, entities=["invoices"])
    summary = sync.finance(conn, today=harness.clock.now().date())
    assert summary.bank_balances, "the demo organisation has bank accounts"
    assert any(m.income for m in summary.profit_and_loss)

    dash.sign_in()
    page = dash.open("/dashboard/finance")
    assert values(page, "#bank svg rect[data-value]") == [b.closing for b in summary.bank_balances]
    aging = summary.receivables
    assert values(page, "#aging svg rect[data-value]") == [
        aging.current,
        aging.days_1_30,
        aging.days_31_60,
        aging.days_61_90,
        aging.over_90,
    ]
    months = summary.profit_and_loss
    assert values(page, "#pnl g.income rect") == [m.income for m in months]
    assert values(page, "#pnl g.expenses rect") == [m.expenses for m in months]
    assert values(page, "#pnl circle") == [m.net for m in months]
    split = summary.invoices
    assert values(page, "#invoices g.paid rect") == [split.paid_amount]
    assert values(page, "#invoices g.outstanding rect") == [split.outstanding_amount]
    first = summary.bank_balances[0]
    assert f"{first.closing:,.2f}" in page.inner_text("#bank")  # the figure is written too
    dash.shot("finance")
