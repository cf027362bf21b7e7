"""Open formats: W3C Web Annotation collections per article and schema.org ClaimReview in article pages."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reader.anchor import ArticleText
from reader.pipeline import build_outputs
from sitebuilder import PROJECT

TINY = Path(__file__).parent / "sites" / "tiny"
W3C_MOTIVATIONS = {"assessing", "bookmarking", "classifying", "commenting", "describing", "editing",
                   "highlighting", "identifying", "linking", "moderating", "questioning", "replying", "tagging"}


@pytest.fixture(scope="module", params=[TINY, PROJECT], ids=["tiny", "real"])
def built(request):
    result = build_outputs(request.param)
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    return result


def outputs(result) -> dict[str, bytes]:
    return {o.url: o.data for o in result.outputs}


def collections(result):
    for article in result.linked.content.articles:
        data = outputs(result)[f"articles/{article.slug}/annotations.jsonld"]
        yield article, json.loads(data)


def test_every_article_has_a_w3c_annotation_collection_with_its_page(built):
    for article, collection in collections(built):
        assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
        assert collection["type"] == "AnnotationCollection"
        assert collection["id"].endswith(f"/articles/{article.slug}/annotations.jsonld")
        assert collection["id"].startswith(built.linked.content.site.base_url)
        page = collection["first"]
        assert page["type"] == "AnnotationPage" and page["partOf"] == collection["id"] and page["id"]
        assert collection["total"] == len(page["items"]) == len(built.linked.notes[article.slug])


def test_each_annotation_has_the_models_required_properties(built):
    """W3C Web Annotation Data Model §3.1: id, type Annotation, target; bodies and selectors well-formed."""
    for article, collection in collections(built):
        for item in collection["first"]["items"]:
            assert set(item) >= {"id", "type", "target", "motivation", "creator", "created", "body"}
            assert item["type"] == "Annotation" and item["id"].split("#")[0].endswith(f"/articles/{article.slug}/")
            assert item["motivation"] in W3C_MOTIVATIONS
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["created"])
            assert item["creator"]["name"]
            for body in item["body"]:
                assert body["type"] in ("TextualBody", "Text")
                assert "value" in body if body["type"] == "TextualBody" else body["id"].startswith("http")
            assert item["body"][0]["type"] == "TextualBody" and item["body"][0]["format"] == "text/html"
            selectors = {s["type"]: s for s in item["target"]["selector"]}
            assert item["target"]["source"] == item["id"].split("#")[0]
            assert selectors["TextQuoteSelector"]["exact"]


def test_position_selectors_point_at_the_quoted_text_of_the_article(built):
    for article, collection in collections(built):
        text = ArticleText.of(built.linked.bodies[article.slug].blocks).text
        for item in collection["first"]["items"]:
            selectors = {s["type"]: s for s in item["target"]["selector"]}
            if "TextPositionSelector" not in selectors:
                continue  # an orphan: only the quote as written
            position, quote = selectors["TextPositionSelector"], selectors["TextQuoteSelector"]
            assert text[position["start"]:position["end"]] == quote["exact"]
            assert text[:position["start"]].endswith(quote["prefix"])
            assert text[position["end"]:].startswith(quote["suffix"])


def test_fact_checks_are_claim_reviews_in_the_article_page(built):
    for article in built.linked.content.articles:
        html = outputs(built)[f"articles/{article.slug}/"].decode()
        fact_checks = [n for n in built.linked.notes[article.slug] if n.annotation.kind == "fact_check"]
        scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        reviews = [node for s in scripts for node in json.loads(s).get("@graph", []) if node["@type"] == "ClaimReview"]
        assert len(reviews) == len(fact_checks)
        for review, note in zip(reviews, fact_checks):
            assert review["claimReviewed"] == (note.passage or note.annotation.quote)
            assert review["itemReviewed"]["@type"] == "Claim"
            assert review["itemReviewed"]["appearance"]["headline"] == article.title
            assert review["reviewRating"]["alternateName"]
            assert review["author"]["name"] == note.annotation.editor
            assert review["url"].endswith(f"#{note.annotation.id}")
