"""Helpers shared by the browser tests: the page types to cover and URL comparisons."""
from __future__ import annotations

import urllib.parse

# Every page type the site builds today (keys of the `site_urls` fixture). Timeline and search
# (DESIGN §5) join this list with the issues that build them.
PAGE_TYPES = ["home", "article", "actors", "actor", "stances", "stance", "claims", "claim", "timeline", "search", "about", "404"]


def without_fragment(url: str) -> str:
    """`url` without its `#fragment` (and query), for comparing which page a link opens."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def open_page(page, url: str, kind: str, wait_until: str = "load"):
    """Go to `url` and check the status: 404 for the "404" type, 200 for every other,
    so a page type missing from the build fails instead of testing the 404 page."""
    response = page.goto(url, wait_until=wait_until)
    expected = 404 if kind == "404" else 200
    assert response is not None and response.status == expected, (
        f"{kind} page {url}: HTTP {response.status if response else None}, expected {expected}")
    return response
