"""A Xero-like world for the rate benchmarks: the emulator on a scaled clock, Xero's limits, Xero's
response times, and counting in Xero's own rate-limit windows.

Scaling: a Xero minute lasts `minute_seconds` real seconds (6 s by default, so `factor` = 0.1).
Everything with a time in it scales by the same factor: the rate-limit windows (limits stay Xero's:
60 calls a tenant-minute, 5,000 a day, 5 concurrent), the injected response times, and the page
sizes (1,000 and 100 records become 100 and 10), so that a pull, too, is bound by the limit and not
by this machine: at any scale the most the limits allow is 1,000 records per real second read and
50 x 60 / minute_seconds written. Batches stay 50 records (Xero's), so a push moves 50 / factor
records per real second at most.

Response times (Xero seconds, before scaling) grow with the records in a call: a write of 50
records takes ~1.5 s on Xero, one record ~0.5 s; a page of 1,000 ~1.1 s, of 100 ~0.4 s. They are
injected per phase with the emulator's latency fault for the call shapes the phase makes.

Rates are counted in the windows Xero counts in (each tenant's own, fixed, offset windows; the
app's own for the app-wide limit), from the emulator's request log, and only over windows wholly
inside a run: a partial first or last window would let a short run show more than 100%.
"""

from __future__ import annotations

import math
import multiprocessing
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any

import httpx

from xerosync.emulator import EmulatorConfig, create_app
from xerosync.emulator.limits import offset_for, window_at
from xerosync.emulator.request_log import Received
from xerosync.emulator.state import EmulatorState
from xerosync.testing import serve
from xerosync.xero import MemoryTokenStore, RateLimits, XeroClient, XeroConfig
from xerosync.xero.auth.tokens import DEFAULT_KEY, TokenSet, TokenStore
from xerosync.xero.batching import MAX_BATCH_RECORDS
from xerosync.xero.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

XERO_MINUTE = 60.0
#: Xero's per-tenant minute limit and app-wide minute limit (never the project's settings)
XERO_MINUTE_LIMIT = 60
XERO_APP_MINUTE_LIMIT = 10_000
SCOPES = (
    "offline_access",
    "accounting.settings",
    "accounting.contacts",
    "accounting.transactions",
)
API = "/api.xro/2.0/"


def write_seconds(records: int) -> float:
    """Xero's time for a write of `records` records, in Xero seconds."""
    return 0.5 + 0.02 * records


def read_seconds(records: int) -> float:
    """Xero's time for a page of `records` records, in Xero seconds."""
    return 0.3 + 0.0008 * records


@dataclass(frozen=True)
class Scale:
    """How much faster than Xero's clock the run's clock goes."""

    minute_seconds: float = 6.0
    #: pages are this share of Xero's (default: `factor`, so a pull needs 1,000 records/s
    #: at any clock; smaller keeps a loaded machine from being the bound instead of the limit)
    page_factor: float | None = None

    @property
    def factor(self) -> float:
        """Real seconds per Xero second."""
        return self.minute_seconds / XERO_MINUTE

    def page(self, xero_page: int) -> int:
        """A page of `xero_page` records, scaled with the clock (or by `page_factor`)."""
        share = self.factor if self.page_factor is None else self.page_factor
        return max(1, round(xero_page * share))

    @property
    def max_page(self) -> int:
        return self.page(MAX_PAGE_SIZE)

    @property
    def default_page(self) -> int:
        return self.page(DEFAULT_PAGE_SIZE)

    def emulator_config(self, **extra: Any) -> EmulatorConfig:
        values: dict[str, Any] = {
            "auto_approve": True,
            "minute_seconds": self.minute_seconds,
            "day_seconds": self.minute_seconds * 1440,
            "max_page_size": self.max_page,
            "default_page_size": self.default_page,
            "access_token_ttl": 86_400.0,
            "webhook_pump_interval": 0,
            "seed_demo": False,
            **extra,
        }
        return EmulatorConfig(**values)

    def limits(self, **extra: Any) -> RateLimits:
        return RateLimits(
            minute_seconds=self.minute_seconds, day_seconds=self.minute_seconds * 1440, **extra
        )


