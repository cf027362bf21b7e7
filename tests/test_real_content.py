"""The shipped corpus: it passes the strict check, and the known linking pitfalls are resolved on it."""
from __future__ import annotations

from pathlib import Path

import pytest

from reader.markdown import make_markdown, render_tokens

from reader.pipeline import build_outputs
from sitebuilder import PROJECT, run


@pytest.fixture(scope="module")
def linked():
    result = build_outputs(PROJECT)
    assert not result.diagnostics.items, [d.format() for d in result.diagnostics.items]
    return result.linked


def mentions_in(linked, slug: str) -> list[tuple[str, str]]:
    return [(m.text, m.actor) for m in linked.bodies[slug].mentions]


def test_shipped_content_passes_the_strict_check():
    result = run("check", "--strict")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_corpus_has_five_articles_and_every_researched_actor(linked):
    assert len(linked.content.articles) == 5
    assert len(linked.content.actors) == 71


def test_every_actor_is_mentioned_or_implied_somewhere(linked):
    unmentioned = [a.id for a in linked.content.actors if not linked.mentions[a.id]]
    assert unmentioned == []


def test_typo_spellings_link_to_their_actor(linked):
    found = {text: actor for slug in linked.bodies for text, actor in mentions_in(linked, slug)}
    assert found["Guiado6s"] == "guaido"
    assert found["Coletivos"] == "colectivos"
    assert found["PdVSA"] == "pdvsa"
    assert found["Guaidó"] == found["Guaido"] == "guaido"


def test_latin_america_never_links_a_state(linked):
    for slug, body in linked.bodies.items():
        for mention in body.mentions:
            text = body.blocks[mention.paragraph - 1]
            assert not text[:mention.start].endswith("Latin "), (slug, mention)


def test_the_maidan_square_is_not_the_think_tank(linked):
    slug = "russia-gendarme-venezuela"
    text = " ".join(linked.bodies[slug].blocks)
    assert "at the Maidan" in text
    assert ("the Maidan", "maidan-fa") not in mentions_in(linked, slug)
    assert all(actor != "ukraine" or text_ != "the Maidan" for text_, actor in mentions_in(linked, slug))


def test_first_mention_only_is_linked_per_article(linked):
    md = make_markdown()
    for slug, body in linked.bodies.items():
        hrefs = render_tokens(md, body.tokens).count('class="mention"')
        assert hrefs == len({m.actor for m in body.mentions}), slug


def test_no_source_chrome_or_byline_left_in_any_body(linked):
    for slug, body in linked.bodies.items():
        text = "\n".join(body.blocks)
        for chrome in ("Leave a Reply", "Text Size", "Line Spacing", "Required fields", "18:00, 26 March 2019", "(Getty)"):
            assert chrome not in text, (slug, chrome)
        assert len(set(body.blocks)) == len(body.blocks), f"{slug} repeats a paragraph"


def test_raw_copies_match_their_recorded_checksums(linked):
    import hashlib

    for article in linked.content.articles:
        data = (PROJECT / article.raw).read_bytes()
        assert hashlib.sha256(data).hexdigest() == article.raw_sha256, article.slug
