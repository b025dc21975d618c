"""Every error xerosync raises, grouped by what the caller should do about it.

    XerosyncError                      anything raised by xerosync
    ├── ConfigError                    a setting is missing or unsafe: fix the configuration
    ├── ConflictNeedsPerson            the app and Xero disagree and a rule says a person decides
    └── XeroError                      Xero (or the network to it) said no; carries `.response`
        ├── AuthError                  the call was not authorised
        │   ├── NeedsReauth            the grant is dead (invalid_grant, revoked): a person must reconnect
        │   ├── InsufficientScope      the token lacks a scope: reconnect asking for more scopes
        │   └── TenantNotConnected     403: the organisation is not connected (or was disconnected)
        ├── RequestRejected            Xero refused this request as sent: do not retry it unchanged
        │   ├── RecordRejected         400 ValidationException, with per-record `elements`
        │   ├── QueryRejected          400 QueryParseException: a bad `where`/`order`
        │   └── NotFound               404
        ├── RateLimited                429 that cannot be waited out here (`scope`, `until`)
        ├── ResponseTooLarge           the answer passed the client's size cap: not read, not retried
        ├── BatchMismatch              a batch write answered with a different number of records
        ├── UnreadableRecord           one record of a page could not be read (`raw`, `reason`)
        └── RetryableError             try again later (the client already retried what it could)
            ├── XeroUnavailable        5xx after the client's retries (maintenance, org offline)
            ├── UnreadableResponse     a 2xx whose body is not the JSON Xero sends (cut short?)
            └── XeroConnectionError    no usable response: connection refused, reset, lost
                └── XeroTimeout        connect/read/write/pool timeout

Every `XeroError` keeps a `RawResponse`: method, URL, status, headers and the start of the
body, with the Authorization header, tokens and client secrets removed (by value and by
shape: `xerosync.redaction`), so it can be logged and shown as it is. Messages and a
`RecordRejected`'s `elements` are redacted the same way; no error chains the httpx
exception (its request holds the Authorization header).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from xerosync.redaction import redact, redact_data

__all__ = [
    "AuthError",
    "BatchMismatch",
    "ConfigError",
    "ConflictNeedsPerson",
    "InsufficientScope",
    "NeedsReauth",
    "NotFound",
    "QueryRejected",
    "RateLimited",
    "RawResponse",
    "RecordRejected",
    "RequestRejected",
    "ResponseTooLarge",
    "RetryableError",
    "TenantNotConnected",
    "UnreadableRecord",
    "UnreadableResponse",
    "XeroConnectionError",
    "XeroError",
    "XeroTimeout",
    "XeroUnavailable",
    "XerosyncError",
    "redact",
]

_BODY_LIMIT = 2000
_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-xero-signature"}
)


@dataclass(frozen=True)
class RawResponse:
    """What Xero answered, safe to log: secrets removed, body cut to 2,000 characters."""

    method: str
    url: str
    status: int | None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = ""

    @classmethod
    def build(
        cls,
        method: str,
        url: str,
        status: int | None,
        headers: Mapping[str, str] | None = None,
        body: str = "",
    ) -> RawResponse:
        kept = {
            k.lower(): ("[redacted]" if k.lower() in _SECRET_HEADERS else redact(v))
            for k, v in (headers or {}).items()
        }
        # whole body first (a known secret cut in two would no longer match), then the cut
        # once more (a secret-named value or JWT the cut left open)
        return cls(method.upper(), redact(url), status, kept, redact(redact(body)[:_BODY_LIMIT]))

    @property
    def correlation_id(self) -> str | None:
        """Xero's id for the request (quote it to Xero support)."""
        return self.headers.get("xero-correlation-id") or self.headers.get("request-id")


def _default_message(cls: type) -> str:
    """The first paragraph of the class docstring: what happened and what to do."""
    first = (cls.__doc__ or cls.__name__).strip().split("\n\n")[0]
    return " ".join(first.split())


