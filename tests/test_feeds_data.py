"""Feeds, page metadata and open data: the Atom feeds parse cleanly and link to real places, each article
carries a NewsArticle, reader.json and annotations.csv hold every note, and the sitemap lists exactly the pages."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from reader.feeds import NEWEST_NOTES
from reader.opendata import CSV_COLUMNS, DATA_VERSION
from reader.pipeline import build_outputs
from reader.urls import output_path
from sitebuilder import PROJECT
from test_hardening_support import rich_site

TINY = Path(__file__).parent / "sites" / "tiny"
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")
BASE_URL = "https://example.org/reader/"


@pytest.fixture(scope="module", params=[TINY, PROJECT], ids=["tiny", "real"])
def built(request):
    result = build_outputs(request.param, base_url=BASE_URL)
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    return result


def outputs(result) -> dict[str, bytes]:
    return {o.url: o.data for o in result.outputs}


class _Page(HTMLParser):
    """The ids, meta properties and JSON-LD scripts of an HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self._in_json = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        key = attributes.get("property") or attributes.get("name")
        if tag == "meta" and key:
            self.meta.setdefault(key, []).append(attributes.get("content"))
        if tag == "link" and attributes.get("rel") in ("canonical", "alternate"):
            self.meta.setdefault(f"link {attributes['rel']}", []).append(attributes.get("href"))
        self._in_json = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_json:
            self.json_ld.append(data)

    def handle_endtag(self, tag):
        self._in_json = False


def page(result, url: str) -> _Page:
    return _Page(outputs(result)[url].decode("utf-8"))


def resolves(result, absolute_url: str) -> bool:
    """The URL is a page of the build and its #fragment (if any) an id on that page."""
    assert absolute_url.startswith(BASE_URL), absolute_url
    path, _, fragment = absolute_url[len(BASE_URL):].partition("#")
    if path not in outputs(result):
        return False
    return not fragment or fragment in page(result, path).ids


def timestamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


# --- Atom feeds -------------------------------------------------------------------------------------------

def test_the_articles_feed_parses_as_atom_with_every_article_newest_first(built):
    feed = feedparser.parse(outputs(built)["feed.xml"])
    articles = built.linked.content.articles
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.link for e in feed.entries] == [BASE_URL + f"articles/{a.slug}/" for a in articles]
    assert [e.title for e in feed.entries] == [a.title for a in articles]
    assert [e.updated for e in feed.entries] == [timestamp(a.date) for a in articles]
    dates = [a.date for a in articles]
    assert dates == sorted(dates, reverse=True)
    assert feed.feed.updated == timestamp(max(dates))  # from the content, not the clock
    assert {link.rel: link.href for link in feed.feed.links} == {"self": BASE_URL + "feed.xml", "alternate": BASE_URL}
    for entry, article in zip(feed.entries, articles):
        assert [a.name for a in entry.authors] == (list(article.authors) or ["Author unknown"])
        assert entry.summary == (article.summary or article.title)


def test_the_annotations_feed_holds_the_newest_notes_linking_to_their_permalinks(built):
    feed = feedparser.parse(outputs(built)["annotations.xml"])
    notes = built.linked.content.annotations
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert len(feed.entries) == min(NEWEST_NOTES, len(notes))
    updated = [e.updated for e in feed.entries]
    assert updated == sorted(updated, reverse=True)
    assert updated[0] == timestamp(max(a.date for a in notes))
    by_permalink = {BASE_URL + f"articles/{a.article}/#{a.id}": a for a in notes}
    for entry in feed.entries:
        annotation = by_permalink[entry.link]
        assert entry.id == entry.link and resolves(built, entry.link)
        assert entry.content[0].type == "text/html"
        assert entry.author == annotation.editor
        assert built.linked.note_html[(annotation.article, annotation.id)][0].strip() in entry.content[0].value


