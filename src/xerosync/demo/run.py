"""The demo's script: start everything, play the shop, let a person work in Xero, and count.

with demo_running(DemoOptions(), on_step=print) as demo:
    print(demo.summary.model_dump_json())      # the servers are up until the block ends
"""

from __future__ import annotations

import math
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from shop import (
    Catalogue,
    ShopStore,
    XerosyncApi,
    hand_in,
    make_catalogue,
    receiver,
)

from xerosync.demo.desk import XeroDesk
from xerosync.demo.summary import Calls, DemoSummary, Invoices, RecordCounts
from xerosync.emulator import EmulatorConfig
from xerosync.emulator import create_app as create_emulator
from xerosync.jobs import EmbeddedConsumer, build_worker
from xerosync.service import create_app as create_service
from xerosync.settings import Settings
from xerosync.store.crypto import new_key
from xerosync.testing import free_port, serve

__all__ = ["DemoOptions", "DemoRun", "Step", "demo_running", "run_demo"]

ORGANISATION = "Demo Shop Ltd"
#: how the shop's words map to the demo organisation's chart of accounts (NZ GST)
MAPPING = {
    "tax_types": {"standard": "OUTPUT2"},
    "sales_account": "200",
    "bank_account": "090",
}
BANK_ACCOUNT = "090"
BATCH = 50  # Xero's most records in one write


@dataclass(frozen=True)
class DemoOptions:
    customers: int = 12
    orders: int = 36
    payouts: int = 6
    seed: int = 7
    #: where the databases go (default: a temporary folder removed at the end)
    data_dir: Path | None = None
    #: the service's port (0: any free one)
    port: int = 0
    #: the longest wait for any one stage
    timeout: float = 120.0
    today: date | None = None


@dataclass(frozen=True)
class Step:
    name: str
    done: int
    total: int


@dataclass
class DemoRun:
    summary: DemoSummary
    service_url: str
    #: the demo's own API key: sign in to the dashboard with it (made for this run only)
    api_key: str
    emulator_url: str
    data_dir: Path


OnStep = Callable[[Step], None]


def run_demo(options: DemoOptions | None = None, on_step: OnStep | None = None) -> DemoSummary:
    with demo_running(options or DemoOptions(), on_step) as demo:
        return demo.summary


def _wait(what: str, count: Callable[[], int], total: int, timeout: float, on_step: OnStep) -> int:
    deadline = time.monotonic() + timeout
    done = count()
    while done < total and time.monotonic() < deadline:
        on_step(Step(what, done, total))
        time.sleep(0.2)
        done = count()
    on_step(Step(what, done, total))
    return done


