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


def make_client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """A client that never follows redirects (a webhook answer is the receiver's own)."""
    return httpx.Client(transport=transport, follow_redirects=False, trust_env=False)
