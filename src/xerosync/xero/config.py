"""`XeroConfig`: where Xero lives and who we are to it, built once and passed to the client.

Every URL is a setting, so the same client talks to Xero, to the emulator
(`XeroConfig.for_emulator(base_url, ...)`) or to any Xero-compatible server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from xerosync.xero.auth.scopes import Access, scopes_for

XERO_AUTHORIZE_URL = "https://login.xero.com/identity/connect/authorize"
XERO_TOKEN_URL = "https://identity.xero.com/connect/token"
XERO_REVOCATION_URL = "https://identity.xero.com/connect/revocation"
XERO_API_URL = "https://api.xero.com/api.xro/2.0"
XERO_CONNECTIONS_URL = "https://api.xero.com/connections"


class RateLimits(BaseModel):
    """Xero's published limits (https://developer.xero.com/documentation/guides/oauth2/limits/); lower them for a Starter-tier app."""

    model_config = ConfigDict(frozen=True)

    minute: int = Field(default=60, gt=0)
    day: int = Field(default=5000, gt=0)
    concurrent: int = Field(default=5, gt=0)
    app_minute: int = Field(default=10_000, gt=0)
    minute_seconds: float = Field(default=60.0, gt=0)
    day_seconds: float = Field(default=86_400.0, gt=0)


class XeroConfig(BaseModel):
    """Settings for one Xero app. `client_secret` may be empty for a PKCE-only public client."""

    model_config = ConfigDict(frozen=True)

    client_id: str = Field(min_length=1)
    client_secret: SecretStr = SecretStr("")
    redirect_uri: str | None = None
    scopes: tuple[str, ...] = ("offline_access", "accounting.settings.read")
    scope_vocabulary: Literal["broad", "granular"] = Field(
        default="broad", description="granular for apps created after 2 March 2026"
    )

    authorize_url: str = XERO_AUTHORIZE_URL
    token_url: str = XERO_TOKEN_URL
    revocation_url: str = XERO_REVOCATION_URL
    api_url: str = XERO_API_URL
    connections_url: str = XERO_CONNECTIONS_URL

    limits: RateLimits = RateLimits()
    timeout: float = Field(default=30.0, gt=0, description="per connect, write and read")
    deadline: float = Field(
        default=90.0,
        gt=0,
        description="a whole exchange, first byte to last (httpx's timeouts are per read, so a "
        "trickling server could hold a call for ever); shorter than the token lock's lease",
    )
    max_response_bytes: int = Field(
        default=64 * 1024 * 1024, gt=0, description="a larger answer (decoded) is not read"
    )
    refresh_margin: float = Field(
        default=120.0, ge=0, description="refresh this many seconds before the access token expires"
    )
    max_attempts: int = Field(default=4, ge=1, description="tries per call for retryable failures")
    max_rate_waits: int = Field(default=20, ge=0, description="429s waited out per call")
    slot_lease: float = Field(
        default=300.0,
        gt=0,
        description="a concurrent-call slot is held this long at most: one a crashed worker "
        "took is freed after it (keep it above `deadline` plus a token refresh)",
    )

    @field_validator("api_url", "connections_url", "token_url", "revocation_url", "authorize_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def for_sync(self, needs: Mapping[str, Access] | Iterable[str]) -> XeroConfig:
        """This config asking for exactly the scopes a sync of `needs` requires
        (entity -> "read" | "write"), in the configured vocabulary."""
        scopes = scopes_for(needs, vocabulary=self.scope_vocabulary)
        return self.model_copy(update={"scopes": tuple(sorted(scopes))})

    @classmethod
    def for_emulator(cls, base_url: str, **settings: object) -> XeroConfig:
        """A config whose URLs all point at a xerosync emulator (or any server laid out like Xero)."""
        base = base_url.rstrip("/")
        urls = {
            "authorize_url": f"{base}/identity/connect/authorize",
            "token_url": f"{base}/connect/token",
            "revocation_url": f"{base}/connect/revocation",
            "api_url": f"{base}/api.xro/2.0",
            "connections_url": f"{base}/connections",
        }
        return cls.model_validate({**urls, **settings})