@pytest.mark.parametrize("name", ["feed.xml", "annotations.xml"])
def test_each_feed_has_the_elements_rfc_4287_requires(built, name):
    root = ElementTree.fromstring(outputs(built)[name])
    assert root.tag == ATOM + "feed"
    for element in (root, *root.findall(ATOM + "entry")):
        for required in ("id", "title", "updated"):
            assert len(element.findall(ATOM + required)) == 1, (name, required)
        assert RFC3339.fullmatch(element.findtext(ATOM + "updated"))
        alternate = [link for link in element.findall(ATOM + "link") if link.get("rel") == "alternate"]
        assert len(alternate) == 1 and resolves(built, alternate[0].get("href"))
        assert element.find(f"{ATOM}author/{ATOM}name").text  # every entry names its author
    ids = [e.findtext(ATOM + "id") for e in root.findall(ATOM + "entry")]
    assert len(ids) == len(set(ids))


def test_every_page_announces_both_feeds_in_its_head(built):
    for url, data in outputs(built).items():
        if url == "" or url.endswith("/"):
            assert page(built, url).meta["link alternate"][:2] == ["/reader/feed.xml", "/reader/annotations.xml"], url


# --- page metadata -----------------------------------------------------------------------------------------

def test_article_pages_carry_a_news_article_with_authors_publisher_and_actors(built):
    for article in built.linked.content.articles:
        url = f"articles/{article.slug}/"
        scripts = [json.loads(s) for s in page(built, url).json_ld]
        [news] = [s for s in scripts if s.get("@type") == "NewsArticle"]
        assert news["@context"] == "https://schema.org"
        assert news["headline"] == article.title and news["datePublished"] == article.date.isoformat()
        assert news["url"] == news["mainEntityOfPage"]["@id"] == BASE_URL + url
        assert [a["name"] for a in news.get("author", [])] == list(article.authors)
        assert news.get("publisher", {}).get("name") == article.publication
        assert news.get("isBasedOn") == article.source_url
        assert [thing["url"] for thing in news["about"]] == [BASE_URL + f"actors/{actor_id}/"
                                                               for actor_id, _ in built.linked.counts[article.slug]]
        assert all(resolves(built, thing["url"]) and thing["@type"] for thing in news["about"])


def test_an_author_who_is_an_actor_is_typed_and_linked_as_that_actor():
    result = build_outputs(PROJECT, base_url=BASE_URL)
    scripts = [json.loads(s) for s in page(result, "articles/russia-gendarme-venezuela/").json_ld]
    [news] = [s for s in scripts if s.get("@type") == "NewsArticle"]
    assert news["author"] == [{"@type": "Person", "name": "Oleksandr Khara", "url": BASE_URL + "actors/khara/"}]


def test_opengraph_and_twitter_meta_describe_each_page(built):
    for url in (u for u in outputs(built) if u == "" or u.endswith("/")):
        meta = page(built, url).meta
        assert meta["og:url"] == meta["link canonical"] == [BASE_URL + url]
        assert meta["og:site_name"] == [built.linked.content.site.title]
        assert meta["twitter:card"] == ["summary"]
        assert meta["og:title"] == meta["twitter:title"] and meta["og:title"][0]
        assert meta["og:description"] == meta["twitter:description"] == meta["description"]
        is_article = url.startswith("articles/")
        assert meta["og:type"] == ["article" if is_article else "website"]
        assert ("article:published_time" in meta) == is_article
    for article in built.linked.content.articles:
        meta = page(built, f"articles/{article.slug}/").meta
        assert meta["og:title"] == [article.title]
        assert meta["article:published_time"] == [article.date.isoformat()]
        assert meta.get("article:author", []) == list(article.authors)


def test_a_payload_in_a_title_stays_inside_the_json_ld_and_the_feeds(tmp_path):
    payload = "</script><script>alert(1)</script>]]><!-- & \u2028 end"
    result = build_outputs(rich_site(tmp_path, title=payload, summary=payload, editor=payload))
    assert not result.diagnostics.errors
    html = outputs(result)["articles/an-article/"].decode()
    assert "<script>alert(1)" not in html
    scripts = [json.loads(s) for s in _Page(html).json_ld]
    assert [s["headline"] for s in scripts if s.get("@type") == "NewsArticle"] == [payload]
    feed = feedparser.parse(outputs(result)["feed.xml"])
    assert feed.bozo == 0 and feed.entries[0].title == payload and feed.entries[0].summary == payload
    notes = feedparser.parse(outputs(result)["annotations.xml"])
    assert notes.bozo == 0 and notes.entries[0].author == payload


