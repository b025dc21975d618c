"""`Settings`: xerosync's own configuration from the environment (`XEROSYNC_` prefix), built once
by the caller and passed down; nothing reads it at import time."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XEROSYNC_", extra="ignore")

    database_url: str = "sqlite:///xerosync.db"
    #: Fernet keys, newest first, comma-separated in the environment; the first encrypts
    token_keys: list[SecretStr] = Field(default_factory=list)

    @field_validator("token_keys", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    def keys(self) -> list[str]:
        return [k.get_secret_value() for k in self.token_keys]
