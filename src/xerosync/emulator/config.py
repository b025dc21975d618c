"""The emulator's settings: Xero's numbers by default, every one of them adjustable.

Where Xero's sources disagree (see docs/xero-behaviour.md section 7) the choice is a
setting here. `minute_seconds` and `day_seconds` scale the rate-limit windows so tests
can exhaust a "minute" in a fraction of a real one.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class EmulatorConfig(BaseModel):
    # identity
    access_token_ttl: float = 1800.0
    refresh_token_ttl: float = 60 * 86400.0
    refresh_grace: float = 1800.0
    auth_code_ttl: float = 300.0
    auto_approve: bool = False
    id_token_ttl: float = 300.0
    pkce_plain_allowed: bool = False  # Xero documents S256 only
    invalid_client_status: int = 400  # Xero (IdentityServer) answers 400; RFC 6749 allows 401
    granular_scopes_only: bool = False  # apps created on/after 2 March 2026: no broad scopes
    # rate limits (per app per tenant, and app-wide)
    minute_limit: int = 60
    day_limit: int = 5000
    concurrent_limit: int = 5
    app_minute_limit: int = 10_000
    minute_seconds: float = 60.0
    day_seconds: float = 86_400.0
    rate_limits_enabled: bool = True
    # writes
    idempotency_window: float = 360.0
    max_request_bytes: int = 3_500_000
    # Xero answers 404 to a query string longer than this (IIS's default limit): reported as
    # `GET /Contacts?IDs=...` failing past ~56 IDs, a URL of ~2,090 characters
    max_query_length: int = 2048
    max_page_size: int = 1000
    # attachments: Xero's limits per document and per file
    attachment_max_count: int = 10
    attachment_max_bytes: int = 10 * 1024 * 1024
    default_page_size: int = 100
    # webhooks
    webhook_retry_base: float = 5.0
    webhook_disable_after: float = 86_400.0
    webhook_timeout: float = 5.0  # a receiver must answer within this many (real) seconds
    webhook_batch_size: int = 50  # events per delivery, at most
    webhook_pump_interval: float = 1.0  # the server's delivery loop period (real s); 0 = off
    webhook_resource_base: str = "https://api.xero.com/api.xro/2.0"  # prefix of resourceUrl
    # a ready-made app, so `xerosync emulator` is usable at once
    demo_client_id: str = Field(default="XEROSYNC-DEMO-CLIENT")
    demo_client_secret: str = Field(default="xerosync-demo-secret-not-for-production")
    demo_redirect_uris: list[str] = Field(
        default_factory=lambda: ["http://localhost:8000/callback", "http://127.0.0.1:8000/callback"]
    )
    seed_demo: bool = True