class XerosyncError(Exception):
    """Something went wrong in xerosync."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _default_message(type(self)))


class ConfigError(XerosyncError):
    """A setting is missing or unsafe; the message names the setting to fix."""


class ConflictNeedsPerson(XerosyncError):
    """The app and Xero changed the same field and the conflict rule says a person decides."""


class XeroError(XerosyncError):
    """Xero refused the call or could not be reached."""

    def __init__(
        self,
        message: str | None = None,
        *,
        response: RawResponse | None = None,
        tenant: str | None = None,
    ) -> None:
        super().__init__(redact(message) if message else None)
        self.response = response
        self.tenant = tenant

    @property
    def http_status(self) -> int | None:
        return self.response.status if self.response else None

    @property
    def request_id(self) -> str | None:
        return self.response.correlation_id if self.response else None

    def __str__(self) -> str:
        text = super().__str__()
        extra = [
            f"{name}={value}"
            for name, value in (
                ("status", self.http_status),
                ("tenant", self.tenant),
                ("request_id", self.request_id),
            )
            if value is not None
        ]
        return f"{text} ({', '.join(extra)})" if extra else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class AuthError(XeroError):
    """Xero did not accept the credentials for this call."""


class NeedsReauth(AuthError):
    """The connection's grant is dead (invalid_grant, revoked or expired refresh token): a
    person must connect the organisation again; retrying will not help."""


class InsufficientScope(AuthError):
    """The access token lacks a scope this call needs; reconnect asking for the scope."""


class TenantNotConnected(AuthError):
    """Xero answered 403: the organisation is not connected to this app (or the user lost access)."""


class RequestRejected(XeroError):
    """Xero refused the request as sent (4xx); sending it again unchanged will fail again."""


class RecordRejected(RequestRejected):
    """Xero's validation refused the record(s); `elements` holds each one's messages."""

    def __init__(
        self,
        message: str | None = None,
        *,
        elements: Sequence[Mapping[str, Any]] = (),
        response: RawResponse | None = None,
        tenant: str | None = None,
    ) -> None:
        super().__init__(message, response=response, tenant=tenant)
        self.elements: list[Any] = redact_data(list(elements))

    @property
    def messages(self) -> list[str]:
        """Every validation message, in order."""
        return [
            str(err.get("Message", ""))
            for element in self.elements
            for err in element.get("ValidationErrors", []) or []
        ]


class QueryRejected(RequestRejected):
    """Xero could not parse the query (`where`, `order`): fix the filter expression."""


class NotFound(RequestRejected):
    """Xero has no such resource (404)."""


class RateLimited(XeroError):
    """A rate limit is spent and will not reset soon enough to wait here: schedule the work
    again after `until`.

    `scope` is "minute", "day", "concurrent" or "appminute"; `until` is when the limit resets."""

    def __init__(
        self,
        message: str | None = None,
        *,
        scope: str,
        until: datetime | None = None,
        response: RawResponse | None = None,
        tenant: str | None = None,
    ) -> None:
        super().__init__(message, response=response, tenant=tenant)
        self.scope = scope
        self.until = until

    def __str__(self) -> str:
        until = f" until {self.until.isoformat()}" if self.until else ""
        return f"{super().__str__()} [scope={self.scope}{until}]"


class ResponseTooLarge(XeroError):
    """Xero's answer was larger than `XeroConfig.max_response_bytes` (decoded); it was not
    read. Ask for less (smaller pages, a narrower filter) rather than retrying."""


class BatchMismatch(XeroError):
    """Xero answered a batch write with a different number of records than were sent, so the
    answers cannot be matched to the records. Some may have been written: look them up in
    Xero (by number or reference) before sending them again."""

    def __init__(
        self,
        message: str | None = None,
        *,
        sent: int,
        answered: int,
        response: RawResponse | None = None,
        tenant: str | None = None,
    ) -> None:
        super().__init__(message, response=response, tenant=tenant)
        self.sent = sent
        self.answered = answered


class RetryableError(XeroError):
    """A temporary failure: schedule the call again later."""


class XeroUnavailable(RetryableError):
    """Xero answered 5xx (maintenance, organisation offline) and kept doing so through retries."""


class XeroConnectionError(RetryableError):
    """No usable response from Xero: the connection failed, was reset, or the response was lost.

    `reason` says which: "connect" (nothing was sent), "lost" or "timeout"."""

    def __init__(
        self,
        message: str | None = None,
        *,
        reason: str = "lost",
        response: RawResponse | None = None,
        tenant: str | None = None,
    ) -> None:
        super().__init__(message, response=response, tenant=tenant)
        self.reason = reason


class XeroTimeout(XeroConnectionError):
    """Xero did not answer in time."""

    def __init__(
        self,
        message: str | None = None,
        *,
        reason: str = "timeout",
        response: RawResponse | None = None,
        tenant: str | None = None,
    ) -> None:
        super().__init__(message, reason=reason, response=response, tenant=tenant)


class UnreadableResponse(RetryableError):
    """Xero answered 2xx with a body that is not the JSON it sends (cut short, or not JSON at
    all); the call may be tried again."""


class UnreadableRecord(XeroError):
    """One record Xero sent could not be read into its model; the rest of its page was.

    `raw` is the record as Xero sent it, `reason` what was wrong, `record_id` its Xero id when
    it has one. Sync quarantines it and goes on."""

    def __init__(
        self,
        message: str | None = None,
        *,
        raw: Mapping[str, Any],
        reason: str,
        record_id: str | None = None,
        tenant: str | None = None,
    ) -> None:
        super().__init__(message, tenant=tenant)
        self.raw = raw
        self.reason = reason
        self.record_id = record_id
