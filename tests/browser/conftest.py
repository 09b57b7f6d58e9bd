"""The local stack with the console, driven by Debian's headless Chromium through Playwright (never a browser
download). Skipped, with the reason, where Chromium is not installed; `make test` installs it with apt-get."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from mutasi.cli import stack
from mutasi.cli.servers import free_port, spawn, wait_for_port

CHROMIUM = os.environ.get("MUTASI_CHROMIUM", "/usr/bin/chromium")
# No sync, no component updates, no first-run or background fetches: nothing may leave the machine.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
         "--disable-default-apps", "--disable-extensions"]  # fmt: skip
SCREENS = Path(".run/console-screens")
LOCAL = {"127.0.0.1", "localhost"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = None
    if os.environ.get("MUTASI_BROWSER_TESTS") != "1":
        reason = "browser tests run with `make browser` (MUTASI_BROWSER_TESTS=1); they need minutes on a loaded machine"
    elif not Path(CHROMIUM).exists():
        reason = f"Chromium is not installed at {CHROMIUM} (make test installs Debian's chromium with apt-get)"
    elif shutil.which("node") is None and not _playwright_driver():
        reason = "Playwright's driver is missing"
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
    """Every request any page made, to prove none left the machine."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def outside(self) -> list[str]:
        return [u for u in self.urls if urlsplit(u).scheme not in ("data", "blob", "about")
                and urlsplit(u).hostname not in LOCAL]  # fmt: skip


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def stack_has_a_provider() -> bool:
    return importlib.util.find_spec("mutasi.cli.idp") is not None


@pytest.fixture(scope="package")
def live_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[stack.StackState]:
    run_dir = tmp_path_factory.mktemp("console-stack")
    if stack_has_a_provider():
        state = stack.up(run_dir, lambda _: None, console=True)
        provider = None
    else:  # a stack without its own identity provider: the tests' provider signs the demo users in
        port = free_port()
        provider = spawn([sys.executable, "-m", "tests.support.oidc_provider", "--port", str(port)],
                         run_dir / "logs" / "idp.log")  # fmt: skip
        wait_for_port(port, 30, provider)
        state = stack.up(run_dir, lambda _: None, console=False)
        state.issuer = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
        stack.start_console(state, lambda _: None)
    try:
        yield state
    finally:
        stack.down(run_dir)
        if provider is not None:
            provider.terminate()
            provider.wait(10)


@pytest.fixture(scope="package")
def requests_seen() -> Requests:
    return Requests()


@pytest.fixture(scope="package")
def screens() -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob("*.png"):
        old.unlink()
    return SCREENS
