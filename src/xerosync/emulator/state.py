"""Everything the emulator knows, in memory: apps, organisations, connections, tokens.

One `EmulatorState` per emulator instance. Each organisation (tenant) owns its `Books`
(the accounting data); the identity, rate-limit and fault machinery keep their own
state in their own modules and hang off this object.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from xerosync.clock import Clock
from xerosync.emulator.books import Books
from xerosync.emulator.config import EmulatorConfig
from xerosync.emulator.faults import FaultInjector
from xerosync.emulator.limits import RateLimiter
from xerosync.emulator.request_log import RequestLog
from xerosync.emulator.webhooks import WebhookDispatcher


@dataclass
class App:
    """A registered Xero app (what developer.xero.com/app/manage holds)."""

    client_id: str
    client_secret: str
    name: str
    redirect_uris: list[str]
    webhook_url: str | None = None
    webhook_key: str | None = None


@dataclass
class Tenant:
    """An organisation, with its own books."""

    tenant_id: str
    name: str
    created: datetime
    books: Books
    tenant_type: str = "ORGANISATION"


@dataclass
class Connection:
    """An app's access to one organisation, granted by a user's consent."""

    id: str
    client_id: str
    tenant_id: str
    user_id: str
    auth_event_id: str
    created: datetime
    updated: datetime


@dataclass
class AccessToken:
    token: str
    client_id: str
    user_id: str
    scopes: frozenset[str]
    expires_at: datetime
    auth_event_id: str


@dataclass
class AuthorizationCode:
    """A one-time code from the consent page; exchanged at /connect/token within its TTL."""

    code: str
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    user_id: str
    auth_event_id: str
    expires_at: datetime
    code_challenge: str | None = None
    code_challenge_method: str = "S256"
    nonce: str | None = None
    used: bool = False


@dataclass
class RefreshToken:
    """One link of a rotating refresh-token chain (rules in emulator/identity/grants.py)."""

    token: str
    client_id: str
    user_id: str
    scopes: frozenset[str]
    auth_event_id: str
    expires_at: datetime
    public_client: bool = False
    first_used_at: datetime | None = None
    revoked: bool = False


@dataclass
class EmulatorState:
    config: EmulatorConfig
    clock: Clock
    apps: dict[str, App] = field(default_factory=dict)
    tenants: dict[str, Tenant] = field(default_factory=dict)
    connections: dict[str, Connection] = field(default_factory=dict)
    access_tokens: dict[str, AccessToken] = field(default_factory=dict)
    auth_codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    consent_tenants: dict[str, list[str]] = field(default_factory=dict)  # client_id -> auto-approve
    consented_scopes: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    limits: RateLimiter = field(init=False)
    faults: FaultInjector = field(init=False)
    webhooks: WebhookDispatcher = field(init=False)
    requests: RequestLog = field(init=False)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.limits = RateLimiter(self.config, self.clock)
        self.faults = FaultInjector(self.clock)
        self.webhooks = WebhookDispatcher(self)
        self.requests = RequestLog(self.clock)

    def reset(self) -> None:
        """Back to a fresh emulator: every collection emptied, every component reset, and
        the apps back to the ready-made demo app alone."""
        self.webhooks.reset()  # first: it waits for a delivery in progress to end
        with self.lock:
            for collection in (
                self.apps,
                self.tenants,
                self.connections,
                self.access_tokens,
                self.auth_codes,
                self.refresh_tokens,
                self.consent_tenants,
                self.consented_scopes,
            ):
                collection.clear()
            self.limits.reset()
            self.faults.reset()
            self.requests.reset()
            self.register_demo_app()

    # -- apps and tenants -------------------------------------------------------------

    def register_demo_app(self) -> App:
        """The ready-made app every fresh emulator has (client id and secret from the config)."""
        return self.register_app(
            name="xerosync demo",
            client_id=self.config.demo_client_id,
            client_secret=self.config.demo_client_secret,
            redirect_uris=self.config.demo_redirect_uris,
        )

    def register_app(
        self,
        *,
        name: str = "My Xero App",
        client_id: str | None = None,
        client_secret: str | None = None,
        redirect_uris: list[str] | None = None,
        webhook_url: str | None = None,
        webhook_key: str | None = None,
    ) -> App:
        app = App(
            client_id=client_id or secrets.token_hex(16).upper(),
            client_secret=client_secret or secrets.token_urlsafe(36),
            name=name,
            redirect_uris=list(redirect_uris or []),
            webhook_url=webhook_url,
            webhook_key=webhook_key,
        )
        with self.lock:
            self.apps[app.client_id] = app
        return app

    def create_tenant(self, name: str, *, tenant_id: str | None = None) -> Tenant:
        tid = tenant_id or str(uuid.uuid4())
        tenant = Tenant(
            tenant_id=tid, name=name, created=self.clock.now(), books=Books(tid, name, self.clock)
        )
        tenant.books.on_change = self.webhooks.hook(tid)
        with self.lock:
            self.tenants[tid] = tenant
        return tenant

    def connect(
        self, client_id: str, tenant_id: str, user_id: str, auth_event_id: str
    ) -> Connection:
        """Connect an app to an organisation (or refresh the existing connection)."""
        now = self.clock.now()
        with self.lock:
            for conn in self.connections.values():
                if conn.client_id == client_id and conn.tenant_id == tenant_id:
                    conn.updated = now
                    conn.auth_event_id = auth_event_id
                    conn.user_id = user_id
                    return conn
            conn = Connection(
                id=str(uuid.uuid4()),
                client_id=client_id,
                tenant_id=tenant_id,
                user_id=user_id,
                auth_event_id=auth_event_id,
                created=now,
                updated=now,
            )
            self.connections[conn.id] = conn
            return conn

    def connection_for(self, client_id: str, tenant_id: str) -> Connection | None:
        with self.lock:
            for conn in self.connections.values():
                if conn.client_id == client_id and conn.tenant_id == tenant_id:
                    return conn
        return None

    def mint_access_token(
        self,
        client_id: str,
        scopes: frozenset[str],
        *,
        user_id: str = "emulator-user",
        auth_event_id: str | None = None,
        encode: Callable[[AccessToken], str] | None = None,
    ) -> AccessToken:
        """`encode` turns the token into its wire form (the identity server makes JWTs)."""
        token = AccessToken(
            token=secrets.token_urlsafe(48),
            client_id=client_id,
            user_id=user_id,
            scopes=scopes,
            expires_at=self.clock.now() + timedelta(seconds=self.config.access_token_ttl),
            auth_event_id=auth_event_id or str(uuid.uuid4()),
        )
        if encode is not None:
            token.token = encode(token)
        with self.lock:
            self.access_tokens[token.token] = token
        return token
