"""The product as it runs in production, on this machine: `xerosync worker` (and `xerosync serve`)
as real subprocesses over a throwaway PostgreSQL database and a Redis queue (a DB index of its
own, a queue name unique to the test), against an emulator on a real port. The test process
connects the organisations through the consent flow with the facade, hands records in, and
reads Xero's state and request log at the end.

Every process's output goes to a file in the test's directory, so a test can grep what the
product logged (for planted secrets) and show it when something fails.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import redis
from sqlalchemy import func, select

from tests.client.emulator_oauth import SCOPES
from xerosync.api import XeroSync
from xerosync.clock import SystemClock
from xerosync.compose import build_sync
from xerosync.emulator import EmulatorConfig, EmulatorState, create_app
from xerosync.emulator.limits import offset_for, window_at
from xerosync.jobs import Tasks, build_worker
from xerosync.settings import Settings
from xerosync.store import outbox
from xerosync.store.crypto import new_key
from xerosync.store.tables import Base, MappingRow, OutboxRow
from xerosync.testing import free_port, serve, throwaway_postgres

#: Redis DB indexes of the fault suite's own: queues live in the first (each under a name of
#: its own); a test that flushes its Redis gets the second to itself
REDIS_DB = 11
REDIS_DB_TO_FLUSH = 12
#: secrets planted in the product's configuration: none may appear in a log, page or raw row
CLIENT_SECRET = "planted-client-secret-7f3a9c2e5b"
API_KEY = "planted-api-key-4d8e1f6a0c93b2"
WEBHOOK_KEY = "planted-webhook-key-a1b2c3d4e5f6"


def wait_until(done: Callable[[], bool], *, timeout: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is tidied up (a crash, an OOM kill)."""
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Cluster:
    emulator_url: str
    emulator: EmulatorState
    database_url: str
    redis_url: str
    env: dict[str, str]
    settings: Settings
    sync: XeroSync
    tasks: Tasks
    logs: Path
    processes: list[Process] = field(default_factory=list)
    tenants: dict[str, str] = field(default_factory=dict)  # organisation name -> tenant id

    # -- processes -------------------------------------------------------------------------

    def start(self, name: str, *args: str) -> Process:
        log = self.logs / f"{name}.log"
        handle = log.open("ab")
        popen = subprocess.Popen(
            [str(Path(sys.executable).with_name("xerosync")), *args],
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def worker(self, name: str, *, threads: int = 2, periodic: bool = True) -> Process:
        flag = "--periodic" if periodic else "--no-periodic"
        return self.start(name, "worker", "--workers", str(threads), flag, "--log-level", "DEBUG")

    def service(self) -> str:
        """`xerosync serve` on a free port; its base URL once it answers."""
        port = free_port()
        process = self.start("service", "serve", "--port", str(port))
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            if process.popen.poll() is not None:
                raise AssertionError(f"the service exited:\n{process.log.read_text()[-3000:]}")
            try:
                return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(up, timeout=60, what="the service to answer")
        return base

    def stop_all(self) -> None:
        for process in self.processes:
            process.stop()

    def output(self) -> str:
        return "\n".join(p.log.read_text(errors="replace") for p in self.processes)

    # -- organisations and records --------------------------------------------------------

    def connect(self) -> dict[str, str]:
        """A person approves every organisation at once; organisation name -> connection id."""
        start = self.sync.client.oauth.authorization_request()
        page = httpx.get(start.url, follow_redirects=False, timeout=10)
        assert page.status_code in (302, 303), page.text
        self.sync.connect(page.headers["location"], start, connected_by="ops@example.com")
        connections = {c.tenant_name: c for c in self.sync.connections()}
        self.tenants = {name: c.tenant_id for name, c in connections.items()}
        for c in connections.values():
            self.sync.refresh_books(c.id)
        return {name: c.id for name, c in connections.items()}

    def api(self, tenant_id: str) -> httpx.Client:
        """Xero's API as another user of the organisation sees it."""
        token = self.sync.client.tokens.store.load("default")
        assert token is not None
        return httpx.Client(
            base_url=f"{self.emulator_url}/api.xro/2.0",
            headers={
                "Authorization": f"Bearer {token.access_token}",
                "xero-tenant-id": tenant_id,
                "Accept": "application/json",
            },
            timeout=30,
        )

    def invoice_ids(self, tenant_id: str) -> dict[str, str]:
        """Invoice number -> InvoiceID in the organisation's books."""
        books = self.emulator.tenants[tenant_id].books
        return {
            str(i.get("InvoiceNumber")): str(i["InvoiceID"])
            for i in list(books.invoices.collection)
        }

    def invoice_numbers(self, tenant_id: str, prefix: str = "ORD-") -> Counter[str]:
        """Every invoice in the organisation's books (the emulator's state, not its API)."""
        books = self.emulator.tenants[tenant_id].books
        return Counter(
            number
            for invoice in list(books.invoices.collection)
            if (number := str(invoice.get("InvoiceNumber") or "")).startswith(prefix)
        )

    def accounting_calls(self) -> list[dict[str, Any]]:
        return [
            e.as_dict()
            for e in self.emulator.requests.find()
            if e.path.lower().startswith("/api.xro/2.0")
        ]

    def busiest_minutes(self) -> dict[str, int]:
        """Per organisation, the most calls made in any one of its minute windows (Xero's own
        windows, counted from its request log; calls it refused with 429 count too)."""
        length = self.emulator.config.minute_seconds
        counts: dict[str, Counter[int]] = defaultdict(Counter)
        for call in self.accounting_calls():
            tenant = call["tenant_id"]
            if not tenant:
                continue
            t = datetime.fromisoformat(call["at"]).timestamp()
            counts[tenant][window_at(t, length, offset_for(tenant, length, "minute")).index] += 1
        return {tenant: max(c.values()) for tenant, c in counts.items()}


def worker_env(settings_values: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XEROSYNC_")}
    env.update(settings_values)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextmanager
def cluster(
    server_url: str,
    redis_server: str,
    logs: Path,
    *,
    organisations: tuple[str, ...] = ("Acme Ltd", "Bravo Ltd"),
    emulator_config: EmulatorConfig | None = None,
    redis_db: int = REDIS_DB,
    **settings: str,
) -> Iterator[Cluster]:
    """An emulator with `organisations`, a throwaway database, a queue of the test's own, and a
    facade on them; processes started through the cluster are stopped on the way out."""
    name = f"xerosync_faults_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    redis_url = redis_server.rsplit("/", 1)[0] + f"/{redis_db}"
    config = emulator_config or EmulatorConfig(
        auto_approve=True, webhook_pump_interval=0, demo_client_secret=CLIENT_SECRET
    )
    app = create_app(config, SystemClock())
    state: EmulatorState = app.state.emulator
    with ExitStack() as stack:
        emulator_url = stack.enter_context(serve(app))
        for organisation in organisations:
            state.create_tenant(organisation).books.seed_demo()
        database_url = stack.enter_context(throwaway_postgres(server_url, name))
        values = {
            "XEROSYNC_DATABASE_URL": database_url,
            "XEROSYNC_TOKEN_KEYS": new_key(),
            "XEROSYNC_XERO_CLIENT_ID": config.demo_client_id,
            "XEROSYNC_XERO_CLIENT_SECRET": config.demo_client_secret,
            "XEROSYNC_XERO_REDIRECT_URI": config.demo_redirect_uris[0],
            "XEROSYNC_XERO_SCOPES": ",".join(SCOPES),
            "XEROSYNC_XERO_BASE_URL": emulator_url,
            "XEROSYNC_REDIS_URL": redis_url,
            "XEROSYNC_QUEUE_NAME": name,
            "XEROSYNC_WEBHOOK_KEY": WEBHOOK_KEY,
            "XEROSYNC_API_KEYS": API_KEY,
            "XEROSYNC_RETRY_AFTER_SECONDS": "2",
            "XEROSYNC_SWEEP_EVERY_MINUTES": "1",
            "XEROSYNC_PULL_EVERY_MINUTES": "59",
            "XEROSYNC_LEASE_SECONDS": "3",
            # a worker taking over a lease that ran out sends its owner's batches again after
            # this. The client's bound (one exchange: 240 s with its default deadline and
            # timeout) is beyond these tests' waits; a request goes out only while its 3-second
            # lease is its own (checked after the rate waits, right before the send), and the
            # emulator on this host answers a batch within seconds, under load too
            "XEROSYNC_TAKEOVER_WAIT_SECONDS": "30",
            **{f"XEROSYNC_{k.upper()}": v for k, v in settings.items()},
        }
        resolved = Settings.model_validate(
            {k.removeprefix("XEROSYNC_").lower(): v for k, v in values.items()}
        )
        sync = build_sync(resolved, migrate=False)
        stack.callback(sync.close)
        tasks = build_worker(resolved)
        queue = redis.Redis.from_url(redis_url)
        stack.callback(queue.close)
        stack.callback(lambda: [queue.delete(k) for k in queue.scan_iter(f"*{name}*")])
        running = Cluster(
            emulator_url=emulator_url,
            emulator=state,
            database_url=database_url,
            redis_url=redis_url,
            env=worker_env(values),
            settings=resolved,
            sync=sync,
            tasks=tasks,
            logs=logs,
        )
        stack.callback(running.stop_all)
        yield running


def outstanding(sync: XeroSync) -> int:
    """Outbox rows not settled yet (pending, or in flight in a batch)."""
    with sync.db.transaction() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxRow)
                .where(OutboxRow.state.in_([outbox.PENDING, outbox.IN_FLIGHT]))
            )
            or 0
        )


