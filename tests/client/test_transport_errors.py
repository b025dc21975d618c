"""The edge: httpx failures translated, responses kept for diagnosis with secrets removed."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from xerosync.errors import (
    RateLimited,
    RawResponse,
    RecordRejected,
    XeroConnectionError,
    XeroError,
    XeroTimeout,
    redact,
)
from xerosync.xero.transport import error_for, failure_kind, send


@pytest.mark.parametrize(
    ("text", "hidden", "kept"),
    [
        ('{"access_token": "eyJ.abc", "expires_in": 1800}', "eyJ.abc", "expires_in"),
        ('{"refresh_token":"rt-123","scope":"x"}', "rt-123", '"scope":"x"'),
        ("grant_type=refresh_token&refresh_token=rt-9&client_secret=shh", "rt-9", "grant_type"),
        ("client_secret=shh&x=1", "shh", "x=1"),
        ("Authorization: Bearer abc.def-ghi", "abc.def-ghi", "Authorization"),
        ("basic ZGVtbzpzZWNyZXQ=", "ZGVtbzpzZWNyZXQ=", "basic"),
        ('{"Code": "200", "Name": "Sales"}', "[redacted]", '"Code": "200"'),  # Xero fields stay
    ],
)
def test_redact(text: str, hidden: str, kept: str) -> None:
    cleaned = redact(text)
    assert hidden not in cleaned
    assert kept in cleaned


def test_raw_response_drops_secret_headers_and_cuts_the_body() -> None:
    raw = RawResponse.build(
        "post",
        "https://x.test/connect/token?code=abc",
        400,
        {"Authorization": "Bearer t0k", "Xero-Correlation-Id": "corr-1", "Set-Cookie": "s=1"},
        "x" * 5000,
    )
    assert raw.headers["authorization"] == "[redacted]"
    assert raw.headers["set-cookie"] == "[redacted]"
    assert raw.correlation_id == "corr-1"
    assert "abc" not in raw.url
    assert len(raw.body) == 2000
    assert raw.method == "POST"


def test_a_token_cut_by_the_body_limit_is_still_redacted() -> None:
    token = "eyJ" + "k" * 3000  # a JWT-sized access token straddling the 2,000-character cut
    body = f'{{"id_token": "idt", "access_token": "{token}", "expires_in": 1800}}'
    raw = RawResponse.build("POST", "https://x.test/connect/token", 200, {}, body)
    assert "eyJk" not in raw.body
    assert "kkkk" not in raw.body
    assert len(raw.body) <= 2000


def test_error_strings_carry_context_but_no_secrets() -> None:
    raw = RawResponse.build("GET", "https://x.test/a", 503, {"xero-correlation-id": "c-9"})
    error = XeroError("refresh_token=rt-secret failed", response=raw, tenant="t-1")
    assert str(error) == "refresh_token=[redacted] failed (status=503, tenant=t-1, request_id=c-9)"
    assert "rt-secret" not in repr(error)
    limited = RateLimited(scope="day", tenant="t")
    assert "scope=day" in str(limited)
    assert "schedule the work again" in str(limited)  # the docstring says what to do
    assert "`scope` is" not in str(limited)  # only its first paragraph


def test_default_messages_come_from_the_docstring() -> None:
    assert str(RecordRejected()).startswith("Xero's validation refused")


@pytest.mark.parametrize(
    ("exc", "error", "kind"),
    [
        (httpx.ConnectTimeout, XeroTimeout, "timeout"),
        (httpx.ReadTimeout, XeroTimeout, "timeout"),
        (httpx.ConnectError, XeroConnectionError, "connect"),
        (httpx.RemoteProtocolError, XeroConnectionError, "lost"),
        (httpx.ReadError, XeroConnectionError, "lost"),
    ],
)
def test_httpx_failures_are_translated(
    exc: type[httpx.TransportError], error: type[XeroConnectionError], kind: str
) -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise exc("boom", request=request)

    http = httpx.Client(transport=httpx.MockTransport(boom))
    with pytest.raises(error) as caught:
        send(http, http.build_request("GET", "https://x.test/api.xro/2.0/Invoices"))
    assert type(caught.value) is error
    assert caught.value.__cause__ is None  # httpx's exception holds the Authorization header
    assert exc.__name__ in str(caught.value)
    assert failure_kind(caught.value) == kind


def test_a_plain_text_404_and_a_legacy_429_body_still_map() -> None:
    request = httpx.Request("GET", "https://x.test/api.xro/2.0/Invoices/nope")
    not_found = httpx.Response(
        404, text="The resource you're looking for cannot be found", request=request
    )
    assert type(error_for(not_found, tenant="t")).__name__ == "NotFound"
    legacy = httpx.Response(
        429,
        text="oauth_problem=rate%20limit%20exceeded",
        headers={"content-type": "text/html", "X-Rate-Limit-Problem": "Minute"},
        request=request,
    )
    mapped = error_for(legacy, tenant="t")
    assert isinstance(mapped, RateLimited)
    assert mapped.scope == "minute"


def test_a_rejected_records_echoed_amounts_stay_decimal() -> None:
    request = httpx.Request("PUT", "https://x.test/api.xro/2.0/Invoices")
    body = (
        '{"Type": "ValidationException", "Message": "A validation exception occurred",'
        ' "Elements": [{"Total": 1234567.891, "LineItems": [{"UnitAmount": 0.1}],'
        ' "ValidationErrors": [{"Message": "Account code must be specified"}]}]}'
    )
    rejected = error_for(httpx.Response(400, text=body, request=request), tenant="t")
    assert isinstance(rejected, RecordRejected)
    element = rejected.elements[0]
    assert element["Total"] == Decimal("1234567.891")
    assert element["LineItems"][0]["UnitAmount"] == Decimal("0.1")
    assert rejected.messages == ["Account code must be specified"]
