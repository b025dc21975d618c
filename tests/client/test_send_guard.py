"""The send guard (`XeroClient.guarded`): a check run once the governor admitted a try and right
before each send goes on the wire (retries and a 401's replay included), so that a push holding
a lease knows its request goes out with the lease still its own, whatever the rate waits before
it took; if the check raises, nothing is sent."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import pytest

from tests.client.core_doubles import FakeXero, answer, config, make_client
from xerosync.clock import FakeClock
from xerosync.xero import TokenSet
from xerosync.xero.config import RateLimits


@dataclass
class Recording(FakeXero):
    """FakeXero noting each request it receives (token calls too) in `events`."""

    events: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.events.append("token" if request.url.path == "/connect/token" else "sent")
        return super().__call__(request)


class Refused(Exception):
    """The guard's refusal (a push's lease lost)."""


def test_the_guard_runs_after_admission_before_each_send_of_each_try(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = Recording(clock)
    client, _ = make_client(fake, tokens=fake.issue())
    admit = client.governor.acquire

    def admitted(tenant: str | None) -> float:
        at = admit(tenant)
        fake.events.append("admitted")
        return at

    monkeypatch.setattr(client.governor, "acquire", admitted)
    fake.script = [answer(503)]  # the first try fails, the second is answered

    with client.guarded(lambda: fake.events.append("guard")):
        client.request("PUT", "Invoices", tenant="t", json={}, idempotency_key="k")
        fake.expire_access()  # a 401: refreshed, then the guard again before the replay
        client.request("GET", "Invoices", tenant="t")
    client.request("GET", "Invoices", tenant="t")  # outside the context: no guard

    assert fake.events == [
        *("admitted", "guard", "sent"),  # the 503
        *("admitted", "guard", "sent"),  # its retry
        *("admitted", "guard", "sent", "token", "guard", "sent"),  # a 401 and its replay
        *("admitted", "sent"),
    ]


def test_the_guard_runs_after_the_wait_for_the_tenants_minute(clock: FakeClock) -> None:
    fake = Recording(clock)
    client, _ = make_client(fake, tokens=fake.issue(), config=config(limits=RateLimits(minute=1)))
    checked: list[datetime] = []
    start = clock.now()

    with client.guarded(lambda: checked.append(clock.now())):
        client.request("GET", "Invoices", tenant="t")
        client.request("GET", "Invoices", tenant="t")  # waits for the next minute first

    assert checked[0] == start
    assert checked[1] - start >= timedelta(seconds=60)


def test_a_token_near_expiry_is_refreshed_before_the_guard(clock: FakeClock) -> None:
    fake = Recording(clock)
    tokens = fake.issue()
    expiring = TokenSet(tokens.access_token, tokens.refresh_token, clock.now())
    client, _ = make_client(fake, tokens=expiring)

    with client.guarded(lambda: fake.events.append("guard")):
        client.request("GET", "Invoices", tenant="t")

    # the wait for the token lock and the refresh come before the check, not between it and
    # the send
    assert fake.events == ["token", "guard", "sent"]


def test_a_guard_that_raises_sends_nothing(clock: FakeClock) -> None:
    fake = Recording(clock)
    client, _ = make_client(fake, tokens=fake.issue())

    def refuse() -> None:
        raise Refused

    with client.guarded(refuse), pytest.raises(Refused):
        client.request("PUT", "Invoices", tenant="t", json={}, idempotency_key="k")

    assert fake.api_calls == []
    assert client.stats.calls() == {}  # nor counted as answered or failed


def test_a_guard_that_raises_on_a_retry_stops_the_call_there(clock: FakeClock) -> None:
    fake = Recording(clock)
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [answer(503), answer(503)]
    checks: list[int] = []

    def second_refuses() -> None:
        checks.append(len(fake.api_calls))
        if len(checks) == 2:
            raise Refused

    with client.guarded(second_refuses), pytest.raises(Refused):
        client.request("PUT", "Invoices", tenant="t", json={}, idempotency_key="k")

    assert checks == [0, 1]
    assert len(fake.api_calls) == 1  # the retry was not sent


def test_the_guard_holds_only_where_it_was_set(clock: FakeClock) -> None:
    fake = Recording(clock)
    client, _ = make_client(fake, tokens=fake.issue())
    guarded: list[str] = []

    with client.guarded(lambda: guarded.append(threading.current_thread().name)):
        thread = threading.Thread(
            target=client.request, args=("GET", "Invoices"), kwargs={"tenant": "t"}, name="other"
        )
        thread.start()
        thread.join()
        client.request("GET", "Invoices", tenant="t")

    assert guarded == [threading.current_thread().name]
    assert len(fake.api_calls) == 2


def test_the_longest_exchange_is_two_sends_of_deadline_and_a_read_timeout() -> None:
    fake = Recording(FakeClock())
    client, _ = make_client(fake, tokens=fake.issue())
    assert client.longest_exchange() == 2 * (90 + 30) == 240
    short, _ = make_client(fake, config=config(deadline=20.0, timeout=5.0))
    assert short.longest_exchange() == 50
