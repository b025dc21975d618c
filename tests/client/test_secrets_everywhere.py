"""Planted secrets against every error path of the client, over a real socket: a hostile Xero
that echoes whatever it was sent (tokens, the code, the verifier, the client's Basic
credential) into 400, 401, 500 and token-endpoint answers; a timeout; a corrupt token file.
None of the secrets may appear in the logs at DEBUG, in str()/repr() of any raised error, or
in any attribute reachable from it (response, elements, cause, context, args)."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.client.hostile_server import Received, Reply, hostile_server
from xerosync.errors import (
    NeedsReauth,
    RecordRejected,
    XeroError,
    XerosyncError,
    XeroTimeout,
    XeroUnavailable,
)
from xerosync.redaction import forget_secrets
from xerosync.xero import FileTokenStore, TokenSet, XeroClient, XeroConfig
from xerosync.xero.auth.tokens import DEFAULT_KEY, TokenStoreCorrupt


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


ACCESS = ".".join((_b64({"alg": "RS256"}), _b64({"xero_userid": "u" * 200}), "S1gnature" * 20))
REFRESH = "refresh-8c1f7e2a9b3d4c5e6f708192a3b4c5d6"
CLIENT_SECRET = "client-secret-Zq8Xw7Vu6Ts5Rq4Po3"
CODE = "auth-code-1a2b3c4d5e6f7a8b9c0d"


def _echo(request: Received) -> str:
    """Everything the request carried, as a careless server would echo it."""
    form = request.body.decode(errors="replace")
    return f"{request.headers.get('authorization', '')} {form} {json.dumps(form)}"


def hostile_xero(request: Received) -> Reply:
    path = request.path.split("?")[0]
    echoed = _echo(request)
    if path == "/connect/token":
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        body = {"error": "invalid_grant", "error_description": echoed, "echo": form}
        return Reply(400, json.dumps(body).encode(), {"Content-Type": "application/json"})
    if path.endswith("/Unauthorized"):
        body = {"Title": "Unauthorized", "Detail": f"TokenExpired {echoed}"}
        return Reply(401, json.dumps(body).encode(), {"Content-Type": "application/json"})
    if path.endswith("/Rejected"):
        element = {"Reference": echoed, "ValidationErrors": [{"Message": f"bad {echoed}"}]}
        body = {"Type": "ValidationException", "Message": echoed, "Elements": [element]}
        return Reply(400, json.dumps(body).encode(), {"Content-Type": "application/json"})
    if path.endswith("/Broken"):
        return Reply(500, f"NullReferenceException validating {echoed}".encode())
    if path.endswith("/Slow"):
        time.sleep(1.5)
        return Reply(200, b"{}")
    return Reply(404, echoed.encode())


def _strings(value: Any, seen: set[int], depth: int = 0) -> Iterator[str]:
    """Every string reachable from `value`: its str/repr, attributes, items, cause, context."""
    if id(value) in seen or depth > 8:
        return
    seen.add(id(value))
    yield str(value)
    yield repr(value)
    if isinstance(value, str | bytes | int | float | bool | type(None) | datetime):
        return
    if isinstance(value, BaseException):
        for linked in (value.__cause__, value.__context__, value.args):
            yield from _strings(linked, seen, depth + 1)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif hasattr(value, "__dict__"):
        value = vars(value)
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item, seen, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item, seen, depth + 1)


def test_no_error_path_leaks_a_planted_secret(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    forget_secrets()  # only what the client itself registers counts
    caplog.set_level(logging.DEBUG)
    errors: list[XerosyncError] = []

    def caught(kind: type[XerosyncError], call: Any) -> None:
        with pytest.raises(kind) as raised:
            call()
        errors.append(raised.value)

    with hostile_server(hostile_xero) as xero:
        config = XeroConfig.for_emulator(
            xero.url,
            client_id="app-id",
            client_secret=CLIENT_SECRET,
            redirect_uri="http://localhost/callback",
            timeout=0.5,
            max_attempts=1,
        )
        store = FileTokenStore(tmp_path / "tokens")
        client = XeroClient(config, token_store=store)

        start = client.oauth.authorization_request()
        callback = f"http://localhost/callback?code={CODE}&state={start.state}"
        caught(NeedsReauth, lambda: client.connect(callback, start))  # invalid_grant, echoed

        store.save(DEFAULT_KEY, TokenSet(ACCESS, REFRESH, datetime.now(UTC) + timedelta(hours=1)))
        caught(RecordRejected, lambda: client.request("PUT", "Rejected", tenant="t", json={}))
        caught(XeroUnavailable, lambda: client.request("GET", "Broken", tenant="t"))
        caught(XeroTimeout, lambda: client.request("GET", "Slow", tenant="t"))
        caught(NeedsReauth, lambda: client.request("GET", "Unauthorized", tenant="t"))
        caught(XeroError, lambda: client.request("GET", "Missing", tenant="t"))

        token_file = next((tmp_path / "tokens").glob("*.json"))
        token_file.write_text(token_file.read_text()[:-3])  # corrupt, refresh token inside
        client.tokens.forget(DEFAULT_KEY)  # as a new process would, read the store again
        caught(TokenStoreCorrupt, lambda: client.request("GET", "Invoices", tenant="t"))

    secrets = {
        "access token": ACCESS,
        "refresh token": REFRESH,
        "client secret": CLIENT_SECRET,
        "authorization code": CODE,
        "PKCE verifier": start.code_verifier,
        "Basic credential": base64.b64encode(f"app-id:{CLIENT_SECRET}".encode()).decode(),
    }
    assert len(errors) == 7
    for error in errors:
        text = "\n".join(_strings(error, set()))
        for name, secret in secrets.items():
            for fragment in (secret, secret[:16], secret[-16:]):
                assert fragment not in text, f"{name} in {type(error).__name__}: {text[:2000]}"
    logs = caplog.text + "".join(repr(vars(r)) for r in caplog.records)
    for name, secret in secrets.items():
        assert secret[:16] not in logs, f"{name} in the logs"
