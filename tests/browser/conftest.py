"""A real browser for the page tests: Playwright's Python API driving Debian's chromium (never a
downloaded browser build). Missing chromium fails the tests under CI (``.ci/run`` installs it)
and skips them elsewhere, naming the package."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One browser per test module, closed with it: Playwright's synchronous API runs an event
    loop in this thread while it is open, and the rest of the suite calls ``asyncio.run``."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only where a browser runs

    executable = shutil.which("chromium")
    if executable is None:
        message = "the browser tests drive Debian's chromium: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where each page's screenshot goes (under the test run's output folder)."""
    return tmp_path_factory.mktemp("screenshots", numbered=False)
