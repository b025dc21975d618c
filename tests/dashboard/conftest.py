"""The dashboard in a real headless Chromium (Debian's, driven by Playwright; `playwright install`
is never run): one browser for the session, a fresh context (cookies) per test, and the real
service over HTTP in front of an emulator organisation connected through the consent flow.
Screenshots of each page go to artifacts/screenshots/<page>.png (or $XEROSYNC_SCREENSHOTS)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.client.emulator_oauth import SCOPES
from tests.conftest import IN_CI, EmulatorFactory
from tests.service.conftest import API_KEY, WEBHOOK_KEY, service_settings
from tests.sync import conftest as sync_fixtures
from tests.sync.conftest import TOKEN_KEYS, Harness, connect_harness
from xerosync.clock import FakeClock
from xerosync.emulator import EmulatorConfig
from xerosync.service import create_app
from xerosync.settings import Settings
from xerosync.store.db import Database
from xerosync.testing import serve

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

pg_database = sync_fixtures.pg_database
db_url = sync_fixtures.db_url
harness = sync_fixtures.harness

#: where screenshots go (.ci/run points this outside its throwaway clone, so they are kept)
SCREENSHOTS = Path(
    os.environ.get("XEROSYNC_SCREENSHOTS")
    or Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
)
#: contacts edited on both sides wait for a person (the conflicts page has work)
MANUAL_CONTACTS = {"rules": {"entities": {"contacts": "manual"}}}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    path = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extras install it
        path = None
    if path is None:
        message = "Debian's chromium (and playwright) are needed: apt-get install -y chromium"
        if IN_CI:
            pytest.fail(f"{message}. Under CI=true this is a failure, not a skip.")
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@dataclass
class Dashboard:
    """The service (with its dashboard) over a connected organisation, and a browser tab."""

    harness: Harness
    settings: Settings
    url: str
    page: Page
    wakes: list[tuple[str, str]]
    #: the HTML of every page the test looked at (checked for secrets afterwards)
    seen: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        self.page.goto(f"{self.url}{path}")
        self.seen.append(self.page.content())
        return self.page

    def sign_in(self, key: str = API_KEY) -> Page:
        self.page.goto(f"{self.url}/dashboard/login")
        self.page.fill("#key", key)
        self.page.get_by_role("button", name="Sign in").click()
        self.seen.append(self.page.content())
        return self.page

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def secrets(self) -> list[str]:
        """Every secret the service holds: none may reach a page."""
        tokens = self.harness.sync.client.tokens.store.load("default")
        assert tokens is not None
        return [
            *(k.get_secret_value() for k in self.settings.api_keys),
            self.settings.xero_client_secret.get_secret_value(),
            WEBHOOK_KEY,
            *TOKEN_KEYS,
            tokens.access_token,
            tokens.refresh_token or "",
        ]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(viewport={"width": 1280, "height": 900})
    yield made
    made.close()


@pytest.fixture
def dash(
    emulator_factory: EmulatorFactory, tmp_path: Path, clock: FakeClock, context: BrowserContext
) -> Iterator[Dashboard]:
    """On SQLite only, to keep the browser tests short: the store's queries behind the pages
    run on PostgreSQL too in test_health.py."""
    db_url = f"sqlite:///{tmp_path}/dashboard.db"
    Database(db_url).create_all()
    emulator = emulator_factory(EmulatorConfig(auto_approve=True))
    harness = connect_harness(
        emulator,
        db_url,
        clock,
        mapping=MANUAL_CONTACTS,
        scopes=(*SCOPES, "accounting.reports.read"),
    )
    settings = service_settings(db_url, emulator)
    wakes: list[tuple[str, str]] = []
    app = create_app(settings, sync=harness.sync, wake=lambda kind, c: wakes.append((kind, c)))
    with serve(app) as url:
        dashboard = Dashboard(harness, settings, url, context.new_page(), wakes)
        yield dashboard
    leaked = [s for s in dashboard.secrets() if s and any(s in html for html in dashboard.seen)]
    harness.sync.close()
    assert dashboard.seen, "the test looked at no page"
    assert not leaked, "a secret reached a dashboard page"
