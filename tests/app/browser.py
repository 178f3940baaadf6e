"""What the browser test modules share: the app served on a free loopback port, Debian's Chromium
driven by Playwright, and a page opened on the app once its chat has rendered."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import OUTPUT

CHROMIUM = Path(os.environ.get("POLICYKB_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = OUTPUT / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(kb) -> Iterator[str]:
    """The app for ``kb`` on a free port; yields its url."""
    from app.web.ui import build_app, launch

    app = build_app(kb)
    _, url = launch(
        app, kb.settings.model_copy(update={"host": "127.0.0.1", "port": free_port()}), block=False
    )
    try:
        yield url
    finally:
        app.close()


@contextmanager
def chromium():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install it with 'apt-get install -y chromium' (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def open_page(browser, url: str, viewport: dict, locale: str = "zh-CN", timeout_ms: int = 30_000):
    """(context, page) on the app, once its chat is there; the caller closes the context."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=viewport, locale=locale, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(url)
    page.locator("#pkb-chat").wait_for()
    return context, page
