"""A small Xero double for the client-core tests (httpx.MockTransport): a token endpoint that
rotates refresh tokens, an API that checks bearer tokens, and scripted answers."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs

import httpx

from xerosync.clock import FakeClock
from xerosync.xero import MemoryTokenStore, TokenSet, XeroClient, XeroConfig
from xerosync.xero.auth.tokens import DEFAULT_KEY, TokenStore

BASE = "https://xero.test"
CLIENT_ID = "CLIENT-ID-1"
CLIENT_SECRET = "s3cret-client-value"

Answer = Callable[[httpx.Request], httpx.Response]


@dataclass
class FakeXero:
    clock: FakeClock
    ttl: float = 1800.0
    access: dict[str, float] = field(default_factory=dict)  # token -> expiry (clock seconds)
    refresh_tokens: set[str] = field(default_factory=set)
    refresh_calls: int = 0
    api_calls: list[httpx.Request] = field(default_factory=list)
    script: list[Answer] = field(default_factory=list)  # next API answers, in order
    token_delay: threading.Event | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def issue(self) -> TokenSet:
        """A valid pair, as after a consent."""
        with self.lock:
            n = next(self._ids)
            at, rt = f"AT-{n}-secretvalue", f"RT-{n}-secretvalue"
            self.access[at] = self.clock.monotonic() + self.ttl
            self.refresh_tokens.add(rt)
        return TokenSet(at, rt, self.clock.now() + timedelta(seconds=self.ttl))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            return self._token(request)
        if request.url.path == "/connect/revocation":
            return httpx.Response(200)
        return self._api(request)

    def _token(self, request: httpx.Request) -> httpx.Response:
        if self.token_delay is not None:
            self.token_delay.wait(5)
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        with self.lock:
            self.refresh_calls += 1
            if form.get("grant_type") == "refresh_token":
                rt = form.get("refresh_token", "")
                if rt not in self.refresh_tokens:
                    return httpx.Response(400, json={"error": "invalid_grant"})
                self.refresh_tokens.discard(rt)  # strict rotation: no grace here
            elif form.get("grant_type") != "authorization_code":
                return httpx.Response(400, json={"error": "unsupported_grant_type"})
            n = next(self._ids)
            at, new_rt = f"AT-{n}-secretvalue", f"RT-{n}-secretvalue"
            self.access[at] = self.clock.monotonic() + self.ttl
            self.refresh_tokens.add(new_rt)
        return httpx.Response(
            200,
            json={
                "access_token": at,
                "refresh_token": new_rt,
                "expires_in": int(self.ttl),
                "token_type": "Bearer",
                "scope": "offline_access accounting.transactions",
            },
        )

    def _api(self, request: httpx.Request) -> httpx.Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        with self.lock:
            expiry = self.access.get(token)
            self.api_calls.append(request)
        if expiry is None:
            return httpx.Response(
                401, json={"Title": "Unauthorized", "Detail": "AuthenticationUnsuccessful"}
            )
        if expiry <= self.clock.monotonic():
            return httpx.Response(
                401, json={"Title": "Unauthorized", "Detail": "TokenExpired: token expired"}
            )
        with self.lock:
            answer = self.script.pop(0) if self.script else None
        if answer is not None:
            return answer(request)
        return httpx.Response(200, json={"Invoices": []}, headers=_ok_headers())

    def expire_access(self) -> None:
        """Xero-side expiry earlier than the client's estimate (e.g. clock skew)."""
        with self.lock:
            for token in self.access:
                self.access[token] = -1.0


def _ok_headers() -> dict[str, str]:
    return {
        "X-MinLimit-Remaining": "59",
        "X-DayLimit-Remaining": "4999",
        "X-AppMinLimit-Remaining": "9999",
    }


def answer(status: int, body: object = None, headers: dict[str, str] | None = None) -> Answer:
    def respond(request: httpx.Request) -> httpx.Response:
        content = json.dumps(body).encode() if body is not None else b""
        hdrs = {"content-type": "application/json"} if body is not None else {}
        return httpx.Response(status, content=content, headers={**hdrs, **(headers or {})})

    return respond


def fail(exc: type[httpx.TransportError]) -> Answer:
    def respond(request: httpx.Request) -> httpx.Response:
        raise exc("scripted failure", request=request)

    return respond


def config(**overrides: object) -> XeroConfig:
    return XeroConfig.for_emulator(
        BASE,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri="http://localhost:8000/callback",
        **overrides,
    )


def make_client(
    fake: FakeXero,
    *,
    store: TokenStore | None = None,
    tokens: TokenSet | None = None,
    **kwargs: object,
) -> tuple[XeroClient, TokenStore]:
    store = store or MemoryTokenStore()
    if tokens is not None:
        store.save(DEFAULT_KEY, tokens)
    settings = kwargs.pop("config", None) or config()
    kwargs.setdefault("pause", lambda _s: None)
    client = XeroClient(
        settings,  # type: ignore[arg-type]
        token_store=store,
        http_client=httpx.Client(transport=httpx.MockTransport(fake)),
        clock=fake.clock,
        rng=lambda: 0.5,
        **kwargs,  # type: ignore[arg-type]
    )
    return client, store