@contextmanager
def demo_running(options: DemoOptions, on_step: OnStep | None = None) -> Iterator[DemoRun]:
    step = on_step or (lambda _s: None)
    started = time.monotonic()
    today = options.today or date.today()
    with ExitStack() as stack:
        folder = options.data_dir or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="xerosync-demo-"))
        )
        folder.mkdir(parents=True, exist_ok=True)

        step(Step("Starting the Xero emulator, the service and its workers", 0, 4))
        emulator = create_emulator(EmulatorConfig(auto_approve=True, webhook_pump_interval=0.25))
        tenant = emulator.state.emulator.create_tenant(ORGANISATION)
        tenant.books.seed_demo()
        emulator_url = stack.enter_context(serve(emulator))
        service_url = f"http://127.0.0.1:{options.port or free_port()}"
        shop_url = f"http://127.0.0.1:{free_port()}"
        admin = stack.enter_context(httpx.Client(base_url=f"{emulator_url}/_emulator", timeout=30))
        # What a developer does once in Xero's developer portal: an app with a redirect URI.
        xero_app = admin.post(
            "/apps", json={"name": "xerosync demo", "redirect_uris": [f"{service_url}/callback"]}
        ).json()
        api_key, webhook_key, shop_secret = (secrets.token_urlsafe(32) for _ in range(3))
        settings = Settings(
            database_url=f"sqlite:///{folder / 'xerosync.db'}",
            token_keys=[SecretStr(new_key())],
            xero_client_id=xero_app["client_id"],
            xero_client_secret=SecretStr(xero_app["client_secret"]),
            xero_redirect_uri=f"{service_url}/callback",
            xero_base_url=emulator_url,
            redis_url=None,
            queue_path=str(folder / "queue.db"),
            webhook_key=SecretStr(webhook_key),
            api_keys=[SecretStr(api_key)],
            mapping=MAPPING,
            outbound_webhook_url=f"{shop_url}/xerosync/events",
            outbound_webhook_secret=SecretStr(shop_secret),
        )
        step(Step("Starting the Xero emulator, the service and its workers", 1, 4))
        tasks = build_worker(settings)
        stack.enter_context(
            serve(create_service(settings, wake=tasks.wake), port=_port(service_url))
        )
        step(Step("Starting the Xero emulator, the service and its workers", 2, 4))
        shop = ShopStore(folder / "shop.db")
        stack.callback(shop.close)
        stack.enter_context(serve(receiver(shop, shop_secret), port=_port(shop_url)))
        consumer = EmbeddedConsumer.over(tasks.huey, workers=2, periodic=True)
        consumer.start()
        stack.callback(consumer.stop, graceful=True)
        step(Step("Starting the Xero emulator, the service and its workers", 4, 4))

        step(Step("Connecting Demo Shop Ltd through Xero's consent page", 0, 1))
        connection = _connect(service_url, api_key)
        subscribed = admin.put(
            f"/webhooks/subscriptions/{xero_app['client_id']}",
            json={"url": f"{service_url}/webhooks/xero", "key": webhook_key},
        ).json()
        if subscribed.get("status") != "OK":
            raise RuntimeError(f"Xero's webhooks did not reach the service: {subscribed}")
        step(Step("Connecting Demo Shop Ltd through Xero's consent page", 1, 1))

        catalogue = make_catalogue(
            customers=options.customers,
            orders=options.orders,
            payouts=options.payouts,
            today=today,
            seed=options.seed,
        )
        _open_shop(shop, catalogue)
        api = XerosyncApi(service_url, api_key)
        stack.callback(api.close)
        hand_in(shop, api, connection)
        totals = {
            "contacts": shop.count("customers"),
            "invoices": shop.count("orders"),
            "bank_transactions": shop.count("payouts"),
        }
        _wait(
            "Pushing the shop's customers, orders and payouts to Xero",
            lambda: sum(shop.in_xero(t) for t in ("customers", "orders", "payouts")),
            sum(totals.values()),
            options.timeout,
            step,
        )

        desk = XeroDesk(emulator_url, tenant.tenant_id)
        stack.callback(desk.close)
        paid, part_paid = _pay_some(desk, shop, today)
        edited = _edit_contacts(desk, shop)
        _wait(
            "Webhooks: payments and edits made in Xero reach the shop",
            lambda: len(set(shop.paid_orders()) & paid) + len(set(shop.edited_in_xero()) & edited),
            len(paid) + len(edited),
            options.timeout,
            step,
        )

        step(Step("Pulling reports and balances for the dashboard", 0, 1))
        refreshed = httpx.post(
            f"{service_url}/v1/connections/{connection}/reports/refresh",
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=60,
        )
        refreshed.raise_for_status()
        step(Step("Pulling reports and balances for the dashboard", 1, 1))

        summary = _summarise(
            shop=shop,
            desk=desk,
            api=api,
            client_id=xero_app["client_id"],
            totals=totals,
            paid=paid,
            part_paid=part_paid,
            edited=edited,
            dashboard=f"{service_url}/dashboard",
            seconds=time.monotonic() - started,
        )
        yield DemoRun(summary, service_url, api_key, emulator_url, folder)


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _connect(service_url: str, api_key: str) -> str:
    """A person signs in to Xero from the service's /connect and approves (automatically here)."""
    with httpx.Client(timeout=30) as browser:
        start = browser.get(
            f"{service_url}/connect", headers={"Authorization": f"Bearer {api_key}"}
        )
        consent = browser.get(start.headers["location"])  # Xero's consent page, approved
        back = browser.get(consent.headers["location"], headers={"Accept": "application/json"})
        back.raise_for_status()
        connection: str = back.json()["connected"][0]["id"]
        return connection