def mappings(sync: XeroSync, connection_id: str, entity: str) -> dict[str, tuple[str, str]]:
    """app id -> (Xero id, Xero number) as xerosync recorded them."""
    with sync.db.transaction() as session:
        rows = session.execute(
            select(MappingRow.app_id, MappingRow.xero_id, MappingRow.xero_number).where(
                MappingRow.connection_id == connection_id, MappingRow.entity == entity
            )
        ).all()
    return {str(a): (str(x), str(n)) for a, x, n in rows if a}


def assert_each_invoice_once(
    running: Cluster, connections: dict[str, str], expected: dict[str, range]
) -> None:
    """Every invoice handed in is in its organisation's books exactly once, nothing else is,
    and xerosync's mapping names the very invoice Xero holds under that number."""
    for organisation, numbers in expected.items():
        tenant = running.tenants[organisation]
        in_xero = running.invoice_numbers(tenant)
        twice = {n: c for n, c in in_xero.items() if c > 1}
        assert not twice, f"{organisation}: pushed more than once: {sorted(twice)[:10]}"
        missing = {f"ORD-{n:04d}" for n in numbers} - set(in_xero)
        letters = [(d.app_id, d.messages) for d in running.sync.dead_letters()][:3]
        assert not missing, f"{organisation}: {len(missing)} never reached Xero; {letters}"
        assert set(in_xero) == {f"ORD-{n:04d}" for n in numbers}
        ids = running.invoice_ids(tenant)
        mapped = mappings(running.sync, connections[organisation], "invoices")
        wrong = [
            app_id
            for n in numbers
            if mapped.get(app_id := f"order-{n}") != (ids[f"ORD-{n:04d}"], f"ORD-{n:04d}")
        ]
        assert not wrong, (
            f"{organisation}: mappings wrong or missing for {len(wrong)}, {wrong[:10]}: "
            f"recorded {[mapped.get(a) for a in wrong[:3]]}; dead letters {letters}"
        )
    assert running.sync.dead_letters() == []


