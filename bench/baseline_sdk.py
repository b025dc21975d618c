"""The baseline: the same jobs done the way most integrations do them, with Xero's official
`xero-python` SDK: one record per write, the default page of 100 (scaled with the clock), one call
at a time, and on a 429 a sleep for `Retry-After` before trying again.

The SDK is pointed at the emulator from here only: `AccountingApi(api_client, base_url=...)`
(the class's `base_url` is Xero's), and the token comes from `ApiClient`'s
`oauth2_token_getter` (a dict like the one Xero's token endpoint answers).
Needs the `bench` extra (`pip install -e ".[bench]"`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from xero_python.accounting import (  # type: ignore[import-untyped]
    AccountingApi,
    Contact,
    Contacts,
    Invoice,
    Invoices,
    LineItem,
)
from xero_python.api_client import ApiClient, Configuration  # type: ignore[import-untyped]
from xero_python.api_client.oauth2 import OAuth2Token  # type: ignore[import-untyped]
from xero_python.exceptions import RateLimitException  # type: ignore[import-untyped]

from bench.xero_like import World

T = TypeVar("T")


@dataclass
class Baseline:
    api: AccountingApi
    tenant: str
    rate_limited: int = 0

    def call(self, request: Callable[[], T]) -> T:
        """Call; on a 429, sleep for Retry-After (as the SDK's docs suggest) and call again."""
        while True:
            try:
                return request()
            except RateLimitException as exc:
                self.rate_limited += 1
                wait = float((exc.headers or {}).get("Retry-After", "1"))
                time.sleep(wait)


def baseline(world: World, tenant: str) -> Baseline:
    config = world.config
    token: dict[str, Any] = {
        "access_token": world.access_token(),
        "token_type": "Bearer",
        "expires_in": 86_400,
        "expires_at": time.time() + 86_400,
        "scope": list(world.xero_config().scopes),
    }
    client = ApiClient(
        Configuration(
            oauth2_token=OAuth2Token(
                client_id=config.demo_client_id, client_secret=config.demo_client_secret
            )
        ),
        pool_threads=1,
        oauth2_token_getter=lambda: token,
        oauth2_token_saver=token.update,
    )
    return Baseline(AccountingApi(client, base_url=f"{world.base_url}/api.xro/2.0"), tenant)


def push(b: Baseline, invoices: int, contacts: int) -> int:
    """Create `contacts` contacts, then `invoices` invoices naming them, one call each."""
    ids = []
    for n in range(contacts):
        made = b.call(
            lambda n=n: b.api.create_contacts(  # type: ignore[misc]
                b.tenant, Contacts(contacts=[Contact(name=f"Baseline customer {n}")])
            )
        )
        ids.append(made.contacts[0].contact_id)
    for n in range(invoices):
        invoice = Invoice(
            type="ACCREC",
            status="DRAFT",
            invoice_number=f"BASE-{n:06d}",
            contact=Contact(contact_id=ids[n % len(ids)]),
            line_items=[
                LineItem(description="Widget", quantity=1.0, unit_amount=12.5, account_code="200")
            ],
        )
        b.call(
            lambda invoice=invoice: b.api.create_invoices(  # type: ignore[misc]
                b.tenant, Invoices(invoices=[invoice])
            )
        )
    return contacts + invoices


def pull(b: Baseline, records: int) -> int:
    """Page through invoices (the default page) until `records` are read or none are left."""
    read, page = 0, 1
    while read < records:
        got = b.call(lambda page=page: b.api.get_invoices(b.tenant, page=page))  # type: ignore[misc]
        if not got.invoices:
            break
        read += len(got.invoices)
        page += 1
    return read