def _emulator_process(config: dict[str, Any], commands: Connection) -> None:
    """The emulator in a process of its own (its own interpreter and GIL: on a small machine it
    must not compete with the code measured), serving on a socket and answering `commands`."""
    from bench.emulator_latency import load_invoices

    app = create_app(EmulatorConfig(**config))
    state: EmulatorState = app.state.emulator
    with serve(app) as base_url:
        commands.send(base_url)
        while True:
            try:
                name, args = commands.recv()
            except EOFError:
                return
            if name == "stop":
                return
            if name == "tenant":
                tenant = state.create_tenant(args["name"])
                if args["seed"]:
                    tenant.books.seed_demo()
                state.connect(state.config.demo_client_id, tenant.tenant_id, "bench-user", "auth")
                commands.send(tenant.tenant_id)
            elif name == "token":
                token = state.mint_access_token(
                    state.config.demo_client_id,
                    frozenset(SCOPES),
                    user_id="bench-user",
                    auth_event_id="auth",
                )
                commands.send(token.token)
            elif name == "load_invoices":
                books = state.tenants[args["tenant"]].books
                commands.send(load_invoices(books, args["count"]))


@dataclass
class World:
    """The emulator running in a child process, driven through a pipe (organisations, tokens,
    bulk loads) and its admin API (faults, limits, the request log)."""

    config: EmulatorConfig
    base_url: str
    scale: Scale
    commands: Connection
    admin: httpx.Client
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def client_id(self) -> str:
        return self.config.demo_client_id

    def _ask(self, command: str, **args: Any) -> Any:
        with self.lock:  # one question at a time on the pipe
            self.commands.send((command, args))
            return self.commands.recv()

    def tenant(self, name: str, *, seed: bool = True) -> str:
        """A new organisation, connected to the demo app."""
        return str(self._ask("tenant", name=name, seed=seed))

    def load_invoices(self, tenant: str, count: int) -> None:
        """`count` invoices straight into the organisation's books (no API calls)."""
        self._ask("load_invoices", tenant=tenant, count=count)

    def access_token(self) -> str:
        return str(self._ask("token"))

    def configure(self, **limits: Any) -> None:
        self.admin.patch("/limits/config", json=limits).raise_for_status()

    def xero_config(self, **limits: Any) -> XeroConfig:
        config = self.config
        return XeroConfig.for_emulator(
            self.base_url,
            client_id=config.demo_client_id,
            client_secret=config.demo_client_secret,
            redirect_uri=config.demo_redirect_uris[0],
            scopes=SCOPES,
            limits=self.scale.limits(**limits),
        )

    def seed_tokens(self, store: TokenStore) -> None:
        """Tokens straight into `store` (no consent round trip: it is not what is measured)."""
        with store.lock(DEFAULT_KEY):
            store.save(
                DEFAULT_KEY,
                TokenSet(
                    access_token=self.access_token(),
                    refresh_token=None,
                    expires_at=datetime.now(UTC) + timedelta(days=1),
                    scope=frozenset(SCOPES),
                ),
            )

    def client(self, **limits: Any) -> XeroClient:
        store = MemoryTokenStore()
        self.seed_tokens(store)
        return XeroClient(self.xero_config(**limits), token_store=store)

    @contextmanager
    def xero_latency(
        self, tenant: str | None, times: dict[tuple[str, str], float]
    ) -> Iterator[None]:
        """Calls to `tenant` (None: any) of each (method, resource) take the Xero seconds given
        (scaled) while the block runs; other tenants' calls are untouched (phases run side by
        side)."""
        ids = []
        for (method, path), xero_seconds in times.items():
            body = {
                "seconds": xero_seconds * self.scale.factor,
                "method": method,
                "path_prefix": f"{API}{path}",
                "tenant_id": tenant,
            }
            response = self.admin.post("/faults/latency", json=body)
            response.raise_for_status()
            ids.append(response.json()["id"])
        try:
            yield
        finally:
            for fault in ids:
                self.admin.delete(f"/faults/{fault}")

    def mark(self) -> int:
        """The request log's position now (pass to `calls`)."""
        found = self._requests({"limit": 1})
        return found[-1].seq if found else 0

    def calls(
        self,
        since: int,
        *,
        method: str | None = None,
        path: str | None = None,
        tenant: str | None = None,
    ) -> list[Received]:
        params: dict[str, Any] = {"since": since, "path": f"{API}{path}" if path else API}
        if method:
            params["method"] = method
        if tenant:
            params["tenant_id"] = tenant
        return self._requests(params)

    def _requests(self, params: dict[str, Any]) -> list[Received]:
        response = self.admin.get("/requests", params=params)
        response.raise_for_status()
        return [Received(**entry) for entry in response.json()["requests"]]