def planted_secrets(running: Cluster) -> dict[str, str]:
    """Every secret the running product holds now: its configuration's and the grant's tokens."""
    tokens = running.sync.client.tokens.store.load("default")
    assert tokens is not None
    found = {
        "client secret": CLIENT_SECRET,
        "api key": API_KEY,
        "webhook key": WEBHOOK_KEY,
        "token key": running.env["XEROSYNC_TOKEN_KEYS"],
        "access token": tokens.access_token,
        "refresh token": tokens.refresh_token or "",
    }
    return {name: value for name, value in found.items() if value}


def service_pages(base: str, connection_id: str) -> list[str]:
    """What the service shows: pages, API answers (some refused), metrics, its API document."""
    key = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=base, timeout=30) as http:
        answers = [
            http.get("/connections", auth=("finance", API_KEY)),
            http.get("/connections", headers={**key, "Accept": "application/json"}),
            http.get("/v1/connections", headers=key),
            http.get(f"/v1/connections/{connection_id}/invoices/order-1", headers=key),
            http.get("/v1/changes", params={"limit": 1000}, headers=key),
            http.get("/v1/dead-letters", headers=key),
            http.get("/metrics"),
            http.get("/healthz"),
            http.get("/openapi.json"),
            http.get("/v1/connections", headers={"Authorization": "Bearer wrong-key"}),
            http.get("/connect", follow_redirects=False, auth=("finance", API_KEY)),
            http.get("/callback", params={"code": "c", "state": "forged"}),
            http.post("/webhooks/xero", content=b"{}", headers={"x-xero-signature": "bad"}),
            http.post(f"/v1/connections/{connection_id}/invoices", json=[{"id": 1}], headers=key),
        ]
    return [f"{a.status_code} {a.headers} {a.text}" for a in answers]


def raw_rows(running: Cluster) -> str:
    """Every row of every table of xerosync's database, as text."""
    with running.sync.db.engine.connect() as connection:
        return "\n".join(
            repr(tuple(row))
            for table in Base.metadata.sorted_tables
            for row in connection.execute(select(table)).all()
        )


def assert_no_secret_leaked(running: Cluster, secrets: dict[str, str], pages: list[str]) -> None:
    """No planted secret in any process's output, any page, or any raw database row (tokens
    are stored encrypted, so not even there in plaintext)."""
    places = {"logs": running.output(), "pages": "\n".join(pages), "database": raw_rows(running)}
    assert places["logs"]
    assert places["database"]
    leaks = [
        f"{name} in {place}"
        for name, value in secrets.items()
        for place, text in places.items()
        if value in text
    ]
    assert leaks == []
