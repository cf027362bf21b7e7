"""Open data: the whole reader as one JSON file (/data/reader.json) and the notes as CSV (/data/annotations.csv).

Pure: `LinkedSite` -> bytes, read through `linked` only, in the content's own
order, so two builds are byte-identical. The JSON's shape is versioned
(`DATA_VERSION`; an incompatible change raises it); content/about.md documents
both files for readers. Mention offsets count characters in the plain text of
paragraph N (the `#p-N` anchor of the article page), the text the actor pages
quote; a note's `actors` are those its editors listed plus those its quote names,
as on the actor pages. The CSV is RFC 4180 (UTF-8, CRLF, quoted when needed),
one row per note in `CSV_COLUMNS` order.

`serve` makes both files again after every edit, so each article's share of them
(its entry in "articles" and "mentions", its notes as JSON and as CSV rows) is kept
as UTF-8 bytes between calls and made again only when an entry it is made from
changed (`_Shares`): a call after a one-article edit costs a C pass over each
table it reads, that article's share, and a join of bytes.
"""
from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from html.parser import HTMLParser
from typing import TypeVar

from . import urls
from .dictdiff import differing_keys
from .link import LinkedSite
from .placing import PlacedNote

T = TypeVar("T")

DATA_VERSION = 1
CSV_COLUMNS = ("article", "id", "permalink", "number", "kind", "verdict", "claim", "quote", "note",
               "actors", "source_urls", "editor", "date", "event_date")
# A spreadsheet runs a cell that starts so as a formula; such a cell gets a leading apostrophe (the
# JSON file keeps every value exact).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def reader_json(linked: LinkedSite) -> bytes:
    """/data/reader.json: articles, actors, mentions, notes, claims and stances, keyed by the content's ids.

    Written as `json.dumps` would write the whole, but joined from the JSON of each article's, claim's
    and stance's share (`_Shares`) in a single join: at 10,000 articles the file is about 100 MB, and
    each copy of it costs some 40 ms.
    """
    site = linked.content.site
    slugs = list(linked.articles_by_slug)  # content order in one read (in serve, `a.slug` is a read per record)
    articles = _article_shares(linked, slugs)
    parts = {
        "version": [_dumps(DATA_VERSION)],
        "site": [_dumps({"title": site.title, "description": site.description, "url": site.base_url,
                         "language": site.language})],
        "articles": _enclosed(b"[", [entry for entry, _ in articles], b"]"),
        "actors": [_dumps([_actor(linked, a.id) for a in linked.content.actors])],
        "mentions": _enclosed(b"{", [mentions for _, mentions in articles], b"}"),
        "annotations": _enclosed(b"[", [items for items, _ in _note_shares(linked, slugs) if items], b"]"),
        "claims": _enclosed(b"[", _claim_shares(linked), b"]"),
        "stances": _enclosed(b"[", _stance_shares(linked), b"]"),
    }
    pieces = [b"{"]
    for key, value in parts.items():
        pieces.extend((b"," if len(pieces) > 1 else b"", _dumps(key), b":"))
        pieces.extend(value)
    pieces.append(b"}\n")
    return b"".join(pieces)


def annotations_csv(linked: LinkedSite) -> bytes:
    """/data/annotations.csv: one row per note, columns in CSV_COLUMNS order."""
    slugs = [a.slug for a in linked.content.articles]
    return b"".join([_csv([CSV_COLUMNS]), *(rows for _, rows in _note_shares(linked, slugs))])


def _dumps(value) -> bytes:
    # Compact: only then does json use its C encoder (indented, encoding took three times as long).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _enclosed(opening: bytes, items: list[bytes], closing: bytes) -> list[bytes]:
    """The pieces of a JSON array or object whose items (or members) are `items`."""
    if not items:
        return [opening, closing]
    pieces = [b","] * (2 * len(items) + 1)
    pieces[1::2] = items
    pieces[0], pieces[-1] = opening, closing
    return pieces


def _csv(rows: list) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


