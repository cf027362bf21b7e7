"""Open data: the whole reader as one JSON file (/data/reader.json) and the notes as CSV (/data/annotations.csv).

Pure: `LinkedSite` -> bytes, read through `linked` only, in the content's own
order, so two builds are byte-identical. The JSON's shape is versioned
(`DATA_VERSION`; an incompatible change raises it); content/about.md documents
both files for readers. Mention offsets count characters in the plain text of
paragraph N (the `#p-N` anchor of the article page), the text the actor pages
quote; a note's `actors` are those its editors listed plus those its quote names,
as on the actor pages. The CSV is RFC 4180 (UTF-8, CRLF, quoted when needed),
one row per note in `CSV_COLUMNS` order.
"""
from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from html.parser import HTMLParser

from . import urls
from .link import LinkedSite
from .placing import PlacedNote

DATA_VERSION = 1
CSV_COLUMNS = ("article", "id", "permalink", "number", "kind", "verdict", "claim", "quote", "note",
               "actors", "source_urls", "editor", "date", "event_date")
# A spreadsheet runs a cell that starts so as a formula; such a cell gets a leading apostrophe (the
# JSON file keeps every value exact).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def reader_json(linked: LinkedSite) -> bytes:
    """/data/reader.json: articles, actors, mentions, notes, claims and stances, keyed by the content's ids.

    Written as `json.dumps` would write the whole, but the two parts that grow with the corpus
    (mentions, notes) are joined from each article's JSON (UTF-8 bytes), made again only when that
    article's inputs changed (`_FRAGMENTS`): `serve` remakes this file on every edit.
    """
    site = linked.content.site
    slugs = [a.slug for a in linked.content.articles]
    notes = _notes_with_actors(linked)
    parts = {
        "version": _dumps(DATA_VERSION),
        "site": _dumps({"title": site.title, "description": site.description, "url": site.base_url,
                        "language": site.language}),
        "articles": _dumps([_article(linked, slug) for slug in slugs]),
        "actors": _dumps([_actor(linked, a.id) for a in linked.content.actors]),
        "mentions": b"{" + b",".join(_mentions_json(linked, slug) for slug in slugs) + b"}",
        "annotations": b"[" + b",".join(filter(None, (_notes_json(linked, slug, notes[slug]) for slug in slugs))) + b"]",
        "claims": _dumps([_claim(linked, c.id) for c in linked.content.claims]),
        "stances": _dumps([_stance(linked, s.key) for s in site.stances]),
    }
    return b"{" + b",".join(_dumps(key) + b":" + value for key, value in parts.items()) + b"}\n"


def _dumps(value) -> bytes:
    # Compact: only then does json use its C encoder (indented, encoding took three times as long).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_FRAGMENTS: dict[tuple[str, str], tuple[tuple, bytes]] = {}
"""(part, article slug) -> (the inputs, the part's JSON for that article), from the last build."""


def _fragment(part: str, slug: str, inputs: tuple, make: Callable[[], object]) -> bytes:
    """`_dumps(make())`, reused while each of `inputs` is the same object as, or equal to, last time."""
    entry = _FRAGMENTS.get((part, slug))
    if entry is None or len(entry[0]) != len(inputs) or not all(a is b or a == b for a, b in zip(entry[0], inputs)):
        entry = _FRAGMENTS[(part, slug)] = (inputs, _dumps(make()))
    return entry[1]


def _mentions_json(linked: LinkedSite, slug: str) -> bytes:
    """`"slug":{...}`, the article's entry in "mentions"."""
    body, counts = linked.bodies[slug], linked.counts[slug]
    return _fragment("mentions", slug, (body, counts), lambda: {slug: _mentions(linked, slug)})[1:-1]


def _notes_json(linked: LinkedSite, slug: str, notes: list[tuple[PlacedNote, list[str]]]) -> bytes:
    """This article's notes as JSON array items (no brackets; empty when it has none)."""
    html = tuple(linked.note_html[(slug, note.annotation.id)] for note, _ in notes)
    inputs = (linked.content.site.base_url, tuple(note for note, _ in notes), html, tuple(tuple(a) for _, a in notes))
    return _fragment("notes", slug, inputs, lambda: [_annotation(linked, slug, note, actors) for note, actors in notes])[1:-1]