def _open_shop(shop: ShopStore, catalogue: Catalogue) -> None:
    for customer in catalogue.customers:
        shop.add_customer(customer)
    for order in catalogue.orders:
        shop.add_order(order)
    for payout in catalogue.payouts:
        shop.add_payout(payout)


def _shop_invoices(desk: XeroDesk, shop: ShopStore) -> dict[str, dict[str, Any]]:
    """Xero's invoices for the shop's orders, by the shop's order id."""
    by_xero_id = {v: k for k, v in shop.order_xero_ids().items()}
    return {by_xero_id[i["InvoiceID"]]: i for i in desk.invoices() if i["InvoiceID"] in by_xero_id}


def _pay_some(desk: XeroDesk, shop: ShopStore, today: date) -> tuple[set[str], set[str]]:
    """Every third order paid in full, one more in part (which must not count as paid)."""
    invoices = _shop_invoices(desk, shop)
    ids = sorted(invoices)
    paid = set(ids[::3])
    part = set(ids[1::3][:1])
    for order_id in sorted(paid):
        invoice = invoices[order_id]
        desk.pay(
            invoice, Decimal(str(invoice["AmountDue"])), today - timedelta(days=1), BANK_ACCOUNT
        )
    for order_id in part:
        invoice = invoices[order_id]
        half = (Decimal(str(invoice["AmountDue"])) / 2).quantize(Decimal("0.01"))
        desk.pay(invoice, half, today - timedelta(days=1), BANK_ACCOUNT)
    return paid, part


def _edit_contacts(desk: XeroDesk, shop: ShopStore) -> set[str]:
    """A bookkeeper corrects a customer's phone number in Xero."""
    customers = [c for c in shop.customers() if c.phone][:1]
    by_name = {c["Name"]: c for c in desk.contacts()}
    for customer in customers:
        contact = by_name[customer.name]
        desk.edit_contact(
            contact["ContactID"],
            {"Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "09 555 0000"}]},
        )
    return {c.id for c in customers}


def _summarise(
    *,
    shop: ShopStore,
    desk: XeroDesk,
    api: XerosyncApi,
    client_id: str,
    totals: dict[str, int],
    paid: set[str],
    part_paid: set[str],
    edited: set[str],
    dashboard: str,
    seconds: float,
) -> DemoSummary:
    names = {c.name for c in shop.customers()}
    numbers = {o.number for o in shop.orders()}
    payout_refs = {f"Card payout {p.date}" for p in shop.payouts()}
    in_xero = {
        "contacts": sum(1 for c in desk.contacts() if c["Name"] in names),
        "invoices": sum(1 for i in desk.invoices() if i.get("InvoiceNumber") in numbers),
        "bank_transactions": sum(
            1 for t in desk.bank_transactions() if t.get("Reference") in payout_refs
        ),
    }
    confirmed = {
        "contacts": shop.in_xero("customers"),
        "invoices": shop.in_xero("orders"),
        "bank_transactions": shop.in_xero("payouts"),
    }
    log = [r for r in desk.requests(client_id) if "/api.xro/" in r["path"].lower()]
    writes = [r for r in log if r["method"] in ("PUT", "POST")]
    invoices = _shop_invoices(desk, shop)
    return DemoSummary(
        organisation=ORGANISATION,
        records={
            entity: RecordCounts(
                handed_in=totals[entity], confirmed=confirmed[entity], in_xero=in_xero[entity]
            )
            for entity in totals
        },
        calls=Calls(
            total=len(log),
            writes=len(writes),
            minimum_writes=sum(math.ceil(n / BATCH) for n in totals.values()),
            reads=len(log) - len(writes),
            rate_limited=sum(1 for r in log if r["status"] == 429),
        ),
        invoices=Invoices(
            paid_in_xero=sum(1 for i in invoices.values() if i["Status"] == "PAID"),
            paid_known_to_shop=len(set(shop.paid_orders())),
            part_paid_in_xero=len(part_paid),
        ),
        contacts_edited_in_xero=len(edited),
        contact_edits_known_to_shop=len(set(shop.edited_in_xero()) & edited),
        conflicts=len(api.conflicts()),
        dead_letters=len(api.dead_letters()),
        dashboard=dashboard,
        seconds=round(seconds, 1),
    )
