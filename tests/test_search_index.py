"""The index stage (reader/search.py): Pagefind's bundle built in memory from the rendered pages, the same bytes every run."""
from __future__ import annotations

import dataclasses
import gzip
import json
import re
from pathlib import Path

import pytest

from reader.diagnostics import Diagnostics
from reader.pipeline import build_outputs
from reader.render import render_site, template_folder
from reader import search
from reader.search import UNUSED_FILES, index_outputs, with_search_index
from reader.searchbundle import META, canonical_bundle, decode, encode

TINY = Path(__file__).resolve().parent / "sites" / "tiny"


@pytest.fixture(scope="module")
def tiny():
    """The tiny site, built in memory: (its rendered pages without the index, the linked site)."""
    result = build_outputs(TINY, "https://example.org/reader/")
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    return render_site(result.linked, template_folder(TINY)), result.linked


@pytest.fixture(scope="module")
def bundle(tiny) -> dict[str, bytes]:
    pages, linked = tiny
    return {o.url: o.data for o in index_outputs(pages, linked.content.site)}


def _fragments(bundle: dict[str, bytes]) -> list[dict]:
    fragments = [gzip.decompress(data) for url, data in bundle.items() if url.endswith(".pf_fragment")]
    return [json.loads(raw[len(b"pagefind_dcd"):]) for raw in fragments]


def _filters(bundle: dict[str, bytes]) -> dict[str, dict[str, list[int]]]:
    found = {}
    for url, data in bundle.items():
        if url.endswith(".pf_filter"):
            name, values = decode(data)
            found[name] = {value: pages for value, pages in values}
    return found


def test_the_build_returns_the_search_bundle_under_pagefind(tiny):
    result = build_outputs(TINY, "https://example.org/reader/")
    urls = {o.url for o in result.outputs}
    assert {"search/", "pagefind/pagefind.js", "pagefind/pagefind-ui.js", "pagefind/pagefind-ui.css",
            "pagefind/pagefind-entry.json"} <= urls
    assert any(re.fullmatch(r"pagefind/pagefind\.en_[0-9a-f]+\.pf_meta", url) for url in urls)
    assert not {"pagefind/" + name for name in UNUSED_FILES} & urls, "Pagefind's other UIs are shipped"


def test_two_runs_give_the_same_bytes(tiny, bundle):
    """Each run starts a new Pagefind process, whose hash maps have another random seed."""
    pages, linked = tiny
    again = {o.url: o.data for o in index_outputs(pages, linked.content.site)}
    assert again.keys() == bundle.keys()
    assert [url for url in bundle if bundle[url] != again[url]] == []


def test_filter_values_in_any_order_give_the_same_bundle(bundle):
    files = {url.removeprefix("pagefind/"): data for url, data in bundle.items()}
    shuffled = dict(files)
    for path, data in files.items():
        if path.endswith(".pf_filter"):
            name, values = decode(data)
            shuffled[path] = encode([name, list(reversed(values))])
    meta = next(p for p in files if META.fullmatch(p))
    version, pages, chunks, filters, *rest = decode(files[meta])
    shuffled[meta] = encode([version, pages, chunks, list(reversed(filters)), *rest])
    assert canonical_bundle(shuffled) == canonical_bundle(files) == files


def test_only_articles_and_actor_pages_are_indexed(tiny, bundle):
    _, linked = tiny
    indexed = sorted(f["url"] for f in _fragments(bundle))
    expected = sorted([f"/articles/{a.slug}/" for a in linked.content.articles]
                      + [f"/actors/{a.id}/" for a in linked.content.actors])
    assert indexed == expected
    entry = json.loads(bundle["pagefind/pagefind-entry.json"])
    assert entry["languages"]["en"]["page_count"] == len(expected)


def test_every_placed_note_is_a_heading_anchor_and_its_text_is_indexed_once(tiny, bundle):
    _, linked = tiny
    fragments = {f["url"]: f for f in _fragments(bundle)}
    for article in linked.content.articles:
        fragment = fragments[f"/articles/{article.slug}/"]
        headings = {a["id"] for a in fragment["anchors"] if re.fullmatch(r"h\d", a["element"])}
        placed = [n.annotation for n in linked.notes[article.slug] if n.placement]
        assert placed, f"{article.slug}: the tiny site should have placed notes"
        assert {f"endnote-{a.id}" for a in placed} <= headings
        for annotation in placed:  # the sidenote in the text is left out, the endnote kept
            words = linked.note_html[(article.slug, annotation.id)][0]
            first = re.sub(r"<[^>]+>", "", words).split()[:4]
            assert fragment["content"].count(" ".join(first)) == 1, (article.slug, annotation.id, first)


def test_filters_are_stance_actor_and_kind_of_note_by_label(tiny, bundle):
    _, linked = tiny
    filters = _filters(bundle)
    site = linked.content.site
    assert set(filters) == {"stance", "actor", "kind of note"}
    assert set(filters["stance"]) == {site.stance(a.stance).label for a in linked.content.articles}
    assert {a.name for a in linked.content.actors} <= set(filters["actor"])
    kinds = {n.annotation.kind for notes in linked.notes.values() for n in notes if n.placement}
    assert set(filters["kind of note"]) == {{"fact_check": "Fact-check", "context": "Context", "correction": "Correction",
                                     "definition": "Definition", "cross_reference": "See also"}[k] for k in kinds}
    for value, pages in filters["kind of note"].items():
        assert len(pages) == len(set(pages)), f"kind-of-note filter {value!r} counts a page more than once: {pages}"


def test_the_index_is_the_same_under_any_base_url(bundle):
    """Pages are indexed by their URL from the site's root; the search page tells Pagefind the base path."""
    elsewhere = build_outputs(TINY, "https://elsewhere.example/deep/path/")
    assert {o.url: o.data for o in elsewhere.outputs if o.url.startswith("pagefind/")} == bundle


def test_a_pagefind_failure_is_an_error_not_a_hang_or_a_traceback(tiny, monkeypatch):
    pages, linked = tiny
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # exits at once, answering nothing
    diagnostics = Diagnostics()
    outputs = with_search_index(pages, linked.content.site, diagnostics)
    assert outputs == pages
    [error] = diagnostics.errors
    assert error.format().startswith("pagefind:1:1: error: cannot build the search index")


def test_a_free_text_language_is_indexed_as_unknown_instead_of_crashing_pagefind(tiny):
    """Pagefind 1.5 panics on some language strings (it cuts them into file names); site.yaml's is free text."""
    pages, linked = tiny
    site = dataclasses.replace(linked.content.site, language="<script>" + "x" * 400 + "\u2028{{ 7*7 }}")
    outputs = index_outputs(pages, site)
    assert any(o.url.startswith("pagefind/pagefind.unknown_") for o in outputs)


def test_a_pagefind_panic_is_reported_with_its_message(tiny, monkeypatch):
    pages, linked = tiny
    monkeypatch.setattr(search, "_language_tag", lambda language: language)  # let the panic happen
    site = dataclasses.replace(linked.content.site, language="<script>" + "x" * 400)
    diagnostics = Diagnostics()
    assert with_search_index(pages, site, diagnostics) == pages
    [error] = diagnostics.errors
    assert "cannot build the search index: Pagefind failed: byte index" in error.format()
