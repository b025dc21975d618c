"""Token lifecycle against a MockTransport Xero: refresh before expiry, on a 401, under the
store's lock, invalid_grant as NeedsReauth (asked once, not in a loop)."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest

from tests.client.core_doubles import CLIENT_SECRET, FakeXero, make_client
from xerosync.clock import FakeClock
from xerosync.errors import NeedsReauth
from xerosync.xero import TokenSet
from xerosync.xero.auth.tokens import DEFAULT_KEY


def test_a_token_near_expiry_is_refreshed_before_the_call(fake: FakeXero, clock: FakeClock) -> None:
    first = fake.issue()
    client, store = make_client(fake, tokens=first)
    clock.advance(1800 - 60)  # inside the 120 s margin
    client.request("GET", "Invoices", tenant="t-1")
    saved = store.load(DEFAULT_KEY)
    assert saved is not None
    assert fake.refresh_calls == 1
    assert saved.access_token != first.access_token
    assert saved.refresh_token != first.refresh_token  # the rotated one, saved with the AT
    assert saved.refresh_token in fake.refresh_tokens
    sent = fake.api_calls[-1]
    assert sent.headers["authorization"] == f"Bearer {saved.access_token}"
    assert sent.headers["xero-tenant-id"] == "t-1"


def test_a_fresh_token_is_not_refreshed(fake: FakeXero) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    for _ in range(3):
        client.request("GET", "Invoices", tenant="t-1")
    assert fake.refresh_calls == 0


def test_the_store_is_read_once_while_the_pair_is_good(fake: FakeXero) -> None:
    client, store = make_client(fake, tokens=fake.issue())
    loads = 0
    load = store.load

    def counted(key: str) -> TokenSet | None:
        nonlocal loads
        loads += 1
        return load(key)

    store.load = counted  # type: ignore[method-assign]
    for _ in range(5):
        client.request("GET", "Invoices", tenant="t-1")
    assert loads == 1
    assert len(fake.api_calls) == 5


def test_a_pair_another_worker_refreshed_is_taken_when_ours_nears_expiry(
    fake: FakeXero, clock: FakeClock
) -> None:
    ours, store = make_client(fake, tokens=fake.issue())
    ours.request("GET", "Invoices", tenant="t-1")  # our pair is known now
    clock.advance(1800 - 300)
    theirs, _ = make_client(fake, store=store)
    theirs.tokens.refresh(DEFAULT_KEY, stale=store.load(DEFAULT_KEY))  # type: ignore[arg-type]
    newer = store.load(DEFAULT_KEY)
    assert newer is not None
    assert fake.refresh_calls == 1
    ours.request("GET", "Invoices", tenant="t-1")  # ours is still good: used as it is
    assert fake.api_calls[-1].headers["authorization"] != f"Bearer {newer.access_token}"
    clock.advance(300 - 60)  # ours is inside the margin now: the store has the newer pair
    ours.request("GET", "Invoices", tenant="t-1")
    assert fake.api_calls[-1].headers["authorization"] == f"Bearer {newer.access_token}"
    assert fake.refresh_calls == 1  # not refreshed again


def test_a_401_token_expired_refreshes_once_and_replays(fake: FakeXero) -> None:
    client, store = make_client(fake, tokens=fake.issue())
    fake.expire_access()  # Xero thinks it expired; our clock does not
    response = client.request("GET", "Invoices", tenant="t-1")
    assert response.status_code == 200
    assert fake.refresh_calls == 1
    assert len(fake.api_calls) == 2
    saved = store.load(DEFAULT_KEY)
    assert saved is not None
    assert fake.api_calls[-1].headers["authorization"].endswith(saved.access_token)


def test_invalid_grant_raises_needs_reauth_and_is_not_asked_again(fake: FakeXero) -> None:
    dead = TokenSet("AT-old", "RT-unknown", FakeClock().now() - timedelta(seconds=1))
    client, store = make_client(fake, tokens=dead)
    with pytest.raises(NeedsReauth):
        client.request("GET", "Invoices", tenant="t-1")
    with pytest.raises(NeedsReauth):
        client.request("GET", "Invoices", tenant="t-1")
    assert fake.refresh_calls == 1  # the second call failed fast
    assert fake.api_calls == []
    # a person reconnects: new tokens in the store bring the client back
    store.save(DEFAULT_KEY, fake.issue())
    assert client.request("GET", "Invoices", tenant="t-1").status_code == 200


def test_no_tokens_stored_is_needs_reauth(fake: FakeXero) -> None:
    client, _ = make_client(fake)
    with pytest.raises(NeedsReauth, match="connect"):
        client.request("GET", "Invoices", tenant="t-1")


def test_threads_refreshing_together_refresh_once(fake: FakeXero, clock: FakeClock) -> None:
    client, store = make_client(fake, tokens=fake.issue())
    clock.advance(1800)  # expired for everyone
    fake.token_delay = threading.Event()  # hold the token endpoint until all threads wait
    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.request("GET", "Invoices", tenant="t-1")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    threading.Event().wait(0.2)
    fake.token_delay.set()
    for t in threads:
        t.join(10)
    assert errors == []
    assert fake.refresh_calls == 1  # the others re-read the store after the lock
    saved = store.load(DEFAULT_KEY)
    assert saved is not None
    assert saved.refresh_token in fake.refresh_tokens


def test_secrets_stay_out_of_logs_and_reprs(
    fake: FakeXero, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = fake.issue()
    client, store = make_client(fake, tokens=tokens)
    clock.advance(1800)
    client.request("GET", "Invoices", tenant="t-1")
    saved = store.load(DEFAULT_KEY)
    assert saved is not None
    text = caplog.text + repr(saved) + repr(client.config) + str(client.config)
    for secret in (
        tokens.access_token,
        saved.access_token,
        str(saved.refresh_token),
        CLIENT_SECRET,
    ):
        assert secret not in text
    assert "auth.refreshed" in caplog.text
