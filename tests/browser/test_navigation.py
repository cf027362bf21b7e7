"""A reader can travel the site by clicking: home -> article -> actor -> another article."""
from __future__ import annotations

import re
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin

from _support import without_fragment


class _Links(HTMLParser):
    def __init__(self, base: str):
        super().__init__()
        self.base, self.hrefs = base, []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(urljoin(self.base, href))


def _article_links(url: str, base: str) -> set[str]:
    """Article pages linked from the page at `url` (fetched over HTTP, not clicked)."""
    with urllib.request.urlopen(url) as response:
        parser = _Links(url)
        parser.feed(response.read().decode("utf-8"))
    return {without_fragment(h) for h in parser.hrefs
            if re.fullmatch(re.escape(base) + r"articles/[a-z0-9-]+/", without_fragment(h))}


def test_reader_clicks_from_home_to_article_to_actor_to_another_article(page, served_site):
    base = served_site.base
    article_re = re.compile(re.escape(base) + r"articles/[a-z0-9-]+/")
    page.goto(base)

    first_article = page.locator('main a[href*="articles/"]:visible').first
    assert first_article.count() == 1, f"home page {base} shows no link to an article in <main>"
    first_article.click()
    page.wait_for_url(article_re)
    article = without_fragment(page.url)
    assert page.locator("h1").count() >= 1, f"article {article} has no h1"

    # Pick an actor that some other article also mentions, then reach it by a real click.
    mentions = page.locator("a.mention:visible")
    assert mentions.count() > 0, f"article {article} has no visible a.mention actor link"
    chosen = None
    for i in range(mentions.count()):
        href = mentions.nth(i).evaluate("a => a.href")
        if _article_links(href, base) - {article}:
            chosen = mentions.nth(i)
            break
    assert chosen is not None, (
        f"no actor linked from {article} has a page linking to another article")
    chosen.click()
    page.wait_for_url(re.compile(re.escape(base) + r"actors/[a-z0-9-]+/(#.*)?$"))
    actor = page.url

    others = page.locator("a[href*='articles/']:visible")
    target = None
    for i in range(others.count()):
        href = without_fragment(others.nth(i).evaluate("a => a.href"))
        if article_re.fullmatch(href) and href != article:
            target = others.nth(i)
            break
    assert target is not None, f"actor page {actor} shows no visible link to another article"
    target.click()
    page.wait_for_url(article_re)
    assert without_fragment(page.url) != article
    assert page.locator("h1").first.is_visible(), f"{page.url} has no visible h1"
