"""`XeroClient`: one per Xero app; every call to Xero in xerosync goes through `request`.

A call walks down the layers (STYLE habit 1): governor (rate budgets) -> auth flow (bearer,
tenant, refresh) -> transport (httpx, errors translated) -> retry decision -> back up.

    client = XeroClient(config, token_store=MemoryTokenStore())
    start = client.oauth.authorization_request()       # send the user to start.url
    connections = client.connect(callback_url, start)  # tokens saved, tenants listed
    response = client.request("GET", "Invoices", tenant=connections[0].tenant_id)

Sync only, on purpose: its callers (Huey workers, the CLI, FastAPI's sync routes) are
synchronous, and token-store locks (fcntl, Redis) block. The decisions (`retry`,
`limits.budget`) are pure functions, so an async driver could reuse them unchanged.
One client may be shared by many threads; workers in several processes share budgets and
tokens through `RedisBudgetStore` and a shared token store (`RedisTokenStore`,
`FileTokenStore`, or the database's).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from xerosync.clock import Clock, SystemClock
from xerosync.errors import ConfigError, RateLimited, XeroConnectionError
from xerosync.xero.auth.flow import TokenKeeper, XeroAuth
from xerosync.xero.auth.oauth import AuthorizationRequest, XeroOAuth
from xerosync.xero.auth.tokens import DEFAULT_KEY, TokenStore
from xerosync.xero.config import XeroConfig
from xerosync.xero.limits.budget import RateProblem
from xerosync.xero.limits.governor import Governor
from xerosync.xero.limits.shared_fair import RedisFairQueue
from xerosync.xero.limits.stores import BudgetStore, MemoryBudgetStore, RedisBudgetStore
from xerosync.xero.resources import Resources
from xerosync.xero.retry import (
    Outcome,
    RetryPolicy,
    backoff,
    is_replayable,
    parse_retry_after,
    should_retry,
)
from xerosync.xero.stats import CallStats
from xerosync.xero.transport import (
    build_http_client,
    encode_json,
    error_for,
    failure_kind,
    json_body,
    send,
)

logger = logging.getLogger("xerosync.xero")


@dataclass(frozen=True)
class XeroConnection:
    """One organisation the app may call (an entry of `GET /connections`)."""

    id: str
    tenant_id: str
    tenant_name: str
    tenant_type: str
    auth_event_id: str | None = None


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


class XeroClient:
    def __init__(
        self,
        config: XeroConfig,
        *,
        token_store: TokenStore,
        budget_store: BudgetStore | None = None,
        http_client: httpx.Client | None = None,
        clock: Clock | None = None,
        token_key: Callable[[str | None], str] | None = None,
        rng: Callable[[], float] = random.random,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        """`token_key` maps a tenant (None: tenantless calls) to its grant key in the token
        store; by default every tenant shares one grant, "default". `rng` feeds the backoff
        jitter; `pause` is the real-time wait for a concurrency slot held by another call."""
        self.config = config
        self.clock = clock or SystemClock()
        self._owns_http = http_client is None
        self.http = http_client or build_http_client(config)
        self.oauth = XeroOAuth(config, self.http, self.clock)
        self.tokens = TokenKeeper(token_store, self.oauth, self.clock, margin=config.refresh_margin)
        #: calls and 429s this process has seen, for metrics
        self.stats = CallStats()
        budgets = budget_store or MemoryBudgetStore()
        self.governor = Governor(
            budgets,
            config.limits,
            self.clock,
            app_key=config.client_id,
            pause=pause,
            slot_lease=config.slot_lease,
            # workers sharing budgets in Redis share the fair share's line there too
            fair_queue=RedisFairQueue(budgets.redis, f"{budgets.prefix}{config.client_id}:fair")
            if isinstance(budgets, RedisBudgetStore)
            else None,
        )
        self.retry_policy = RetryPolicy(max_attempts=config.max_attempts)
        self.token_key = token_key or (lambda _tenant: DEFAULT_KEY)
        self.rng = rng
        self.pause = pause
        #: the check `guarded` sets for the calls of the current thread (or task)
        self._send_guard: ContextVar[Callable[[], None] | None] = ContextVar(
            f"xerosync.send_guard.{id(self)}", default=None
        )
        # -- resources: one service per endpoint family, all calling through `request` --
        resources = Resources.over(self)
        self.accounts = resources.accounts
        self.bank_transactions = resources.bank_transactions
        self.contacts = resources.contacts
        self.credit_notes = resources.credit_notes
        self.invoices = resources.invoices
        self.items = resources.items
        self.manual_journals = resources.manual_journals
        self.organisation = resources.organisation
        self.payments = resources.payments
        self.reports = resources.reports
        self.tax_rates = resources.tax_rates

    # -- the one call method ----------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        tenant: str | None,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
        if_modified_since: datetime | None = None,
    ) -> httpx.Response:
        """Call Xero; return the 2xx response or raise a `xerosync.errors.XeroError`.

        `path` is relative to the API base ("Invoices", "Invoices/<id>") or an absolute URL on
        the origin of `api_url` or `connections_url` (any other raises `ConfigError`: the
        bearer token goes nowhere else). Answers are read up to `max_response_bytes` within
        `deadline` seconds; redirects are not followed.
        Rate limits are waited out (except a spent day: `RateLimited(scope="day")`); 5xx,
        timeouts and lost responses are retried for reads and for writes that carry an
        `idempotency_key` (the same key on every try).
        """
        request = self._build(
            method, path, params, json, headers, idempotency_key, if_modified_since
        )
        return self._send(request, tenant, self.token_key(tenant), idempotency_key)

    def _send(
        self, request: httpx.Request, tenant: str | None, key: str, idempotency_key: str | None
    ) -> httpx.Response:
        method, path = request.method, request.url.path
        replayable = is_replayable(method, idempotency_key)
        auth = XeroAuth(self.tokens, key, tenant)
        attempt, rate_waits = 0, 0
        while True:
            attempt += 1
            response: httpx.Response | None = None
            outcome: Outcome
            with self.governor.slot(tenant) as admitted:
                try:
                    response = self._exchange(request, auth)
                    outcome = response.status_code
                    self.stats.answered(
                        tenant, outcome, response.headers.get("x-rate-limit-problem")
                    )
                except XeroConnectionError as exc:
                    failure: XeroConnectionError = exc
                    outcome = failure_kind(exc)
                    self.stats.failed(tenant, str(outcome))
            if response is not None:
                self.governor.observe(tenant, response.headers, admitted)
                if response.is_success:
                    return response
                if response.status_code == 429:
                    attempt -= 1  # a rate-limit wait is not a failed attempt
                    rate_waits += 1
                    self._wait_out_429(response, tenant, rate_waits)
                    continue
            if should_retry(outcome, attempt, replayable=replayable, policy=self.retry_policy):
                hint = parse_retry_after(response.headers.get("retry-after")) if response else None
                delay = backoff(attempt, rng=self.rng, retry_after=hint, policy=self.retry_policy)
                logger.warning(
                    "client.retrying",
                    extra={
                        "tenant": tenant,
                        "outcome": outcome,
                        "attempt": attempt,
                        "delay": delay,
                        "method": method,
                        "path": path,
                    },
                )
                self.clock.sleep(delay)
                continue
            if response is None:
                failure.tenant = tenant
                raise failure
            raise error_for(response, tenant=tenant)

    @contextmanager
    def guarded(self, check: Callable[[], None]) -> Iterator[None]:
        """Run `check` right before each request of this context goes on the wire: after the
        governor admitted the try (its waits for the tenant's minute, the app's fair share, a
        concurrent slot have no upper bound) and the token is in hand, before every send of
        every try (retries and a 401's replay included). If it raises, the exception goes to
        the caller and nothing is sent.

        Why: a push holds a lease; whoever takes it over must know how long a request of ours
        may still be at Xero after the lease ran out. Checked before the waits, that is as long
        as the waits can be (hours); checked here, it is one exchange (`longest_exchange`).
        Set in a contextvar, so the resources' signatures need not change; it holds for the
        thread (or task) that entered the context, not for threads it starts."""
        token = self._send_guard.set(check)
        try:
            yield
        finally:
            self._send_guard.reset(token)

    def longest_exchange(self) -> float:
        """Seconds one try may take once a guarded check let it go (see `guarded`): two sends
        (a 401 refreshes the token and sends again), each at most `deadline` plus one read
        `timeout` once its answer started (the deadline is checked as each chunk arrives).
        The guard runs again before the second send, so a refresh's wait for the token lock
        is not inside; the second send's share is then the margin for what httpx times only
        per operation before the answer starts (a pooled connection, connect, writes, the
        status line), which the deadline does not cover. 240 s with the defaults."""
        config = self.config
        return 2 * (config.deadline + config.timeout)

    def _exchange(self, request: httpx.Request, auth: XeroAuth) -> httpx.Response:
        """One attempt: send; on a 401 a fresh token may cure, refresh once and send again.
        The guard (`guarded`) runs right before each send, once the token is in hand."""
        cap, deadline = self.config.max_response_bytes, self.config.deadline
        guard = self._send_guard.get()
        auth.ready()  # a refresh near expiry waits for the token lock before the guard, not after
        if guard is not None:
            guard()
        response = send(self.http, request, auth=auth, max_bytes=cap, deadline=deadline)
        if auth.replay_after(response):
            if guard is not None:
                guard()  # the refresh may have waited for another worker's token lock
            response = send(self.http, request, auth=auth, max_bytes=cap, deadline=deadline)
        return response

    def _url(self, path: str) -> str:
        """`path` under the API base, or an absolute URL on the API's or connections' origin:
        the bearer token goes nowhere else."""
        url = httpx.URL(path)
        if not url.is_absolute_url:
            return f"{self.config.api_url}/{path.lstrip('/')}"
        config = self.config
        allowed = {_origin(httpx.URL(config.api_url)), _origin(httpx.URL(config.connections_url))}
        if _origin(url) not in allowed:
            raise ConfigError(
                f"refusing to send Xero's bearer token to {_origin(url)}: only the configured "
                "api_url and connections_url origins may be called"
            )
        return path

    def _build(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json: Any,
        headers: Mapping[str, str] | None,
        idempotency_key: str | None,
        if_modified_since: datetime | None,
    ) -> httpx.Request:
        url = self._url(path)
        sent = {"Accept": "application/json", **(headers or {})}
        if idempotency_key:
            sent["Idempotency-Key"] = idempotency_key
        if if_modified_since is not None:
            # a naive datetime is taken as UTC; sent with its designator (`format: date-time`)
            stamp = (
                if_modified_since.astimezone(UTC)
                if if_modified_since.tzinfo
                else if_modified_since.replace(tzinfo=UTC)
            )
            sent["If-Modified-Since"] = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        content = None
        if json is not None:
            content = encode_json(json)
            sent.setdefault("Content-Type", "application/json")
        return self.http.build_request(
            method.upper(),
            url,
            params=dict(params) if params else None,
            content=content,
            headers=sent,
        )

    def _wait_out_429(self, response: httpx.Response, tenant: str | None, waits: int) -> None:
        """Record the 429 with the governor (whose windows then hold the next try back);
        give up on a spent day or after `max_rate_waits`."""
        problem = RateProblem.from_headers(response.headers)
        until, held_back = self.governor.limited(tenant, problem)
        if problem.scope == "day" or waits > self.config.max_rate_waits:
            error = error_for(response, tenant=tenant)
            raise RateLimited(
                str(error.args[0]),
                scope=problem.scope,
                until=until,
                response=error.response,
                tenant=tenant,
            )
        if held_back:
            return
        seconds = (until - self.clock.now()).total_seconds()
        if problem.scope == "concurrent":
            self.pause(seconds)  # other calls must finish: real time, not the clock
        else:
            self.clock.sleep(seconds)

    # -- connections ----------------------------------------------------------------------

    def connect(
        self, callback_url: str, started: AuthorizationRequest, *, key: str = DEFAULT_KEY
    ) -> list[XeroConnection]:
        """Finish a sign-in: exchange the code, save the tokens under `key`, list the tenants."""
        tokens = self.oauth.finish(callback_url, started)
        with self.tokens.store.lock(key):
            self.tokens.store.save(key, tokens)
        self.tokens.forget(key)
        return self.connections(key=key)

    def connections(self, *, key: str = DEFAULT_KEY) -> list[XeroConnection]:
        """The organisations this grant may call (`GET /connections`)."""
        response = self._tenantless("GET", self.config.connections_url, key)
        return [
            XeroConnection(
                id=str(item["id"]),
                tenant_id=str(item["tenantId"]),
                tenant_name=str(item.get("tenantName") or ""),
                tenant_type=str(item.get("tenantType") or ""),
                auth_event_id=item.get("authEventId"),
            )
            for item in (json_body(response) or [])
        ]

    def disconnect(self, connection_id: str, *, key: str = DEFAULT_KEY) -> None:
        """Remove one organisation's connection (`DELETE /connections/{id}`)."""
        self._tenantless("DELETE", f"{self.config.connections_url}/{connection_id}", key)

    def revoke(self, *, key: str = DEFAULT_KEY) -> None:
        """Revoke the grant (all its connections) and forget its tokens."""
        store = self.tokens.store
        with store.lock(key):
            tokens = store.load(key)
            if tokens is not None and tokens.refresh_token:
                self.oauth.revoke(tokens.refresh_token)
            store.delete(key)
        self.tokens.forget(key)

    def _tenantless(self, method: str, url: str, key: str) -> httpx.Response:
        request = self._build(method, url, None, None, None, None, None)
        return self._send(request, None, key, None)

    # -- lifecycle --------------------------------------------------------------------

    def close(self) -> None:
        if self._owns_http:
            self.http.close()

    def __enter__(self) -> XeroClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
