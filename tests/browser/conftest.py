"""The local stack with the console, driven by Debian's headless Chromium through Playwright (never a browser
download). Part of `make test`, which installs Debian's chromium with apt-get when it is missing; skipped, with
the reason, only where Chromium is not installed (no root, no apt)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from mutasi.cli import stack

CHROMIUM = os.environ.get("MUTASI_CHROMIUM", "/usr/bin/chromium")
# No sync, no component updates, no first-run or background fetches: nothing may leave the machine.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
         "--disable-default-apps", "--disable-extensions"]  # fmt: skip
SCREENS = Path(".run/console-screens")
RUN_DIR = Path(".run/browser-stack")
LOCAL = {"127.0.0.1", "localhost"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"Chromium is not installed at {CHROMIUM} (`make chromium` installs Debian's package; needs root)"
    elif not _playwright_driver():
        reason = "Playwright's driver is missing from the virtual environment (make install)"
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def _playwright_driver() -> bool:
    try:
        import playwright

        return (Path(playwright.__file__).parent / "driver").exists()
    except ImportError:
        return False


class Requests:
    """Every request any page made; a request to another host is refused before it leaves and kept here."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.refused: list[str] = []

    @staticmethod
    def is_local(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL

    def route(self, route: Any) -> None:
        url = route.request.url
        self.urls.append(url)
        if self.is_local(url):
            route.continue_()
        else:
            self.refused.append(url)
            route.abort("blockedbyclient")


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def live_stack() -> Iterator[stack.StackState]:
    """Tansu, SecantusDB, the identity provider (mutasi.cli.idp), the four services, the mailbox and the console;
    their logs and the mailbox stay in `.run/browser-stack/` after the run."""
    run_dir = RUN_DIR.resolve()
    shutil.rmtree(run_dir, ignore_errors=True)
    state = stack.up(run_dir, lambda _: None, console=True)
    try:
        yield state
    finally:
        stack.down(run_dir)


@pytest.fixture(scope="package")
def requests_seen() -> Requests:
    return Requests()


@pytest.fixture(scope="package")
def screens() -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob("*.png"):
        old.unlink()
    return SCREENS
