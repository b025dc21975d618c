"""Connect to Xero (here: the bundled emulator), push invoices, read them back.

    python examples/quickstart.py

Against real Xero, use `XeroConfig(client_id=..., client_secret=..., redirect_uri=...)`
and send the user to `start.url` in a browser instead of auto-approving.
"""

from __future__ import annotations

import httpx

from xerosync import MemoryTokenStore, XeroClient, XeroConfig
from xerosync.emulator import EmulatorConfig, create_app
from xerosync.testing import serve


def main() -> None:
    emulator = create_app(EmulatorConfig(auto_approve=True))
    emulator.state.emulator.create_tenant("Acme Ltd").books.seed_demo()
    with serve(emulator) as base_url:
        config = XeroConfig.for_emulator(
            base_url,
            client_id="XEROSYNC-DEMO-CLIENT",
            client_secret="xerosync-demo-secret-not-for-production",
            redirect_uri="http://localhost:8000/callback",
            scopes=["offline_access", "accounting.transactions", "accounting.contacts"],
        )
        with XeroClient(config, token_store=MemoryTokenStore()) as client:
            start = client.oauth.authorization_request()  # state + PKCE
            consent = httpx.get(start.url)  # a person would approve this page in a browser
            tenant = client.connect(consent.headers["location"], start)[0].tenant_id

            outcomes = client.invoices.create(
                [
                    {
                        "Type": "ACCREC",
                        "Contact": {"Name": "Ridgeway University"},
                        "Status": "AUTHORISED",
                        "Date": "2026-11-25",
                        "DueDate": "2026-12-25",
                        "LineItems": [
                            {
                                "Description": f"Order {n}",
                                "Quantity": 1,
                                "UnitAmount": 100 * n,
                                "AccountCode": "200",
                                "TaxType": "OUTPUT2",
                            }
                        ],
                    }
                    for n in (1, 2, 3)
                ],
                tenant=tenant,
                idempotency_key="orders-2026-11-25",  # persist it: a retry reuses it
            )
            for o in outcomes:
                assert o.record is not None
                print(o.outcome, o.record.invoice_number, o.record.total, o.messages)

            due = sum(
                inv.amount_due or 0
                for inv in client.invoices.list(tenant=tenant, statuses=["AUTHORISED"])
            )
            print("receivables due:", due)


if __name__ == "__main__":
    main()
