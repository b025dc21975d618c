"""Retries and error translation through the client (MockTransport): what is retried, what is
not, and what the caller gets."""

from __future__ import annotations

import httpx
import pytest

from tests.client.core_doubles import FakeXero, answer, fail, make_client
from xerosync.clock import FakeClock
from xerosync.errors import (
    InsufficientScope,
    NotFound,
    QueryRejected,
    RecordRejected,
    RequestRejected,
    RetryableError,
    TenantNotConnected,
    XeroConnectionError,
    XeroTimeout,
    XeroUnavailable,
)

OFFLINE = answer(503, headers={"content-type": "text/plain"})


def test_a_read_is_retried_on_503_then_succeeds(fake: FakeXero, clock: FakeClock) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [OFFLINE, OFFLINE]
    start = clock.monotonic()
    response = client.request("GET", "Invoices", tenant="t")
    assert response.status_code == 200
    assert len(fake.api_calls) == 3
    assert clock.monotonic() - start == pytest.approx(0.375 + 0.75)  # backoff with rng=0.5


def test_retries_stop_after_max_attempts(fake: FakeXero) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [OFFLINE] * 10
    with pytest.raises(XeroUnavailable) as caught:
        client.request("GET", "Invoices", tenant="t")
    assert len(fake.api_calls) == 4
    assert isinstance(caught.value, RetryableError)
    assert caught.value.http_status == 503
    assert caught.value.tenant == "t"


def test_retry_after_on_a_503_is_honoured(fake: FakeXero, clock: FakeClock) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [answer(503, headers={"Retry-After": "20"})]
    start = clock.monotonic()
    client.request("GET", "Invoices", tenant="t")
    assert clock.monotonic() - start == pytest.approx(20.0)


def test_a_write_without_an_idempotency_key_is_not_retried(fake: FakeXero) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [OFFLINE, answer(200, {"Invoices": []})]
    with pytest.raises(XeroUnavailable):
        client.request("PUT", "Invoices", tenant="t", json={"Invoices": []})
    assert len(fake.api_calls) == 1


def test_a_lost_write_response_is_retried_with_the_same_key(fake: FakeXero) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [fail(httpx.RemoteProtocolError), fail(httpx.ReadError)]
    response = client.request(
        "PUT", "Invoices", tenant="t", json={"Invoices": []}, idempotency_key="batch-7"
    )
    assert response.status_code == 200
    assert [r.headers["idempotency-key"] for r in fake.api_calls] == ["batch-7"] * 3
    assert len({r.content for r in fake.api_calls}) == 1  # the same body each time


def test_a_lost_write_response_without_a_key_is_reported_not_resent(fake: FakeXero) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [fail(httpx.RemoteProtocolError)]
    with pytest.raises(XeroConnectionError) as caught:
        client.request("POST", "Invoices", tenant="t", json={})
    assert len(fake.api_calls) == 1
    assert "RemoteProtocolError" in str(caught.value)
    assert caught.value.reason == "lost"


def test_timeouts_become_xero_timeout_after_retries(fake: FakeXero) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [fail(httpx.ReadTimeout)] * 4
    with pytest.raises(XeroTimeout):
        client.request("GET", "Invoices", tenant="t")
    assert len(fake.api_calls) == 4


VALIDATION = {
    "ErrorNumber": 10,
    "Type": "ValidationException",
    "Message": "A validation exception occurred",
    "Elements": [
        {
            "InvoiceNumber": "INV-1",
            "ValidationErrors": [{"Message": "Invoice # must be unique."}],
        },
        {"ValidationErrors": [{"Message": "Account code '476' is not valid"}]},
    ],
}


def test_a_400_is_never_retried_and_keeps_each_records_messages(fake: FakeXero) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [answer(400, VALIDATION)] * 3
    with pytest.raises(RecordRejected) as caught:
        client.request("PUT", "Invoices", tenant="t", json={}, idempotency_key="k")
    assert len(fake.api_calls) == 1
    error = caught.value
    assert error.messages == ["Invoice # must be unique.", "Account code '476' is not valid"]
    assert error.elements[0]["InvoiceNumber"] == "INV-1"
    assert "Invoice # must be unique." in str(error)
    assert error.response is not None
    assert error.response.status == 400


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (
            answer(
                400,
                {"ErrorNumber": 16, "Type": "QueryParseException", "Message": "No property 'hi'"},
            ),
            QueryRejected,
        ),
        (answer(404, headers={"content-type": "text/html"}), NotFound),
        (
            answer(
                403, {"Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"}
            ),
            TenantNotConnected,
        ),
        (
            answer(
                401,
                {"Title": "Unauthorized"},
                {"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
            ),
            InsufficientScope,
        ),
        (answer(412), RequestRejected),
    ],
)
def test_responses_become_errors_the_caller_can_act_on(
    fake: FakeXero, reply: object, error: type[Exception]
) -> None:
    client, _ = make_client(fake, tokens=fake.issue())
    fake.script = [reply]  # type: ignore[list-item]
    with pytest.raises(error):
        client.request("GET", "Invoices", tenant="t", params={"where": "hi==1"})
    assert len(fake.api_calls) == 1
    assert fake.refresh_calls == 0  # insufficient_scope is not cured by a refresh


def test_errors_keep_the_response_without_secrets(fake: FakeXero) -> None:
    tokens = fake.issue()
    client, _ = make_client(fake, tokens=tokens)
    fake.script = [answer(400, {**VALIDATION, "Echo": f"access_token={tokens.access_token}"})]
    with pytest.raises(RecordRejected) as caught:
        client.request("PUT", "Invoices", tenant="t", json={})
    error = caught.value
    assert error.response is not None
    everything = str(error) + repr(error) + repr(error.response) + str(error.response.headers)
    assert tokens.access_token not in everything
    assert "Invoice # must be unique." in error.response.body


def test_if_modified_since_and_idempotency_headers_are_sent(fake: FakeXero) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    client, _ = make_client(fake, tokens=fake.issue())
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=13)))
    client.request("GET", "Invoices", tenant="t", if_modified_since=moment, params={"page": "2"})
    sent = fake.api_calls[-1]
    assert sent.headers["if-modified-since"] == "2026-02-28T20:30:00Z"
    assert sent.url.params["page"] == "2"
    assert sent.url.path == "/api.xro/2.0/Invoices"
    assert sent.headers["accept"] == "application/json"
    assert moment.astimezone(UTC).hour == 20
