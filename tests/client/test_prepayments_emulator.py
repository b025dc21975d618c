"""A received prepayment as Xero posts it, read through `client.reports`: Cr its line's account
and GST, Dr bank (not receivables); each allocation and refund moves its share to receivables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.client.emulator_oauth import SCOPES, client_config
from tests.conftest import EmulatorFactory, RunningEmulator
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.xero import MemoryTokenStore, XeroClient

ON = date(2026, 12, 31)
SALES, GST, RECEIVABLES, BANK = "Sales (200)", "GST (820)", "Accounts Receivable (610)", "090"


class Books:
    def __init__(self, emulator: RunningEmulator, clock: FakeClock) -> None:
        with emulator.admin() as admin:
            made = admin.post("/tenants", json={"name": "Prepaid Ltd", "seed_demo": True})
            made.raise_for_status()
        self.tenant: str = made.json()["tenant_id"]
        config = client_config(emulator.base_url, scopes=(*SCOPES, "accounting.reports.read"))
        self.client = XeroClient(config, token_store=MemoryTokenStore(), clock=clock)
        start = self.client.oauth.authorization_request()
        consent = httpx.get(start.url, follow_redirects=False, timeout=10)
        self.client.connect(consent.headers["location"], start)
        with emulator.admin() as admin:
            tokens = admin.post(
                "/tokens",
                json={
                    "client_id": EmulatorConfig().demo_client_id,
                    "tenant_ids": [self.tenant],
                    "scopes": list(SCOPES),
                },
            ).json()
        self.api = httpx.Client(
            base_url=emulator.api_url,
            headers={
                "Authorization": f"Bearer {tokens['access_token']}",
                "xero-tenant-id": self.tenant,
            },
            timeout=30,
        )

    def put(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.api.put(path, json=body)
        assert response.status_code == 200, response.text
        made: dict[str, Any] = response.json()
        return made

    def balances(self) -> dict[str, Decimal]:
        """Trial balance (year to date) through the client: debit positive, credit negative."""
        report = self.client.reports.trial_balance(tenant=self.tenant, on=ON)
        found: dict[str, Decimal] = {}
        for _section, row in report.walk():
            if row.row_type != "Row":
                continue
            label, _debit, _credit, ytd_debit, ytd_credit = row.values()[:5]
            found[label] = Decimal(ytd_debit or "0") - Decimal(ytd_credit or "0")
        return found

    def close(self) -> None:
        self.api.close()
        self.client.close()


@pytest.fixture
def books(emulator_factory: EmulatorFactory, clock: FakeClock) -> Iterator[Books]:
    made = Books(emulator_factory(EmulatorConfig(auto_approve=True)), clock)
    yield made
    made.close()


def _moved(before: dict[str, Decimal], after: dict[str, Decimal]) -> dict[str, Decimal]:
    keys = before.keys() | after.keys()
    changes = {k: after.get(k, Decimal(0)) - before.get(k, Decimal(0)) for k in keys}
    return {k: v for k, v in changes.items() if v}


def _bank(balances: dict[str, Decimal]) -> str:
    return next(k for k in balances if k.endswith(f"({BANK})"))


def _prepayment(books: Books, amount: int, on: str = "2026-06-01") -> str:
    made = books.put(
        "/BankTransactions",
        {
            "BankTransactions": [
                {
                    "Type": "RECEIVE-PREPAYMENT",
                    "Contact": {"Name": "Boom FM"},
                    "BankAccount": {"Code": BANK},
                    "Date": on,
                    "LineAmountTypes": "Exclusive",
                    "LineItems": [
                        {
                            "Description": "Deposit",
                            "Quantity": 1,
                            "UnitAmount": amount,
                            "AccountCode": "200",
                            "TaxType": "OUTPUT2",
                        }
                    ],
                }
            ]
        },
    )
    prepayment_id: str = made["BankTransactions"][0]["PrepaymentID"]
    return prepayment_id


def test_a_received_prepayment_posts_to_its_line_account_and_gst(books: Books) -> None:
    before = books.balances()
    _prepayment(books, 100)
    after = books.balances()
    assert _moved(before, after) == {
        _bank(after): Decimal("115.00"),
        SALES: Decimal("-100.00"),
        GST: Decimal("-15.00"),
    }  # receivables untouched


def test_allocations_move_the_prepayment_to_receivables(books: Books) -> None:
    prepayment_id = _prepayment(books, 100)
    invoice = books.put(
        "/Invoices",
        {
            "Invoices": [
                {
                    "Type": "ACCREC",
                    "Status": "AUTHORISED",
                    "Contact": {"Name": "Boom FM"},
                    "Date": "2026-07-01",
                    "DueDate": "2026-08-01",
                    "LineItems": [
                        {
                            "Description": "Ads",
                            "Quantity": 1,
                            "UnitAmount": 200,
                            "AccountCode": "200",
                            "TaxType": "OUTPUT2",
                        }
                    ],
                }
            ]
        },
    )["Invoices"][0]
    before = books.balances()
    half = {"Invoice": {"InvoiceID": invoice["InvoiceID"]}, "Amount": 57.5, "Date": "2026-07-02"}
    first = books.put(f"/Prepayments/{prepayment_id}/Allocations", {"Allocations": [half]})
    after_half = books.balances()
    assert _moved(before, after_half) == {
        SALES: Decimal("50.00"),
        GST: Decimal("7.50"),
        RECEIVABLES: Decimal("-57.50"),
    }
    books.put(f"/Prepayments/{prepayment_id}/Allocations", {"Allocations": [half]})
    after_all = books.balances()
    # the sale is the invoice's alone now: 200 + 30 GST, of which 115 was prepaid
    assert _moved(before, after_all) == {
        SALES: Decimal("100.00"),
        GST: Decimal("15.00"),
        RECEIVABLES: Decimal("-115.00"),
    }
    allocation_id = first["Allocations"][0]["AllocationID"]
    gone = books.api.delete(f"/Prepayments/{prepayment_id}/Allocations/{allocation_id}")
    assert gone.status_code == 200, gone.text
    assert _moved(before, books.balances()) == _moved(before, after_half)


def test_a_refunded_prepayment_leaves_nothing_behind(books: Books) -> None:
    before = books.balances()
    prepayment_id = _prepayment(books, 20)
    books.put(
        "/Payments",
        {
            "Payments": [
                {
                    "Prepayment": {"PrepaymentID": prepayment_id},
                    "Account": {"Code": BANK},
                    "Date": "2026-06-10",
                    "Amount": 23,
                }
            ]
        },
    )
    assert _moved(before, books.balances()) == {}
