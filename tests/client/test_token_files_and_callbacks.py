"""FileTokenStore under hostile conditions (colliding keys, a corrupt file, loose permissions,
a crash after the rename), and what the client keeps of a token answer or says of a replayed
callback."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.client.emulator_oauth import add_tenant, client_config
from tests.conftest import EmulatorFactory
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.errors import ConfigError, NeedsReauth
from xerosync.xero import FileTokenStore, MemoryTokenStore, TokenSet, XeroClient
from xerosync.xero.auth import token_stores
from xerosync.xero.auth.tokens import TokenStoreCorrupt

LATER = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=1)


def test_keys_that_differ_only_in_unsafe_characters_are_different_files(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "t")
    store.save("acme:1", TokenSet("AT-colon", "RT-colon", LATER))
    store.save("acme_1", TokenSet("AT-under", "RT-under", LATER))
    store.save("acme%3A1", TokenSet("AT-pct", "RT-pct", LATER))
    assert store.load("acme:1").access_token == "AT-colon"  # type: ignore[union-attr]
    assert store.load("acme_1").access_token == "AT-under"  # type: ignore[union-attr]
    assert store.load("acme%3A1").access_token == "AT-pct"  # type: ignore[union-attr]


def test_a_corrupt_token_file_is_the_clients_error_without_its_content(tmp_path: Path) -> None:
    store = FileTokenStore(tmp_path / "t")
    store.save("k", TokenSet("AT-corrupt-secret", "RT-corrupt-secret", LATER))
    path = next((tmp_path / "t").glob("k.json"))
    path.write_text(path.read_text()[:-7])  # cut mid-way, as by a full disk
    with pytest.raises(TokenStoreCorrupt) as caught:
        store.load("k")
    error = caught.value
    assert isinstance(error, NeedsReauth)
    assert error.__cause__ is None
    assert error.__context__ is None
    text = str(error) + repr(error) + repr(vars(error))
    assert "RT-corrupt-secret" not in text


def test_the_directory_is_synced_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileTokenStore(tmp_path / "t")
    synced: list[bool] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    store.save("k", TokenSet("AT", "RT", LATER))
    assert synced == [False, True]  # the file, then the directory holding the new name


def test_an_existing_loose_directory_is_made_private(tmp_path: Path) -> None:
    loose = tmp_path / "t"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    FileTokenStore(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700


def test_a_loose_directory_that_cannot_be_tightened_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loose = tmp_path / "t"
    loose.mkdir()
    loose.chmod(0o755)

    def refuse(self: Path, mode: int) -> None:
        raise PermissionError("not the owner")

    monkeypatch.setattr(token_stores.Path, "chmod", refuse)
    with pytest.raises(ConfigError, match="readable by others"):
        FileTokenStore(loose)


def test_an_id_token_in_the_answer_is_not_kept() -> None:
    unsigned = "eyJhbGciOiJub25lIn0.eyJhdWQiOiJzb21lb25lLWVsc2UiLCJleHAiOjF9."  # alg=none
    body = {"access_token": "AT", "refresh_token": "RT", "expires_in": 1800, "id_token": unsigned}
    tokens = TokenSet.from_response(body, datetime.now(UTC))
    assert not hasattr(tokens, "id_token")
    assert "id_token" not in tokens.to_json()


def test_a_replayed_callback_says_the_code_was_used(
    emulator_factory: EmulatorFactory, clock: FakeClock
) -> None:
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    add_tenant(emulator)
    client = XeroClient(
        client_config(emulator.base_url), token_store=MemoryTokenStore(), clock=clock
    )
    start = client.oauth.authorization_request()
    consent = httpx.get(start.url, follow_redirects=False, timeout=10)
    callback = consent.headers["location"]
    client.connect(callback, start)
    with pytest.raises(NeedsReauth) as caught:
        client.connect(callback, start)  # the browser's back button, or an attacker
    message = str(caught.value)
    assert "authorization code" in message
    assert "refresh token" not in message
