"""Open formats for annotations: W3C Web Annotation collections and schema.org ClaimReview (plain dicts).

Contract: pure functions from linked values to JSON-ready dicts; the render
stage serialises them (`json.dumps` for files, `tojson` inside pages).

The text that TextPositionSelector offsets count in is the article's body as
a reader sees it: each paragraph's text (whitespace collapsed, no markup),
paragraphs joined by two newlines (`anchor.ArticleText`).
Motivations by kind use the W3C vocabulary: context -> commenting,
fact_check -> assessing, correction -> editing (the model's word for a
requested correction of the target), definition -> describing,
cross_reference -> linking.
"""
from __future__ import annotations

from .anchor import ArticleText
from .markdown import ParsedBody
from .model import ANNOTATION_LABELS, VERDICT_LABELS, Article, Site
from .placing import PlacedNote

MOTIVATIONS = {
    "context": "commenting",
    "fact_check": "assessing",
    "correction": "editing",
    "definition": "describing",
    "cross_reference": "linking",
}
CONTEXT_CHARS = 32  # of prefix and suffix in exported selectors, as the W3C model suggests


def annotation_collection(site: Site, article: Article, notes: tuple[PlacedNote, ...], body: ParsedBody,
                          note_html: dict[tuple[str, str], tuple[str, str]], article_url: str) -> dict:
    """The W3C AnnotationCollection of one article, with all items on its first AnnotationPage."""
    collection_id = article_url + "annotations.jsonld"
    text = ArticleText.of(body.blocks)
    items = [_annotation(site, article, note, text, note_html[(article.slug, note.annotation.id)][0], article_url)
             for note in notes]
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": f"Editors' annotations of “{article.title}”",
        "total": len(items),
        "first": {"id": collection_id + "#page-1", "type": "AnnotationPage", "partOf": collection_id,
                  "startIndex": 0, "items": items},
    }


def _annotation(site: Site, article: Article, note: PlacedNote, text: ArticleText, html: str, article_url: str) -> dict:
    annotation = note.annotation
    bodies = [{"type": "TextualBody", "value": html, "format": "text/html", "language": site.language,
               "purpose": MOTIVATIONS[annotation.kind]}]
    if annotation.verdict:
        bodies.append({"type": "TextualBody", "value": VERDICT_LABELS[annotation.verdict], "purpose": "assessing"})
    bodies += [{"id": source.url, "type": "Text", "purpose": "linking", "label": source.title}
               for source in annotation.sources]
    return {
        "id": f"{article_url}#{annotation.id}",
        "type": "Annotation",
        "motivation": MOTIVATIONS[annotation.kind],
        "creator": {"type": "Organization", "name": annotation.editor},
        "created": annotation.date.isoformat(),
        "body": bodies,
        "target": {"source": article_url, "selector": _selectors(note, text)},
    }


def _selectors(note: PlacedNote, text: ArticleText) -> list[dict]:
    annotation = note.annotation
    if note.placement is None:  # an orphan: only the quote as the editor wrote it
        quote = {"type": "TextQuoteSelector", "exact": annotation.quote}
        quote.update({k: v for k, v in (("prefix", annotation.prefix), ("suffix", annotation.suffix)) if v})
        return [quote]
    start = text.position(note.placement.paragraph, note.placement.start)
    end = text.position(note.placement.paragraph, note.placement.end)
    return [
        {"type": "TextQuoteSelector", "exact": text.text[start:end],
         "prefix": text.text[max(0, start - CONTEXT_CHARS):start], "suffix": text.text[end:end + CONTEXT_CHARS]},
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def claim_reviews(site: Site, article: Article, notes: tuple[PlacedNote, ...], article_url: str) -> dict | None:
    """schema.org ClaimReview for each fact-check of an article, or None when it has none."""
    reviews = [_claim_review(site, article, note, article_url) for note in notes if note.annotation.verdict]
    return {"@context": "https://schema.org", "@graph": reviews} if reviews else None


def _claim_review(site: Site, article: Article, note: PlacedNote, article_url: str) -> dict:
    annotation = note.annotation
    appearance = {"@type": "CreativeWork", "headline": article.title, "url": article.source_url or article_url,
                  "datePublished": article.date.isoformat()}
    if article.authors:
        appearance["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if article.publication:
        appearance["publisher"] = {"@type": "Organization", "name": article.publication}
    return {
        "@type": "ClaimReview",
        "url": f"{article_url}#{annotation.id}",
        "claimReviewed": note.passage or annotation.quote,
        "itemReviewed": {"@type": "Claim", "appearance": appearance},
        "reviewRating": {"@type": "Rating", "alternateName": VERDICT_LABELS[annotation.verdict]},
        "author": {"@type": "Organization", "name": annotation.editor, "url": site.base_url},
        "datePublished": annotation.date.isoformat(),
        "name": f"{ANNOTATION_LABELS['fact_check']}: {VERDICT_LABELS[annotation.verdict]}",
    }
