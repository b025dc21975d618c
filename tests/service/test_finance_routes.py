"""The finance routes: accounts, reports as kept, the finance summary (money as strings) and a
refresh, behind the API keys; against a connected emulator organisation, on SQLite and
PostgreSQL."""

from __future__ import annotations

from contextlib import AbstractContextManager

import httpx

from tests.service.conftest import AUTH, running, service_settings
from tests.sync.conftest import KEPT, Harness
from xerosync.service import create_app


def serve_for(h: Harness, db_url: str) -> AbstractContextManager[httpx.Client]:
    return running(create_app(service_settings(db_url, h.emulator), sync=h.sync))


def test_finance_routes_answer_with_an_api_key_and_refuse_without(
    books: Harness, db_url: str
) -> None:
    conn = books.connection
    base = f"/v1/connections/{conn}"
    with serve_for(books, db_url) as http:
        for method, path in [
            ("GET", f"{base}/accounts"),
            ("GET", f"{base}/finance"),
            ("GET", f"{base}/reports/BalanceSheet"),
            ("POST", f"{base}/reports/refresh"),
        ]:
            assert http.request(method, path).status_code == 401, path
            wrong = {"Authorization": "Bearer not-a-key"}
            assert http.request(method, path, headers=wrong).status_code == 401, path
        assert books.sync.report(conn, "BalanceSheet") is None  # the refused refresh did nothing

        empty = http.get(f"{base}/finance", headers=AUTH, params={"today": "2026-01-01"})
        assert empty.status_code == 200, empty.text
        assert empty.json()["as_of"] == "2026-01-01"
        assert empty.json()["bank_balances"] == []
        assert empty.json()["receivables"]["total"] == "0.00"
        assert http.get(f"{base}/reports/BalanceSheet", headers=AUTH).status_code == 404

        assert books.sync.pull(conn).finished
        refreshed = http.post(f"{base}/reports/refresh", headers=AUTH)
        assert refreshed.status_code == 200, refreshed.text
        assert refreshed.json() == {"refreshed": KEPT}

        sheet = http.get(f"/v1/connections/{books.tenant_id}/reports/BalanceSheet", headers=AUTH)
        assert sheet.status_code == 200, sheet.text
        assert sheet.json()["body"]["ReportType"] == "BalanceSheet"
        assert sheet.json()["params"] == {"date": books.clock.now().date().isoformat()}

        summary = http.get(f"{base}/finance", headers=AUTH).json()
        assert summary == books.sync.finance(conn).model_dump(mode="json")
        assert summary["receivables"]["total"] != "0.00"
        assert isinstance(summary["bank_balances"][0]["closing"], str)  # money as strings
        assert isinstance(summary["profit_and_loss"][-1]["net"], str)

        accounts = http.get(f"{base}/accounts", headers=AUTH).json()
        codes = [a["Code"] for a in accounts if a.get("Code")]
        assert codes == sorted(codes)
        assert len(codes) > 10

        assert http.get("/v1/connections/nope/finance", headers=AUTH).status_code == 404
        assert http.get("/v1/connections/nope/accounts", headers=AUTH).status_code == 404


def test_a_refresh_without_the_reports_scope_asks_for_a_new_connection(
    harness: Harness, db_url: str
) -> None:
    with serve_for(harness, db_url) as http:
        answer = http.post(f"/v1/connections/{harness.connection}/reports/refresh", headers=AUTH)
    assert answer.status_code == 409
    assert "connect the organisation again" in answer.json()["detail"]