class _Shares:
    """One share of an output per key (an article slug, a claim id, a stance key), kept from the last call:
    a memo, the output is the same without it.

    A share is made again only when the site's base URL changed or an entry of its key changed in one of
    the tables it is made from. `differing_keys` finds those entries in one C pass when, as between two
    `serve` builds, almost every entry is the very same object as last time; when the keys are the same
    too, the other shares are kept without a Python step per key.
    """

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.position: dict[str, int] = {}
        self.base_url: str | None = None
        self.tables: dict[str, dict] = {}
        self.made: list = []

    def of(self, keys: list[str], base_url: str, tables: dict[str, dict], make: Callable[[str], T]) -> list[T]:
        """`make(key)` for each of `keys` (unique); `tables` are keyed by those keys or by (key, ...)."""
        if base_url != self.base_url or tables.keys() != self.tables.keys():
            made = [make(key) for key in keys]
        elif keys == self.keys:
            made = list(self.made)
            for key in _stale(self.tables, tables) & self.position.keys():
                made[self.position[key]] = make(key)
        else:
            stale, position, kept = _stale(self.tables, tables), self.position, self.made
            made = [kept[position[key]] if key in position and key not in stale else make(key) for key in keys]
        if keys != self.keys:
            self.keys, self.position = keys, {key: n for n, key in enumerate(keys)}
        self.base_url, self.tables, self.made = base_url, tables, made
        return made


def _stale(before: dict[str, dict], after: dict[str, dict]) -> set[str]:
    """The keys with an entry that differs between the tables `before` and `after`."""
    stale: set[str] = set()
    for name, table in after.items():
        if before[name] is not table:
            changed, _ = differing_keys(before[name], table)
            stale.update(key[0] if isinstance(key, tuple) else key for key in changed)
    return stale


def _table(mapping) -> dict:
    """One of the linked site's tables as a dict: the very dict when it is one (a second call with the same
    site then skips it); in `serve`, a copy of the tracking view's dict, which records a read of all of it."""
    return mapping if type(mapping) is dict else mapping.copy()


def _fields(records: Iterable, keys: list[str]) -> dict[str, dict]:
    # vars(): a record's fields in one read (in `serve`, one tracked read of the whole record), the same
    # dict while the record is the same object.
    return dict(zip(keys, map(vars, records)))


_ARTICLES, _NOTES, _CLAIMS, _STANCES = _Shares(), _Shares(), _Shares(), _Shares()


def _article_shares(linked: LinkedSite, slugs: list[str]) -> list[tuple[bytes, bytes]]:
    """Per article: its entry in "articles" and its member of "mentions", as JSON."""
    tables = {"articles": _fields(_table(linked.articles_by_slug).values(), slugs), "bodies": _table(linked.bodies),
              "counts": _table(linked.counts)}
    return _ARTICLES.of(slugs, linked.content.site.base_url, tables, lambda slug: (
        _dumps(_article(linked, slug)), _dumps({slug: _mentions(linked, slug)})[1:-1]))


def _note_shares(linked: LinkedSite, slugs: list[str]) -> list[tuple[bytes, bytes]]:
    """Per article: its notes as JSON array items (empty when it has none) and as CSV rows."""
    tables = {"notes": _table(linked.notes), "note_html": _table(linked.note_html), "concerns": _table(linked.concerns)}
    return _NOTES.of(slugs, linked.content.site.base_url, tables,
                     lambda slug: _notes_share(linked, slug, _actors_by_note(linked.concerns[slug])))


def _actors_by_note(concerns: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    """Annotation id -> the actor ids its note concerns (sorted, as the link stage lists them)."""
    found: dict[str, list[str]] = defaultdict(list)
    for actor_id, annotation_id in concerns:
        found[annotation_id].append(actor_id)
    return found


def _notes_share(linked: LinkedSite, slug: str, actors: dict[str, list[str]]) -> tuple[bytes, bytes]:
    notes = [_annotation(linked, slug, note, actors.get(note.annotation.id, [])) for note in linked.notes[slug]]
    rows = [{**note, "actors": " ".join(note["actors"]), "source_urls": " ".join(s["url"] for s in note["sources"]),
             "note": note["note_text"]} for note in notes]
    return _dumps(notes)[1:-1], _csv([[_cell(row[column]) for column in CSV_COLUMNS] for row in rows])


def _claim_shares(linked: LinkedSite) -> list[bytes]:
    claims = linked.content.claims
    ids = [c.id for c in claims]
    tables = {"claims": _fields(claims, ids), "notes": _table(linked.annotations_by_claim)}
    return _CLAIMS.of(ids, linked.content.site.base_url, tables, lambda claim_id: _dumps(_claim(linked, claim_id)))


def _stance_shares(linked: LinkedSite) -> list[bytes]:
    stances = linked.content.site.stances
    keys = [s.key for s in stances]
    tables = {"stances": dict(zip(keys, stances)), "articles": _table(linked.by_stance)}
    return _STANCES.of(keys, linked.content.site.base_url, tables, lambda key: _dumps(_stance(linked, key)))




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
