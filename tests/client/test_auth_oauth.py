"""Sign-in pieces against a MockTransport token endpoint: authorize URL with state + PKCE S256,
the callback check, code exchange, client authentication, scopes derived from the sync."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs

import httpx
import pytest

from tests.client.core_doubles import CLIENT_ID, CLIENT_SECRET, FakeXero, config, make_client
from xerosync.clock import FakeClock
from xerosync.errors import AuthError, ConfigError, NeedsReauth
from xerosync.xero import MemoryTokenStore, XeroClient, XeroConfig, scopes_for
from xerosync.xero.auth.oauth import XeroOAuth


def test_authorization_url_carries_state_and_an_s256_challenge(clock: FakeClock) -> None:
    client, _ = make_client(FakeXero(clock))
    start = client.oauth.authorization_request(scopes=["offline_access", "accounting.contacts"])
    url = httpx.URL(start.url)
    q = url.params
    assert str(url).startswith("https://xero.test/identity/connect/authorize?")
    assert q["response_type"] == "code"
    assert q["client_id"] == CLIENT_ID
    assert q["redirect_uri"] == "http://localhost:8000/callback"
    assert q["scope"] == "accounting.contacts offline_access"
    assert q["state"] == start.state
    assert len(start.state) >= 32
    assert q["code_challenge_method"] == "S256"
    digest = hashlib.sha256(start.code_verifier.encode()).digest()
    assert q["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert start.code_verifier not in start.url
    other = client.oauth.authorization_request()
    assert other.state != start.state
    assert other.code_verifier != start.code_verifier


def test_finish_exchanges_the_code_with_basic_auth_and_the_verifier(clock: FakeClock) -> None:
    seen: list[httpx.Request] = []
    fake = FakeXero(clock)

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return fake(request)

    oauth = XeroOAuth(config(), httpx.Client(transport=httpx.MockTransport(spy)), clock)
    start = oauth.authorization_request()
    tokens = oauth.finish(f"http://localhost:8000/callback?code=abc&state={start.state}", start)
    assert tokens.refresh_token in fake.refresh_tokens
    form = parse_qs(seen[0].content.decode())
    assert form["grant_type"] == ["authorization_code"]
    assert form["code"] == ["abc"]
    assert form["code_verifier"] == [start.code_verifier]
    assert form["redirect_uri"] == ["http://localhost:8000/callback"]
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert seen[0].headers["authorization"] == f"Basic {basic}"
    assert "client_secret" not in form


def test_a_public_client_sends_its_id_in_the_form(clock: FakeClock) -> None:
    seen: list[httpx.Request] = []
    fake = FakeXero(clock)

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return fake(request)

    public = XeroConfig.for_emulator("https://xero.test", client_id="PUB", redirect_uri="x:/cb")
    oauth = XeroOAuth(public, httpx.Client(transport=httpx.MockTransport(spy)), clock)
    start = oauth.authorization_request()
    oauth.finish(f"x:/cb?code=abc&state={start.state}", start)
    assert "authorization" not in seen[0].headers
    assert parse_qs(seen[0].content.decode())["client_id"] == ["PUB"]


@pytest.mark.parametrize(
    ("query", "message"),
    [("code=abc&state=forged", "state"), ("error=access_denied&state=S", "did not grant")],
)
def test_a_bad_callback_is_refused_before_any_exchange(
    clock: FakeClock, query: str, message: str
) -> None:
    fake = FakeXero(clock)
    client, _ = make_client(fake)
    start = client.oauth.authorization_request(state="S")
    with pytest.raises(AuthError, match=message):
        client.oauth.finish(f"http://localhost:8000/callback?{query}", start)
    assert fake.refresh_calls == 0


def test_authorization_needs_a_redirect_uri(clock: FakeClock) -> None:
    cfg = XeroConfig(client_id="X")
    client = XeroClient(cfg, token_store=MemoryTokenStore())
    with pytest.raises(ConfigError, match="redirect_uri"):
        client.oauth.authorization_request()
    client.close()


def test_invalid_client_names_the_settings_to_check(clock: FakeClock) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client"})

    oauth = XeroOAuth(config(), httpx.Client(transport=httpx.MockTransport(refuse)), clock)
    with pytest.raises(AuthError, match="client_secret") as caught:
        oauth.refresh("RT-1")
    assert not isinstance(caught.value, NeedsReauth)


def test_revoke_forgets_the_tokens(clock: FakeClock) -> None:
    fake = FakeXero(clock)
    client, store = make_client(fake, tokens=fake.issue())
    client.revoke()
    assert store.load("default") is None
    with pytest.raises(NeedsReauth):
        client.request("GET", "Invoices", tenant="t")


@pytest.mark.parametrize(
    ("needs", "vocabulary", "expected"),
    [
        (
            {"invoices": "write", "contacts": "write"},
            "broad",
            {"accounting.transactions", "accounting.contacts", "offline_access"},
        ),
        (
            {"invoices": "read", "accounts": "read"},
            "broad",
            {"accounting.transactions.read", "accounting.settings.read", "offline_access"},
        ),
        (
            {"invoices": "write", "payments": "read", "bank_transactions": "write"},
            "granular",
            {
                "accounting.invoices",
                "accounting.payments.read",
                "accounting.banktransactions",
                "offline_access",
            },
        ),
        (
            {"invoices": "write", "credit_notes": "read"},  # one scope covers both
            "granular",
            {"accounting.invoices", "offline_access"},
        ),
        ({"journals": "read"}, "broad", {"accounting.journals.read", "offline_access"}),
        ({"reports": "read"}, "broad", {"accounting.reports.read", "offline_access"}),
    ],
)
def test_scopes_follow_what_the_sync_needs(
    needs: dict[str, str], vocabulary: str, expected: set[str]
) -> None:
    assert scopes_for(needs, vocabulary=vocabulary) == expected  # type: ignore[arg-type]


def test_granular_reports_and_identity_scopes() -> None:
    scopes = scopes_for(["reports"], vocabulary="granular", openid=True, offline=False)
    assert "accounting.reports.read" not in scopes
    assert {
        "accounting.reports.balancesheet.read",
        "accounting.reports.profitandloss.read",
    } <= scopes
    assert {"openid", "profile", "email"} <= scopes
    assert "offline_access" not in scopes


def test_unknown_entities_are_refused() -> None:
    with pytest.raises(ValueError, match="widgets"):
        scopes_for(["widgets"])


def test_the_config_asks_for_what_the_sync_needs_in_its_vocabulary() -> None:
    base = XeroConfig(client_id="X", scope_vocabulary="granular")
    cfg = base.for_sync({"invoices": "write", "contacts": "read"})
    assert cfg.scopes == ("accounting.contacts.read", "accounting.invoices", "offline_access")
    assert base.scopes != cfg.scopes  # a copy; the original is unchanged
    broad = XeroConfig(client_id="X").for_sync({"invoices": "write"})
    assert broad.scopes == ("accounting.transactions", "offline_access")