def annotations_csv(linked: LinkedSite) -> bytes:
    """/data/annotations.csv: one row per note, columns in CSV_COLUMNS order."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for slug, notes in _notes_with_actors(linked).items():
        for note, actors in notes:
            row = _annotation(linked, slug, note, actors)
            row.update(actors=" ".join(actors), source_urls=" ".join(s["url"] for s in row["sources"]),
                       note=row["note_text"])
            writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _article(linked: LinkedSite, slug: str) -> dict:
    article = linked.articles_by_slug[slug]
    return {
        "slug": slug, "url": linked.content.site.absolute(urls.article(slug)), "title": article.title,
        "date": article.date.isoformat(), "date_precision": article.date_precision,
        "authors": list(article.authors), "publication": article.publication, "stance": article.stance,
        "source_url": article.source_url, "summary": article.summary,
        "annotations": linked.content.site.absolute(urls.annotations_jsonld(slug)),
    }


def _actor(linked: LinkedSite, actor_id: str) -> dict:
    actor = linked.actors_by_id[actor_id]
    return {"id": actor_id, "name": actor.name, "kind": actor.kind, "role": actor.role,
            "aliases": list(actor.aliases), "url": linked.content.site.absolute(urls.actor(actor_id))}


def _mentions(linked: LinkedSite, slug: str) -> dict:
    """Actor id -> its count and places in one article, most mentioned first (implied actors: count 0)."""
    places: dict[str, list[dict]] = defaultdict(list)
    for mention in linked.bodies[slug].mentions:
        places[mention.actor].append({"paragraph": mention.paragraph, "start": mention.start, "end": mention.end,
                                      "text": mention.text})
    return {actor_id: {"count": count, "places": places[actor_id]} for actor_id, count in linked.counts[slug]}


def _notes_with_actors(linked: LinkedSite) -> dict[str, list[tuple[PlacedNote, list[str]]]]:
    """Article slug -> (note, actor ids it concerns) for each of its notes in reading order; articles in order."""
    concerns: dict[tuple[str, str], list[str]] = defaultdict(list)
    for actor_id, keys in linked.annotations_by_actor.items():
        for key in keys:
            concerns[key].append(actor_id)
    return {a.slug: [(note, sorted(concerns[(a.slug, note.annotation.id)])) for note in linked.notes[a.slug]]
            for a in linked.content.articles}


def _annotation(linked: LinkedSite, slug: str, note: PlacedNote, actors: list[str]) -> dict:
    annotation = note.annotation
    html = linked.note_html[(slug, annotation.id)][0]
    return {
        "id": annotation.id, "article": slug,
        "permalink": linked.content.site.absolute(urls.article(slug)) + "#" + annotation.id,
        "number": note.number, "placed": note.placement is not None, "kind": annotation.kind,
        "verdict": annotation.verdict, "quote": annotation.quote, "passage": note.passage or None,
        "note_text": html_text(html), "note_html": html, "claim": annotation.claim, "actors": actors,
        "sources": [{"title": s.title, "url": s.url} for s in annotation.sources],
        "see": list(annotation.see), "editor": annotation.editor, "date": annotation.date.isoformat(),
        "event_date": annotation.event_date.isoformat() if annotation.event_date else None,
    }


def _claim(linked: LinkedSite, claim_id: str) -> dict:
    claim = linked.claims_by_id[claim_id]
    return {"id": claim_id, "title": claim.title, "description": claim.description,
            "url": linked.content.site.absolute(urls.claim(claim_id)),
            "annotations": [{"article": slug, "id": note_id} for slug, note_id in linked.annotations_by_claim[claim_id]]}


def _stance(linked: LinkedSite, key: str) -> dict:
    stance = linked.content.site.stance(key)
    return {"key": key, "label": stance.label, "description": stance.description,
            "url": linked.content.site.absolute(urls.stance(key)), "articles": list(linked.by_stance[key])}


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@lru_cache(maxsize=1 << 16)  # serve remakes both data files on every edit; most notes did not change
def html_text(html: str) -> str:
    """The text a reader sees in a note's HTML, whitespace collapsed (paragraphs joined by a space)."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())
