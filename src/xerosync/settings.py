"""`Settings`: xerosync's own configuration from the environment (`XEROSYNC_` prefix), built once
by the caller (CLI, service, worker) and passed down; nothing reads it at import time.

    XEROSYNC_DATABASE_URL=postgresql://...        state (default: SQLite file xerosync.db)
    XEROSYNC_TOKEN_KEYS=<fernet key>[,<old key>]  token encryption, newest first
    XEROSYNC_XERO_CLIENT_ID / _CLIENT_SECRET / _REDIRECT_URI
    XEROSYNC_XERO_BASE_URL=http://127.0.0.1:8765  point every Xero URL at an emulator
    XEROSYNC_REDIS_URL=redis://...                queue + shared rate budgets (default: SQLite queue)
    XEROSYNC_WEBHOOK_KEY=...                      Xero's webhook signing key
    XEROSYNC_API_KEYS=key1,key2                   keys the host application calls the REST API with
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from xerosync.errors import ConfigError

__all__ = ["Settings"]

DEFAULT_SCOPES = (
    "offline_access",
    "accounting.settings",
    "accounting.contacts",
    "accounting.transactions",
    # the reports kept for finance summaries (xerosync.engine.reports)
    "accounting.reports.read",
)


def _split(value: object) -> object:
    if isinstance(value, str):
        return [k.strip() for k in value.split(",") if k.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XEROSYNC_", extra="ignore")

    database_url: str = "sqlite:///xerosync.db"
    #: Fernet keys, newest first, comma-separated in the environment; the first encrypts
    token_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)

    xero_client_id: str = ""
    xero_client_secret: SecretStr = SecretStr("")
    xero_redirect_uri: str | None = None
    xero_scopes: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_SCOPES)
    )
    #: an emulator (or any server laid out like Xero); empty: Xero itself
    xero_base_url: str | None = None
    #: a slot among a tenant's 5 concurrent calls (shared on Redis) that a crashed worker held
    #: is freed after this long
    xero_slot_lease_seconds: float = Field(default=300.0, gt=0)

    redis_url: str | None = None
    #: where the embedded queue keeps its SQLite file when no Redis is set
    queue_path: str = "xerosync-queue.db"
    webhook_key: SecretStr = SecretStr("")
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    #: MappingConfig as JSON (tax types, accounts, rules...)
    mapping: Annotated[dict[str, Any], NoDecode] = Field(default_factory=dict)

    # -- workers (xerosync.jobs) -----------------------------------------------------------
    #: the queue's name (the Redis key prefix; one name per deployment sharing a Redis)
    queue_name: str = "xerosync"
    #: every connected organisation is pulled this often (payments, bank transactions and
    #: journals have no webhooks; and the safety net for a missed webhook)
    pull_every_minutes: int = Field(default=15, ge=1)
    #: every connected organisation's reports (profit and loss, balance sheet, bank summary,
    #: trial balance) are fetched again this often
    reports_every_minutes: int = Field(default=60, ge=1)
    #: the sweeper re-wakes work whose wake-up was lost this often
    sweep_every_minutes: int = Field(default=5, ge=1)
    #: refresh a grant whose refresh token is older than this (Xero drops it after 60 days)
    token_keepalive_days: int = Field(default=30, ge=1, le=55)
    #: a task that stopped short (rate limit, Xero unavailable, work left) runs again after this
    retry_after_seconds: int = Field(default=60, ge=1)
    #: a worker's hold on a connection's push or pull (renewed at each batch): a worker that
    #: died is taken over, and its rows in flight swept up, once this has run out
    lease_seconds: float = Field(default=600.0, gt=0)
    #: how long after a lease taken from another worker ran out its batches may still be at
    #: Xero (not sent again until then); unset: one exchange, computed from the Xero client's
    #: deadline and timeout (`XeroClient.longest_exchange`, 240 s by default). Lower it only
    #: when Xero is known to answer sooner
    takeover_wait_seconds: float | None = Field(default=None, ge=0)
    #: incidents (a connection to reconnect, dead letters) are e-mailed when these are set
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_sender: str = "xerosync@localhost"
    notify_emails: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: the application's endpoint for outbound webhooks (the change feed, signed with the secret)
    outbound_webhook_url: str | None = None
    outbound_webhook_secret: SecretStr = SecretStr("")
    #: what `serve` and `worker` log: DEBUG, INFO, WARNING or ERROR
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    #: `text` (key=value lines) or `json` (one object per line, for a log shipper)
    log_format: Literal["text", "json"] = "text"

    @field_validator("token_keys", "api_keys", "xero_scopes", "notify_emails", mode="before")
    @classmethod
    def _lists(cls, value: object) -> object:
        return _split(value)

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _case(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "log_level" else value.lower()

    @field_validator("mapping", mode="before")
    @classmethod
    def _json(cls, value: object) -> object:
        return json.loads(value) if isinstance(value, str) else value

    def keys(self) -> list[str]:
        return [k.get_secret_value() for k in self.token_keys]

    def require_xero(self) -> None:
        if not self.xero_client_id:
            raise ConfigError("XEROSYNC_XERO_CLIENT_ID is not set: the Xero app's client id")
        if not self.token_keys:
            raise ConfigError(
                "XEROSYNC_TOKEN_KEYS is not set: tokens are encrypted at rest; make a key with "
                "`python -c 'from xerosync.store.crypto import new_key; print(new_key())'`"
            )
