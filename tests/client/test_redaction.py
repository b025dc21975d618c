"""Redaction by value and by shape: the secrets the client holds are blanked wherever a server
echoes them, and tokens are recognised unlabelled (JWTs), in any quoting and in camelCase."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.client.hostile_server import Received, Reply, hostile_server
from xerosync.errors import RawResponse, RecordRejected, XeroUnavailable
from xerosync.redaction import forget_secrets, redact, remember_secrets
from xerosync.xero import MemoryTokenStore, TokenSet, XeroClient, XeroConfig
from xerosync.xero.auth.tokens import DEFAULT_KEY

OPAQUE = "opaque-Refresh-9f8e7d6c5b4a"


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


JWT = ".".join(
    (_b64({"alg": "RS256", "typ": "JWT"}), _b64({"sub": "x" * 300, "aud": "app"}), "sig" * 40)
)


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


@pytest.mark.parametrize(
    "text",
    [
        "{'access_token': 'abcdefgh123', 'expires_in': 1800}",  # Python dict text
        '{"Message": "{\\"refresh_token\\": \\"abcdefgh123\\"}"}',  # escaped JSON in a string
        '{"accessToken": "abcdefgh123"}',  # camelCase
        '{"RefreshToken":"abcdefgh123"}',  # PascalCase
        "clientSecret=abcdefgh123&x=1",
        f"token {JWT} echoed",  # an unlabelled JWT
        f"cut short: {JWT[:40]}",  # a JWT cut by a length limit
    ],
)
def test_tokens_are_found_in_any_quoting_and_spelling(text: str) -> None:
    cleaned = redact(text)
    assert "abcdefgh123" not in cleaned
    assert JWT[:20] not in cleaned
    assert "[redacted]" in cleaned


def test_known_secret_values_are_blanked_unlabelled_and_as_echoed() -> None:
    remember_secrets(OPAQUE, "with/slash+plus=secret")
    text = f"bad grant {OPAQUE}; form token%3D with%2Fslash%2Bplus%3Dsecret; json with\\/slash"
    cleaned = redact(text)
    assert OPAQUE not in cleaned
    assert "with%2Fslash%2Bplus%3Dsecret" not in cleaned
    assert "bad grant" in cleaned


def test_xero_fields_stay_readable() -> None:
    text = '{"Code": "200", "Name": "Sales", "Type": "REVENUE", "TokenType": 1}'
    assert redact(text).startswith('{"Code": "200", "Name": "Sales"')


def test_a_rejected_records_elements_are_redacted() -> None:
    remember_secrets(OPAQUE)
    error = RecordRejected(
        "refused",
        elements=[
            {
                "Reference": OPAQUE,
                "access_token": "zzzzzzzzzz",
                "ValidationErrors": [{"Message": JWT}],
            }
        ],
    )
    text = json.dumps(error.elements) + repr(error) + str(error.messages)
    assert OPAQUE not in text
    assert "zzzzzzzzzz" not in text
    assert JWT[:20] not in text


def test_a_jwt_echoed_in_a_500_is_in_neither_message_nor_body() -> None:
    def script(request: Received) -> Reply:
        body = f"Internal error while validating {JWT} for tenant".encode()
        return Reply(500, body, {"Content-Type": "text/plain"})

    with hostile_server(script) as server:
        settings = XeroConfig.for_emulator(server.url, client_id="app", max_attempts=1)
        store = MemoryTokenStore()
        store.save(DEFAULT_KEY, TokenSet(OPAQUE + "-AT", OPAQUE, _far()))
        client = XeroClient(settings, token_store=store)
        with pytest.raises(XeroUnavailable) as caught:
            client.request("GET", "Invoices", tenant="t")
    error = caught.value
    assert error.response is not None
    everything = str(error) + repr(error) + repr(error.response)
    assert JWT[:12] not in everything
    assert "Internal error while validating" in str(error)


def test_raw_response_blanks_a_known_secret_straddling_the_cut() -> None:
    remember_secrets(OPAQUE)
    body = "x" * (2000 - 10) + OPAQUE
    raw = RawResponse.build("GET", "https://x.test/", 500, {"Location": f"/cb?x={OPAQUE}"}, body)
    assert OPAQUE[:10] not in raw.body
    assert OPAQUE not in raw.headers["location"]


def _far() -> datetime:
    return datetime.now(UTC) + timedelta(hours=1)
