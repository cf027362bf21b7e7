"""In Chromium, under /reader/: the feeds and data files a page announces are served, an article's JSON-LD
parses in the page itself, and OpenGraph meta describe the page that is open."""
from __future__ import annotations

import pytest

from _support import open_page

FILES = {"feed.xml": "<feed", "annotations.xml": "<feed", "data/reader.json": '"version"',
         "data/annotations.csv": "article,id,permalink"}


@pytest.mark.parametrize("path", FILES)
def test_feed_and_data_urls_are_served_under_the_sub_path(page, served_site, path):
    response = page.request.get(served_site.url(path))
    assert response.status == 200
    assert FILES[path] in response.text()


def test_the_feed_links_in_the_head_lead_to_served_feeds(page, site_urls):
    open_page(page, site_urls["home"], "home")
    hrefs = page.eval_on_selector_all('link[rel="alternate"][type="application/atom+xml"]',
                                      "links => links.map(link => link.href)")
    assert [h.rsplit("/", 1)[-1] for h in hrefs] == ["feed.xml", "annotations.xml"]
    for href in hrefs:
        assert "/reader/" in href and page.request.get(href).status == 200


def test_article_json_ld_parses_in_the_page_and_names_the_article(page, site_urls):
    open_page(page, site_urls["article"], "article")
    types = page.evaluate("""() => [...document.querySelectorAll('script[type="application/ld+json"]')]
        .map(script => JSON.parse(script.textContent))
        .map(data => data['@type'] || data['@graph'].map(node => node['@type']).join(' '))""")
    assert "NewsArticle" in types
    headline = page.evaluate("""() => [...document.querySelectorAll('script[type="application/ld+json"]')]
        .map(script => JSON.parse(script.textContent)).find(data => data['@type'] === 'NewsArticle').headline""")
    assert headline == page.locator("h1").first.inner_text()


@pytest.mark.parametrize("kind, og_type", [("article", "article"), ("actor", "website"), ("home", "website")])
def test_opengraph_meta_describe_the_open_page(page, site_urls, kind, og_type):
    open_page(page, site_urls[kind], kind)
    meta = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('meta[property], meta[name]')]
        .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))""")
    assert meta["og:type"] == og_type
    assert meta["og:url"] == page.url
    assert meta["og:title"] and meta["og:description"] and meta["og:site_name"]
    assert meta["twitter:card"] == "summary" and meta["twitter:title"] == meta["og:title"]
