"""Settings come from the environment with the XEROSYNC_ prefix and say what is missing."""

from __future__ import annotations

import pytest

from xerosync.compose import build_sync, xero_config
from xerosync.errors import ConfigError
from xerosync.settings import Settings
from xerosync.store.crypto import new_key


def test_settings_read_lists_and_mapping_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = new_key()
    monkeypatch.setenv("XEROSYNC_TOKEN_KEYS", f"{key}, {new_key()}")
    monkeypatch.setenv("XEROSYNC_MAPPING", '{"tax_types": {"standard": "OUTPUT2"}}')
    monkeypatch.setenv("XEROSYNC_XERO_CLIENT_ID", "app")
    monkeypatch.setenv("XEROSYNC_XERO_BASE_URL", "http://127.0.0.1:8765")
    settings = Settings()
    assert settings.keys()[0] == key
    assert settings.mapping == {"tax_types": {"standard": "OUTPUT2"}}
    assert xero_config(settings).api_url == "http://127.0.0.1:8765/api.xro/2.0"


def test_a_missing_setting_is_named(tmp_path: object) -> None:
    with pytest.raises(ConfigError, match="XEROSYNC_XERO_CLIENT_ID"):
        build_sync(Settings(database_url=f"sqlite:///{tmp_path}/x.db"))
    with pytest.raises(ConfigError, match="XEROSYNC_TOKEN_KEYS"):
        build_sync(Settings(database_url=f"sqlite:///{tmp_path}/x.db", xero_client_id="app"))


def test_the_lease_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    """A shorter lease lets a dead worker's connection be taken over (and its batch swept up)
    sooner; 10 minutes unless set."""
    monkeypatch.setenv("XEROSYNC_TOKEN_KEYS", new_key())
    monkeypatch.setenv("XEROSYNC_XERO_CLIENT_ID", "app")
    monkeypatch.setenv("XEROSYNC_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    with build_sync(Settings()) as default:
        assert default.context.lease_ttl == 600.0
    monkeypatch.setenv("XEROSYNC_LEASE_SECONDS", "45")
    with build_sync(Settings()) as short:
        assert short.context.lease_ttl == 45.0
