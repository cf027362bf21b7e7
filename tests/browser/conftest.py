"""Browser fixtures: Debian's Chromium driven by Playwright (DESIGN §10).

Contracts:
- `browser` (session): a headless Chromium from /usr/bin/chromium. Missing browser:
  the test fails when CI=true, is skipped otherwise.
- `page`: a fresh page in a fresh browser context (1280x800, light scheme) per test;
  the context is closed after the test. Tests needing other context options (viewport,
  JavaScript off, colour scheme) call `browser.new_context(...)` themselves.
- `results_dir`: `test-results/` in the project, created, for screenshots.
- `site_urls` (session): the top-level fixture's URLs plus "claims" and "claim" (the claim page
  comparing the most articles), "timeline" and "search", for the page types of _support.PAGE_TYPES.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _unavailable(message: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (required when CI=true; run scripts/setup.sh --test)")
    pytest.skip(f"{message}; run scripts/setup.sh --test")


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Playwright `Browser`), launched once per session."""
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} not found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    """A new page in its own context (1280x800), so no state leaks between tests."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)  # fail fast on a missing element, not after 30 s
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def results_dir() -> Path:
    """`test-results/` under the project (git-ignored): where screenshots go."""
    path = PROJECT_ROOT / "test-results"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def site_urls(site_urls, served_site) -> dict[str, str]:
    """tests/conftest.py's `site_urls`, with the claims pages added when it lacks them."""
    urls = dict(site_urls)
    out = served_site.out
    if "claims" not in urls:
        urls["claims"] = served_site.url("claims/")
    if "claim" not in urls:
        pages = sorted((out / "claims").glob("*/index.html")) if (out / "claims").is_dir() else []
        best = max(pages, key=lambda p: (p.read_text(encoding="utf-8").count('class="claim-card"'),
                                         p.parent.name), default=None)
        urls["claim"] = served_site.url(f"claims/{best.parent.name}/" if best else "claims/missing-claim/")
    urls.setdefault("timeline", served_site.url("timeline/"))
    urls.setdefault("search", served_site.url("search/"))
    return urls