# --- open data ----------------------------------------------------------------------------------------------

def reader_json(result) -> dict:
    return json.loads(outputs(result)["data/reader.json"])


def test_reader_json_holds_every_article_actor_and_note_of_the_content(built):
    data = reader_json(built)
    content = built.linked.content
    assert data["version"] == DATA_VERSION
    assert [a["slug"] for a in data["articles"]] == [a.slug for a in content.articles]
    assert [a["id"] for a in data["actors"]] == [a.id for a in content.actors]
    assert [(n["article"], n["id"]) for n in data["annotations"]] == \
        [(slug, n.annotation.id) for slug in (a.slug for a in content.articles) for n in built.linked.notes[slug]]
    assert len(data["annotations"]) == len(content.annotations)
    assert [c["id"] for c in data["claims"]] == [c.id for c in content.claims]
    assert [s["key"] for s in data["stances"]] == [s.key for s in content.site.stances]
    for article in data["articles"]:
        assert resolves(built, article["url"]) and article["title"]


def test_reader_json_permalinks_and_pages_resolve_in_the_built_site(built):
    data = reader_json(built)
    urls = [n["permalink"] for n in data["annotations"]] + [a["url"] for a in data["actors"]] + \
        [c["url"] for c in data["claims"]] + [s["url"] for s in data["stances"]]
    assert [u for u in urls if not resolves(built, u)] == []


def test_reader_json_mentions_match_the_article_text(built):
    data = reader_json(built)
    for slug, by_actor in data["mentions"].items():
        assert [(actor_id, m["count"]) for actor_id, m in by_actor.items()] == list(built.linked.counts[slug])
        for actor_id, found in by_actor.items():
            assert len(found["places"]) == found["count"]
            for place in found["places"]:
                text = built.linked.paragraphs[(slug, place["paragraph"])]
                assert text[place["start"]:place["end"]] == place["text"]


def test_the_csv_has_the_documented_columns_and_one_row_per_note(built):
    data = outputs(built)["data/annotations.csv"]
    assert data.startswith(",".join(CSV_COLUMNS).encode() + b"\r\n") and data.endswith(b"\r\n")  # RFC 4180
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    notes = reader_json(built)["annotations"]
    assert [(r["article"], r["id"]) for r in rows] == [(n["article"], n["id"]) for n in notes]
    for row, note in zip(rows, notes):
        assert row["permalink"] == note["permalink"] and row["kind"] == note["kind"]
        assert row["verdict"] == (note["verdict"] or "") and row["date"] == note["date"]
        assert row["actors"].split() == note["actors"]
        assert row["source_urls"].split() == [s["url"] for s in note["sources"]]


def test_a_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(tmp_path):
    formula = '=HYPERLINK("https://evil.example/","x")'
    result = build_outputs(rich_site(tmp_path, note=formula, editor="@SUM(1+1)"))
    [row] = csv.DictReader(io.StringIO(outputs(result)["data/annotations.csv"].decode(), newline=""))
    assert row["note"] == "'" + formula and row["editor"] == "'@SUM(1+1)"
    assert reader_json(result)["annotations"][0]["editor"] == "@SUM(1+1)"  # the JSON keeps the exact value


def test_note_text_is_the_words_of_the_note_without_markup(built):
    for note in reader_json(built)["annotations"]:
        words = html.unescape(re.sub(r"<[^>]+>", " ", note["note_html"])).split()
        assert note["note_text"].split() == words and words


# --- sitemap ------------------------------------------------------------------------------------------------

def test_the_sitemap_lists_every_html_page_and_nothing_else(built):
    root = ElementTree.fromstring(outputs(built)["sitemap.xml"])
    listed = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = [u for u, data in outputs(built).items() if output_path(u).endswith(".html") and u != "404.html"]
    assert sorted(listed) == sorted(BASE_URL + u for u in pages)
    assert len(listed) == len(set(listed))
    assert all(resolves(built, url) for url in listed)


def test_the_about_page_documents_the_csv_columns_in_order():
    about = (PROJECT / "content" / "about.md").read_text(encoding="utf-8")
    assert ", ".join(f"`{column}`" for column in CSV_COLUMNS) in about
    assert f"the {NEWEST_NOTES} most recent" in about
