"""A browser and an OAuth client in a few functions, for driving the emulator's identity server
over real HTTP: open the consent page, read its form, submit it, exchange the code."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from tests.conftest import RunningEmulator

DEMO_REDIRECT = "http://localhost:8000/callback"

# One client for every test: building an httpx.Client costs ~50 ms (its SSL context).
HTTP = httpx.Client(timeout=10)


@dataclass
class ConsentForm:
    """The consent page's form, as a browser sees it."""

    action: str = ""
    method: str = ""
    hidden: list[tuple[str, str]] = field(default_factory=list)
    tenants: dict[str, bool] = field(default_factory=dict)  # tenant id -> ticked
    buttons: dict[str, str] = field(default_factory=dict)  # value -> name

    def submission(self, decision: str, tenants: list[str] | None = None) -> list[tuple[str, str]]:
        chosen = tenants if tenants is not None else [t for t, on in self.tenants.items() if on]
        return [*self.hidden, *(("tenant", t) for t in chosen), (self.buttons[decision], decision)]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form = ConsentForm()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form.action, self.form.method = a.get("action", ""), a.get("method", "")
        elif tag == "input" and a.get("type") == "hidden":
            self.form.hidden.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") == "checkbox":
            self.form.tenants[a["value"]] = "checked" in a
        elif tag == "button" and a.get("type") == "submit":
            self.form.buttons[a["value"]] = a["name"]


def parse_consent(html: str) -> ConsentForm:
    parser = _FormParser()
    parser.feed(html)
    return parser.form


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(
    client_id: str,
    *,
    scope: str = "openid profile email offline_access accounting.settings",
    redirect_uri: str = DEMO_REDIRECT,
    state: str = "s-123",
    challenge: str | None = None,
    **extra: str,
) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
    }
    if challenge is not None:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra)
    return params


def open_consent(emulator: RunningEmulator, params: dict[str, str]) -> httpx.Response:
    return HTTP.get(f"{emulator.base_url}/identity/connect/authorize", params=params)


def submit_consent(
    emulator: RunningEmulator,
    page: httpx.Response,
    decision: str = "approve",
    tenants: list[str] | None = None,
) -> httpx.Response:
    form = parse_consent(page.text)
    assert form.method == "post"
    return HTTP.post(
        f"{emulator.base_url}{form.action}",
        content=urlencode(form.submission(decision, tenants)),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def redirect_params(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """Where a 302 sends the browser: (URL without query, its single-valued query)."""
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    return f"{location.scheme}://{location.netloc}{location.path}", query


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def token_request(
    emulator: RunningEmulator, form: dict[str, str], headers: dict[str, str] | None = None
) -> httpx.Response:
    return HTTP.post(f"{emulator.base_url}/connect/token", data=form, headers=headers)


@dataclass
class DemoApp:
    client_id: str
    secret: str


def demo_app(emulator: RunningEmulator) -> DemoApp:
    config = emulator.state.config
    return DemoApp(config.demo_client_id, config.demo_client_secret)


def new_tenant(emulator: RunningEmulator, name: str) -> str:
    created = HTTP.post(f"{emulator.base_url}/_emulator/tenants", json={"name": name})
    tenant_id: str = created.json()["tenant_id"]
    return tenant_id


def sign_in(
    emulator: RunningEmulator,
    *,
    scope: str = "openid profile email offline_access accounting.settings",
    tenants: list[str] | None = None,
) -> dict[str, Any]:
    """The whole browser round trip with PKCE and a confidential client; returns the tokens."""
    app = demo_app(emulator)
    verifier, challenge = pkce_pair()
    page = open_consent(emulator, authorize_params(app.client_id, scope=scope, challenge=challenge))
    _, query = redirect_params(submit_consent(emulator, page, tenants=tenants))
    response = token_request(
        emulator,
        {
            "grant_type": "authorization_code",
            "code": query["code"],
            "redirect_uri": DEMO_REDIRECT,
            "code_verifier": verifier,
        },
        basic(app.client_id, app.secret),
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def refresh(emulator: RunningEmulator, refresh_token: str) -> httpx.Response:
    app = demo_app(emulator)
    return token_request(
        emulator,
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": app.client_id,
            "client_secret": app.secret,
        },
    )


def api_get(
    emulator: RunningEmulator, path: str, access_token: str, tenant_id: str
) -> httpx.Response:
    return HTTP.get(
        f"{emulator.api_url}/{path}",
        headers={"Authorization": f"Bearer {access_token}", "xero-tenant-id": tenant_id},
    )
