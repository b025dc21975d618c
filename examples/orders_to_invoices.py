"""An application keeping Xero in step with xerosync: its customers become contacts, its completed
orders become invoices, and it learns from the change feed which were paid.

    python examples/orders_to_invoices.py

Runs against the bundled Xero emulator with SQLite in a temporary folder. Against real Xero, use
`XeroConfig(client_id=..., client_secret=..., redirect_uri=...)`, a real database URL, keys from
`XEROSYNC_TOKEN_KEYS`, and send the person to `start.url` in a browser.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from xerosync import XeroConfig, XeroSync
from xerosync.emulator import EmulatorConfig, create_app
from xerosync.store.crypto import new_key
from xerosync.testing import serve

CUSTOMERS = [
    {"id": "cust-1", "name": "Harbour Cafe", "email": "accounts@harbour.example"},
    {"id": "cust-2", "name": "Northside Bakery", "email": "hello@northside.example"},
]
ORDERS = [  # what the shop's own database holds; the ids are the shop's
    {
        "id": "order-1001",
        "contact_id": "cust-1",
        "number": "SHOP-1001",
        "date": "2026-11-20",
        "lines": [
            {
                "description": "Coffee beans 5kg",
                "quantity": 2,
                "unit_amount": "45.00",
                "tax_class": "standard",
            }
        ],
    },
    {
        "id": "order-1002",
        "contact_id": "cust-2",
        "number": "SHOP-1002",
        "date": "2026-11-21",
        "lines": [
            {
                "description": "Flour 25kg",
                "quantity": 4,
                "unit_amount": "30.00",
                "tax_class": "standard",
            }
        ],
    },
]
MAPPING = {"tax_types": {"standard": "OUTPUT2"}, "sales_account": "200", "bank_account": "090"}


def main() -> None:
    emulator = create_app(EmulatorConfig(auto_approve=True))
    emulator.state.emulator.create_tenant("Acme Ltd").books.seed_demo()
    with serve(emulator) as base_url, tempfile.TemporaryDirectory() as folder:
        config = XeroConfig.for_emulator(
            base_url,
            client_id="XEROSYNC-DEMO-CLIENT",
            client_secret="xerosync-demo-secret-not-for-production",
            redirect_uri="http://localhost:8000/callback",
            scopes=[
                "offline_access",
                "accounting.settings",
                "accounting.transactions",
                "accounting.contacts",
            ],
        )
        database = f"sqlite:///{Path(folder) / 'xerosync.db'}"
        with XeroSync.open(database, config, token_keys=[new_key()], mapping=MAPPING) as sync:
            start = sync.client.oauth.authorization_request()  # state + PKCE
            consent = httpx.get(start.url)  # a person approves this page in a browser
            [connection] = sync.connect(
                consent.headers["location"], start, connected_by="owner@shop.example"
            )
            sync.refresh_books(connection)  # accounts and tax rates, to check codes before pushing

            sync.submit_many(connection, "contacts", CUSTOMERS)
            sync.submit_many(connection, "invoices", ORDERS)  # idempotent on the shop's ids
            pushed = sync.push(connection)
            print(f"pushed {pushed.ok} records in {pushed.calls} calls")
            for order in ORDERS:
                status = sync.status(connection, "invoices", order["id"])
                assert status is not None
                print(
                    f"{order['id']} is {status.number} in Xero, total {status.total}, due {status.amount_due}"
                )

            pay_in_xero(sync, base_url, sync.status(connection, "invoices", "order-1002").xero_id)  # type: ignore[union-attr]
            sync.pull(connection)  # workers do this on a schedule; webhooks name what changed

            seen = 0  # the shop keeps this cursor; changes after it are new to the shop
            for change in sync.changes(after=seen, limit=1000):
                if change.kind == "paid":
                    print(f"{change.app_id} paid in full on {change.data['fully_paid_on']}")
                seen = change.seq


def pay_in_xero(sync: XeroSync, base_url: str, invoice_id: str | None) -> None:
    """Someone records the customer's bank transfer in Xero (what a bookkeeper would do)."""
    tokens = sync.client.tokens.store.load("default")
    assert tokens is not None
    tenant = sync.connections()[0].tenant_id
    paid = httpx.put(
        f"{base_url}/api.xro/2.0/Payments",
        headers={"Authorization": f"Bearer {tokens.access_token}", "xero-tenant-id": tenant},
        json={
            "Payments": [
                {
                    "Invoice": {"InvoiceID": invoice_id},
                    "Account": {"Code": "090"},
                    "Date": "2026-11-25",
                    "Amount": 138.00,
                }
            ]
        },
    )
    paid.raise_for_status()


if __name__ == "__main__":
    main()
