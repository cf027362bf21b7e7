"""Crawling the served site from its home page finds no broken link, anchor or escape from the base path.

The site is served under `/reader/` (as a GitHub Pages project site is), so a link that
works only at the domain root is caught here.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

# Attributes that make the browser fetch or navigate to a URL.
_URL_ATTRS = {"href", "src", "poster", "data", "action"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


class _PageParser(HTMLParser):
    """Collects the URLs a page refers to and the ids it defines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.ids: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in _URL_ATTRS and not (tag == "form" and name == "action" and not value):
                self.refs.append(value)
            elif name in ("srcset", "imagesrcset"):
                self.refs.extend(part.strip().split()[0] for part in value.split(",") if part.strip())
            elif name == "style":
                self.refs.extend(_css_refs(value))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.refs.extend(_css_refs(data))


def _css_refs(css: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in _CSS_URL.finditer(css)
            if not (m.group(2) or m.group(4) or "").startswith("data:")]


@dataclass
class _Fetched:
    status: int
    ctype: str = ""
    body: bytes = b""


@dataclass
class _Crawl:
    base: str
    fetched: dict[str, _Fetched] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)
    # (source page, link as written, resolved URL)
    links: list[tuple[str, str, str]] = field(default_factory=list)

    def fetch(self, url: str) -> _Fetched:
        if url not in self.fetched:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    self.fetched[url] = _Fetched(response.status, response.headers.get_content_type(),
                                                 response.read())
            except urllib.error.HTTPError as error:
                self.fetched[url] = _Fetched(error.code, error.headers.get_content_type(), error.read())
        return self.fetched[url]

    def is_internal(self, url: str) -> bool:
        return urllib.parse.urlsplit(url).netloc == urllib.parse.urlsplit(self.base).netloc

    def run(self, start: list[str]) -> None:
        queue = deque(start)
        seen = set(start)
        while queue:
            url = queue.popleft()
            page = self.fetch(url)
            if page.status != 200 and url not in start:
                continue  # reported as a broken link; its own links mean nothing here
            if page.ctype == "text/html":
                parser = _PageParser()
                parser.feed(page.body.decode("utf-8", errors="replace"))
                self.ids[url] = parser.ids
                refs = parser.refs
            elif page.ctype == "text/css":
                refs = _css_refs(page.body.decode("utf-8", errors="replace"))
            else:
                continue
            for ref in refs:
                resolved = urllib.parse.urljoin(url, ref.strip())
                self.links.append((url, ref, resolved))
                target = urllib.parse.urldefrag(resolved).url
                if (self.is_internal(target) and target.startswith(self.base)
                        and target not in seen and page.status == 200):
                    seen.add(target)
                    queue.append(target)


def _id_set(crawl: _Crawl, url: str) -> set[str]:
    if url not in crawl.ids:
        parser = _PageParser()
        parser.feed(crawl.fetch(url).body.decode("utf-8", errors="replace"))
        crawl.ids[url] = parser.ids
    return crawl.ids[url]


def _problems(crawl: _Crawl) -> list[str]:
    """Every broken internal link, missing anchor and base-path escape, one line each."""
    problems = []
    for source, ref, resolved in crawl.links:
        if not crawl.is_internal(resolved):
            continue
        target, fragment = urllib.parse.urldefrag(resolved)
        where = f"{source} links {ref!r}"
        if not target.startswith(crawl.base):
            problems.append(f"{where}: escapes the base path {crawl.base} (-> {resolved})")
            continue
        if target == urllib.parse.urldefrag(source).url:  # same-page link: the source's ids
            if fragment and urllib.parse.unquote(fragment) not in crawl.ids.get(source, set()):
                problems.append(f"{where}: no id={urllib.parse.unquote(fragment)!r} on the same page")
            continue
        fetched = crawl.fetch(target)
        if fetched.status != 200:
            problems.append(f"{where}: HTTP {fetched.status} for {target}")
        elif fragment and fetched.ctype == "text/html":
            name = urllib.parse.unquote(fragment)
            if name != "top" and name not in _id_set(crawl, target):
                problems.append(f"{where}: no id={name!r} in {target}")
    return sorted(set(problems))


@pytest.fixture(scope="module")
def crawl(served_site) -> _Crawl:
    """The served site crawled once from its home page."""
    crawl = _Crawl(served_site.base)
    crawl.run([served_site.base])
    return crawl


def test_every_internal_link_and_anchor_works_under_the_base_path(crawl):
    problems = _problems(crawl)
    assert not problems, f"{len(problems)} broken links:\n" + "\n".join(problems)


def test_crawl_from_home_reaches_every_page(crawl, served_site):
    assert crawl.fetched[served_site.base].status == 200
    unreached = [url for url in served_site.pages
                 if url not in crawl.fetched and not url.endswith("/404.html")]
    assert not unreached, (
        f"{len(unreached)} pages no link leads to (orphans):\n" + "\n".join(unreached))


def test_links_on_the_404_page_work_from_any_missing_url(served_site):
    """GitHub Pages serves 404.html at whatever URL was missing, so its links must not
    depend on where it sits: they are tried from a nested missing URL."""
    crawl = _Crawl(served_site.base)
    missing = served_site.url("no/such/page/")
    assert crawl.fetch(missing).status == 404
    crawl.run([missing])
    problems = [p for p in _problems(crawl) if p.startswith(missing + " ")]
    assert not problems, "links of 404.html broken when served at a missing URL:\n" + "\n".join(problems)
