"""The browser suite: the app served in-process on a free port, driven by Debian's Chromium.

It runs only when BROKERAGE_E2E is set (`make e2e` sets it, after installing Chromium,
poppler-utils and axe-core); a plain `make test` skips it with a message saying so. The app
gets a fresh SQLite file built by the migrations, CSRF on, no Redis (schedule runs are
threads of this process) and the e-mail outbox in memory, which the tests read for
verification links.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser, BrowserContext, Page

E2E_DIR = Path(__file__).resolve().parent
ROOT = E2E_DIR.parent.parent
ENABLE_VARIABLE = "BROKERAGE_E2E"
CHROMIUM = Path(os.environ.get("BROKERAGE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
AXE_SCRIPT = E2E_DIR / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = Path(
    os.environ.get("BROKERAGE_E2E_SCREENSHOTS", ROOT / "build" / "e2e-screenshots")
)
# Generous: the machine is shared, and a PDF of a page or a schedule run takes seconds.
TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1280, "height": 900}


def _skip_reason() -> str | None:
    if os.environ.get(ENABLE_VARIABLE):
        return None
    if not CHROMIUM.exists():
        return "browser suite skipped: run `make e2e` (Chromium not installed)"
    return f"browser suite skipped: run `make e2e` ({ENABLE_VARIABLE} is set by make e2e)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ours = [item for item in items if E2E_DIR in item.path.parents]
    if not ours:
        return
    reason = _skip_reason()
    if reason is not None:
        for item in ours:
            item.add_marker(pytest.mark.skip(reason=reason))
        return
    problems = []
    if not CHROMIUM.exists():
        problems.append(
            f"Chromium is not installed at {CHROMIUM}: `apt-get install -y chromium "
            "chromium-driver`, or run `make e2e`, which installs it"
        )
    if shutil.which("pdftoppm") is None:
        problems.append(
            "pdftoppm is missing (it renders the printed badge for the QR scan): "
            "`apt-get install -y poppler-utils`, or run `make e2e`, which installs it"
        )
    if not AXE_SCRIPT.exists():
        problems.append(
            f"axe-core is missing ({AXE_SCRIPT}): run `npm ci` in {AXE_SCRIPT.parents[2]}"
        )
    if problems:
        raise pytest.UsageError(f"{ENABLE_VARIABLE} is set, but " + "; ".join(problems) + ".")


# --- the server ---------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    url: str

    def outbox_links(self, to: str, path_part: str) -> list[str]:
        """Links containing `path_part` in the e-mails sent so far to `to`, oldest first."""
        import re

        from brokerage.mail import outbox

        found = []
        for mail in outbox(self.app):
            if mail.to == to:
                links = re.findall(r"https?://\S+", mail.text)
                found += [link for link in links if path_part in link]
        return found


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import flask_migrate
    from werkzeug.serving import make_server

    from brokerage import create_app
    from brokerage.extensions import db
    from config import TestConfig

    database = tmp_path_factory.mktemp("e2e-db") / "brokerage.sqlite"
    config = type(
        "BrowserSuiteConfig",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SERVER_NAME": None,  # the server answers on 127.0.0.1:<port>, not "localhost"
            "REDIS_URL": None,  # schedule runs in a thread of this process
            "WTF_CSRF_ENABLED": True,
        },
    )
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = url  # links in e-mails sent from the scheduler's thread
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=url)
    finally:
        server.shutdown()
        thread.join(timeout=30)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    if SCREENSHOT_DIR.exists():
        shutil.rmtree(SCREENSHOT_DIR)
    SCREENSHOT_DIR.mkdir(parents=True)
    return SCREENSHOT_DIR


class People:
    """One browser context (its own cookies) per person, opened on first use."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self._browser = browser
        self._base_url = base_url
        self._contexts: dict[str, BrowserContext] = {}
        self._pages: dict[str, Page] = {}

    def page(self, who: str) -> Page:
        if who not in self._pages:
            context = self._browser.new_context(
                base_url=self._base_url, viewport=VIEWPORT, accept_downloads=True, locale="en-GB"
            )
            context.set_default_timeout(TIMEOUT_MS)
            context.set_default_navigation_timeout(TIMEOUT_MS)
            self._contexts[who] = context
            self._pages[who] = context.new_page()
        return self._pages[who]

    def screenshot_all(self, directory: Path, prefix: str) -> None:
        """What each person's browser shows, to see why a step failed."""
        directory.mkdir(parents=True, exist_ok=True)
        for who, page in self._pages.items():
            try:
                page.screenshot(path=str(directory / f"{prefix}-{who}.png"), full_page=True)
            except Exception as error:  # the report must not hide the failure itself
                print(f"no screenshot of {who}'s page: {error}")

    def close(self) -> None:
        for context in self._contexts.values():
            context.close()


@pytest.fixture(scope="module")
def people(browser: Browser, live_server: LiveServer) -> Iterator[People]:
    crowd = People(browser, live_server.url)
    yield crowd
    crowd.close()


# --- one step after another -------------------------------------------------------------

_FAILED_STEP = pytest.StashKey[str]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed and E2E_DIR in item.path.parents:
        item.session.stash[_FAILED_STEP] = item.name
        crowd = getattr(item, "funcargs", {}).get("people")
        if isinstance(crowd, People):
            crowd.screenshot_all(SCREENSHOT_DIR, f"FAILED-{item.name}")
    return report


@pytest.fixture(autouse=True)
def _previous_steps_passed(request: pytest.FixtureRequest) -> None:
    """The journey's steps build on each other: after a failure, the rest is skipped."""
    failed = request.session.stash.get(_FAILED_STEP, None)
    if failed is not None:
        pytest.skip(f"an earlier step failed: {failed}")
