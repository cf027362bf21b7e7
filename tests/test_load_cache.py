"""The load stage's parse cache (serve): an unchanged file is not parsed again, and a cached load
reports and returns exactly what an uncached load does."""
from __future__ import annotations

from reader.diagnostics import Diagnostics
from reader.load import ParseCache, load_site
from sitebuilder import make_site

BROKEN_ACTOR = "---\nname: [unclosed\n---\nBody.\n"


def _load(root, cache=None):
    diagnostics = Diagnostics()
    return load_site(root, diagnostics, cache), [d.format() for d in diagnostics.sorted()]


def test_second_load_parses_nothing_and_returns_the_same_records(tmp_path):
    root = make_site(tmp_path, {"content/actors/broken.md": BROKEN_ACTOR})
    cache = ParseCache()
    first = _load(root, cache)
    parsed = cache.parsed
    assert _load(root, cache) == first == _load(root)
    assert cache.parsed == parsed > 0


def test_a_changed_file_alone_is_parsed_again(tmp_path):
    root = make_site(tmp_path, {})
    cache = ParseCache()
    _load(root, cache)
    before = cache.parsed
    article = next((root / "content" / "articles").glob("*.md"))
    article.write_text(article.read_text().replace("Putin spoke.", "Putin spoke again."))
    raw, problems = _load(root, cache)
    assert cache.parsed == before + 1
    assert "Putin spoke again." in raw.articles[0].body
    assert (raw, problems) == _load(root)


def test_cached_errors_are_reported_on_every_load_until_fixed(tmp_path):
    root = make_site(tmp_path, {"content/actors/broken.md": BROKEN_ACTOR})
    cache = ParseCache()
    _, first = _load(root, cache)
    _, second = _load(root, cache)
    assert second == first and any("content/actors/broken.md:2" in p for p in first)
    (root / "content" / "actors" / "broken.md").write_text("---\nname: Fixed\nkind: person\n---\nBody.\n")
    _, third = _load(root, cache)
    assert not any("broken.md" in p for p in third)
