"""No page makes a request to anyone but the site itself (fonts and scripts are local, DESIGN §9),
and every resource a page asks for exists."""
from __future__ import annotations

import urllib.parse

import pytest

from _support import PAGE_TYPES, open_page


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_type_fetches_only_from_the_site_and_every_fetch_succeeds(browser, site_urls, kind):
    url = site_urls[kind]
    context = browser.new_context()
    requests: list[str] = []
    failed: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.on("requestfailed", lambda request: failed.append(f"{request.url} ({request.failure})"))
    context.on("response", lambda response: response.status >= 400 and response.url != url
               and failed.append(f"{response.url} (HTTP {response.status})"))
    try:
        page = context.new_page()
        open_page(page, url, kind, wait_until="networkidle")
        page.mouse.wheel(0, 5000)  # let lazy-loaded images and fonts ask for themselves
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    foreign = [u for u in requests
               if urllib.parse.urlsplit(u).scheme not in ("data", "blob", "about")
               and urllib.parse.urlsplit(u).hostname != "127.0.0.1"]
    assert not foreign, f"{kind} page {url} requested third parties: {foreign}"
    assert not failed, f"{kind} page {url} has failed requests: {failed}"
