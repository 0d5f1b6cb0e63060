"""Headless Chromium for the browser tests: Debian's chromium driven by Playwright.

Never ``playwright install``: the tests use the system browser with the flags that work on a
machine without a network (TOOLCHAIN.md).
"""

import contextlib
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_browser():
    """Skip the calling test module when chromium or playwright is missing; else playwright's sync API."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')",
                               exc_type=ImportError)


@contextlib.contextmanager
def launched_chromium(sync_api):
    """A headless Chromium for the duration of the block."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
