"""A person working in Xero while xerosync runs: records a customer's payment, corrects a contact.

It uses Xero's own API with a token of its own app (the emulator mints it), as Xero's web app
would, so nothing it does goes through xerosync; what xerosync learns of it comes by webhooks and
pulls like any change made in Xero."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx

__all__ = ["XeroDesk"]

SCOPES = ["accounting.transactions", "accounting.contacts", "accounting.settings"]


class XeroDesk:
    def __init__(self, emulator_url: str, tenant_id: str) -> None:
        self._admin = httpx.Client(base_url=f"{emulator_url}/_emulator", timeout=30)
        app = self._admin.post("/apps", json={"name": "Xero web app (a person)"}).json()
        token = self._admin.post(
            "/tokens",
            json={"client_id": app["client_id"], "tenant_ids": [tenant_id], "scopes": SCOPES},
        ).json()["access_token"]
        self._api = httpx.Client(
            base_url=f"{emulator_url}/api.xro/2.0",
            headers={
                "Authorization": f"Bearer {token}",
                "xero-tenant-id": tenant_id,
                "Accept": "application/json",
            },
            timeout=30,
        )
        self.tenant_id = tenant_id

    def close(self) -> None:
        self._api.close()
        self._admin.close()

    def invoices(self) -> list[dict[str, Any]]:
        return self._all("Invoices")

    def contacts(self) -> list[dict[str, Any]]:
        return self._all("Contacts")

    def bank_transactions(self) -> list[dict[str, Any]]:
        return self._all("BankTransactions")

    def pay(self, invoice: dict[str, Any], amount: Decimal, on: date, account: str) -> None:
        """The customer's bank transfer, recorded against the invoice."""
        answer = self._api.put(
            "/Payments",
            json={
                "Payments": [
                    {
                        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                        "Account": {"Code": account},
                        "Date": on.isoformat(),
                        "Amount": float(amount),
                    }
                ]
            },
        )
        answer.raise_for_status()

    def edit_contact(self, contact_id: str, fields: dict[str, Any]) -> None:
        answer = self._api.post(
            "/Contacts", json={"Contacts": [{"ContactID": contact_id, **fields}]}
        )
        answer.raise_for_status()

    def _all(self, kind: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in range(1, 1000):
            answer = self._api.get(f"/{kind}", params={"page": page, "pageSize": 1000})
            answer.raise_for_status()
            batch = answer.json()[kind]
            found.extend(batch)
            if len(batch) < 1000:
                return found
        return found

    def requests(self, client_id: str) -> list[dict[str, Any]]:
        """The calls xerosync's app made on this organisation, from the emulator's log."""
        answer = self._admin.get(
            "/requests", params={"client_id": client_id, "tenant_id": self.tenant_id}
        )
        answer.raise_for_status()
        entries: list[dict[str, Any]] = answer.json()["requests"]
        return entries
