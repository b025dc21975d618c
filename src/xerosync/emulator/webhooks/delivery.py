"""One signed POST to a receiver, and what came of it: the dispatcher's only I/O.

A delivery is accepted on any 2xx within the timeout (Xero: 5 seconds, the setting
`webhook_timeout`). Timeouts, refused connections and other transport errors are
failures like a non-2xx answer; their messages never include the key or signature.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from xerosync.emulator.webhooks.events import CONTENT_TYPE, SIGNATURE_HEADER


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None
    seconds: float

    @property
    def accepted(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300


def post(client: httpx.Client, url: str, body: bytes, signature: str, timeout: float) -> Outcome:
    """POST `body` with its signature; time it against `timeout` (a wall-clock budget)."""
    headers = {"content-type": CONTENT_TYPE, SIGNATURE_HEADER: signature}
    started = time.perf_counter()
    try:
        response = client.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        return Outcome(None, f"no answer within {timeout:g} s", time.perf_counter() - started)
    except httpx.TransportError as exc:
        return Outcome(
            None, f"could not deliver: {type(exc).__name__}", time.perf_counter() - started
        )
    elapsed = time.perf_counter() - started
    if elapsed > timeout:
        return Outcome(
            response.status_code, f"answered after {elapsed:.2f} s (limit {timeout:g} s)", elapsed
        )
    return Outcome(response.status_code, None, elapsed)


class Sender:
    """Posts for one pump; opens its HTTP client only if something is actually sent."""

    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        self._transport = transport
        self._client: httpx.Client | None = None

    def post(self, url: str, body: bytes, signature: str, timeout: float) -> Outcome:
        if self._client is None:
            # never follow redirects: the answer must come from the configured receiver
            self._client = httpx.Client(
                transport=self._transport, follow_redirects=False, trust_env=False
            )
        return post(self._client, url, body, signature, timeout)

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