@contextmanager
def world(scale: Scale, **config: Any) -> Iterator[World]:
    emulator = scale.emulator_config(**config)
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_emulator_process, args=(emulator.model_dump(), theirs), daemon=True
    )
    process.start()
    try:
        base_url = ours.recv()
        with httpx.Client(base_url=f"{base_url}/_emulator", timeout=60) as admin:
            yield World(emulator, base_url, scale, ours, admin)
    finally:
        ours.send(("stop", {}))
        process.join(10)
        if process.is_alive():
            process.kill()


def _entry_time(entry: Received) -> float:
    return datetime.fromisoformat(entry.at).timestamp()


def per_window(entries: Iterable[Received], length: float, offset: float) -> list[int]:
    """Answered calls in each fixed window (`length`, `offset`) from the first to the last."""
    counts = Counter(
        window_at(_entry_time(e), length, offset).index for e in entries if e.status != 429
    )
    if not counts:
        return []
    return [counts.get(i, 0) for i in range(min(counts), max(counts) + 1)]


def tenant_windows(entries: Sequence[Received], tenant: str, scale: Scale) -> list[int]:
    return per_window(
        entries, scale.minute_seconds, offset_for(tenant, scale.minute_seconds, "minute")
    )


def app_windows(entries: Sequence[Received], client_id: str, scale: Scale) -> list[int]:
    return per_window(
        entries, scale.minute_seconds, offset_for(client_id, scale.minute_seconds, "app")
    )


@dataclass
class RatePhase:
    """One job against the limits: what it cost and how much of the budget it used.

    `records_per_call` is what a full call carries in this run; `xero_records_per_call` what
    the same call carries on Xero (pages are scaled with the clock; batches are not)."""

    name: str
    records: int
    calls: int
    minimum_calls: int
    rate_limited: int
    windows: list[int]
    records_per_call: float
    xero_records_per_call: int
    seconds: float
    limit: int = XERO_MINUTE_LIMIT
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def full_windows(self) -> list[int]:
        return self.windows[1:-1]

    @property
    def budget_used(self) -> float | None:
        """Calls answered in the full windows / what the limit allows in them."""
        full = self.full_windows
        return sum(full) / (len(full) * self.limit) if full else None

    @property
    def records_per_xero_minute(self) -> float | None:
        """Records moved per Xero minute in the full windows, in Xero's units (a scaled page
        counts as the Xero page it stands for)."""
        full = self.full_windows
        if not full:
            return None
        return sum(full) / len(full) * self.records_per_call * self.units

    @property
    def units(self) -> float:
        """Xero records per record moved here (10 at a 6-s minute for scaled pages, else 1)."""
        return self.xero_records_per_call / self.records_per_call if self.records_per_call else 1

    @property
    def maximum_per_xero_minute(self) -> int:
        return self.limit * self.xero_records_per_call

    def as_json(self) -> dict[str, Any]:
        rate = self.records_per_xero_minute
        return {
            "name": self.name,
            "records": self.records,
            "calls": self.calls,
            "minimum_calls": self.minimum_calls,
            "calls_over_minimum": round(self.calls / self.minimum_calls, 4)
            if self.minimum_calls
            else None,
            "rate_limited": self.rate_limited,
            "windows": self.windows,
            "full_windows": len(self.full_windows),
            "budget_used": _round(self.budget_used),
            "records_per_xero_minute": _round(rate, 1),
            "maximum_per_xero_minute": self.maximum_per_xero_minute,
            "share_of_maximum": _round(rate / self.maximum_per_xero_minute if rate else None),
            "seconds": round(self.seconds, 3),
            **self.extra,
        }


def phase_from_log(
    name: str,
    entries: Sequence[Received],
    *,
    tenant: str,
    scale: Scale,
    records: int,
    minimum_calls: int,
    records_per_call: float,
    xero_records_per_call: int,
    seconds: float,
    **extra: Any,
) -> RatePhase:
    answered = [e for e in entries if e.status != 429]
    return RatePhase(
        name,
        records,
        len(answered),
        minimum_calls,
        len(entries) - len(answered),
        tenant_windows(entries, tenant, scale),
        records_per_call,
        xero_records_per_call,
        seconds,
        extra=extra,
    )


def minimum_writes(records: int) -> int:
    return math.ceil(records / MAX_BATCH_RECORDS)


def jain(values: Sequence[float]) -> float:
    """Jain's fairness index: 1 when all are equal, 1/n when one has everything."""
    total, squares = sum(values), sum(v * v for v in values)
    return total * total / (len(values) * squares) if squares else 1.0


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)
