"""Validate stage: raw records -> frozen `Content`, with every problem collected as a diagnostic.

A record with errors is left out (nothing is half-built); the run still goes on,
so that one build reports every problem in the site.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from .annotations import validate_annotations, validate_claims
from .diagnostics import Diagnostic, Diagnostics, did_you_mean
from .fields import Fields, describe
from .load import RawFile, RawSite
from .mentions import fold
from .model import ACTOR_KINDS, Actor, Article, Content, Link, Page, Site, Stance

SITE_FIELDS = {"title", "description", "base_url", "language", "link_mentions", "unlinked_phrases", "stances"}
ARTICLE_FIELDS = {
    "title", "date", "date_precision", "author", "publication", "source_url", "stance", "stance_note",
    "actors", "summary", "standfirst", "section", "image_caption", "related", "author_bio", "raw", "raw_sha256",
    "title_note", "date_note", "author_note", "publication_note",
}
NOTE_FIELDS = ("title_note", "date_note", "author_note", "publication_note")
ARTICLE_OPTIONAL_TEXT = ("summary", "standfirst", "section", "image_caption", "author_bio", "raw", "raw_sha256")
ACTOR_FIELDS = {"name", "kind", "aliases", "role", "links"}
PAGE_FIELDS = {"title", "menu"}
T = TypeVar("T")


class ValidationCache:
    """What validating each file gave, kept with the file (by identity: the load stage's `ParseCache`
    returns the same `RawFile` for an unchanged text) and the other files' keys it was checked against.

    `serve` passes one, so that an edit validates again only the files it touched.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[RawFile, tuple, object, tuple[Diagnostic, ...]]] = {}

    def validate(self, kind: str, raw: RawFile, context: tuple, diagnostics: Diagnostics,
                 make: Callable[[Diagnostics], T]) -> T:
        """`make(diagnostics)` once per file and context; later calls replay its result and its problems."""
        key = (kind, raw.source.path)
        entry = self._entries.get(key)
        if entry is None or entry[0] is not raw or entry[1] != context:
            found = Diagnostics()
            entry = self._entries[key] = (raw, context, make(found), tuple(found.items))
        diagnostics.items.extend(entry[3])
        return entry[2]  # type: ignore[return-value]


def validate_site(raw: RawSite, diagnostics: Diagnostics, cache: ValidationCache | None = None) -> Content | None:
    """The whole site, or None when site.yaml itself is unusable."""
    site = _site(raw.site, diagnostics) if raw.site else None
    if site is None:
        return None
    cache = cache or ValidationCache()
    stance_keys = [s.key for s in site.stances]
    actors = tuple(a for a in (cache.validate("actor", f, (), diagnostics, partial(_actor, f)) for f in raw.actors) if a)
    articles = [a for a in (cache.validate("article", f, tuple(stance_keys), diagnostics,
                                           partial(_article, f, stance_keys)) for f in raw.articles) if a]
    articles.sort(key=lambda a: (-a.date.toordinal(), a.slug))
    pages = tuple(p for p in (_page(f, diagnostics) for f in raw.pages) if p)
    claims = validate_claims(raw.claims, diagnostics)
    annotations = validate_annotations(raw.annotations, [a.slug for a in articles], [a.id for a in actors],
                                       [c.id for c in claims], diagnostics, cache.validate)
    content = Content(site, tuple(articles), tuple(sorted(actors, key=lambda a: a.id)), pages,
                      annotations, claims)
    _check_references(content, raw, diagnostics)
    return content


def _site(raw: RawFile, diagnostics: Diagnostics) -> Site | None:
    fields = Fields(raw, diagnostics)
    base_url = fields.url("base_url", bare=True)
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    site = Site(
        title=fields.string("title"),
        description=fields.string("description", required=False) or "",
        base_url=base_url,
        language=fields.string("language", required=False) or "en",
        link_mentions=fields.choice("link_mentions", ("first", "all"), "link_mentions value", required=False) or "first",
        unlinked_phrases=fields.strings("unlinked_phrases"),
        stances=_stances(fields),
    )
    fields.warn_unknown(SITE_FIELDS)
    return site if site.title and site.base_url and site.stances else None


def _stances(fields: Fields) -> tuple[Stance, ...]:
    value = fields.get("stances")
    if not isinstance(value, dict) or not value:
        fields.error("stances", "'stances' must map each stance key to a label and a description",
                     "stances:\n      shield: {label: ..., description: ...}")
        return ()
    stances = []
    for key, entry in fields.entries("stances", "a label and a description"):
        label, description = entry.string("label"), entry.string("description")
        entry.warn_unknown({"label", "description"})
        if fields.key_pattern(key, "stances", at_key=("stances", key)) and label and description:
            stances.append(Stance(key, label, description))
    return tuple(stances)


def _article(raw: RawFile, stance_keys: list[str], diagnostics: Diagnostics) -> Article | None:
    fields = Fields(raw, diagnostics)
    if not fields.key_pattern(raw.stem, "title"):
        return None
    errors_before = len(diagnostics.errors)
    values = _article_values(fields, stance_keys)
    notes = values["notes"]
    if not values["authors"] and "author_note" not in notes and fields.data.get("author") in (None, []):
        fields.error("author", "'author' is missing", "name the author, or write 'author: null' and an 'author_note' saying why")
    if not values["publication"] and "publication_note" not in notes:
        fields.error("publication", "'publication' is missing", "name it, or write 'publication: null' and a 'publication_note'")
    fields.warn_unknown(ARTICLE_FIELDS)
    if len(diagnostics.errors) > errors_before:
        return None
    return Article(slug=raw.stem, body=raw.body, body_line=raw.body_line, source=raw.source, **values)


def _article_values(fields: Fields, stance_keys: list[str]) -> dict:
    """Every front matter field of an article, read and checked (None where invalid)."""
    notes = {key: fields.string(key, required=False) for key in NOTE_FIELDS}
    optional = {key: fields.string(key, required=False) for key in ARTICLE_OPTIONAL_TEXT}
    return dict(
        title=fields.string("title"), date=fields.date("date"),
        date_precision=fields.choice("date_precision", ("exact", "approximate"), "date precision",
                                     required=False) or "exact",
        authors=fields.strings("author"), publication=fields.string("publication", required=False),
        stance=fields.choice("stance", stance_keys, "stance"), stance_note=fields.string("stance_note"),
        source_url=fields.url("source_url"), actors=fields.strings("actors"), related=fields.strings("related"),
        notes={key: value for key, value in notes.items() if value}, **optional,
    )


def _actor(raw: RawFile, diagnostics: Diagnostics) -> Actor | None:
    fields = Fields(raw, diagnostics)
    if not fields.key_pattern(raw.stem, "name"):
        return None
    errors_before = len(diagnostics.errors)
    actor = dict(
        id=raw.stem, name=fields.string("name"), kind=fields.choice("kind", ACTOR_KINDS, "actor kind"),
        aliases=fields.strings("aliases"), role=fields.string("role", required=False),
        links=_links(fields), body=raw.body, source=raw.source,
    )
    fields.warn_unknown(ACTOR_FIELDS)
    return Actor(**actor) if len(diagnostics.errors) == errors_before else None


def _links(fields: Fields) -> tuple[Link, ...]:
    value = fields.get("links")
    if value is not None and not isinstance(value, list):
        fields.error("links", f"'links' must be a list of {{title, url}}, got {describe(value)}",
                     "links:\n      - {title: Wikipedia, url: https://...}")
        return ()
    links = []
    for _, entry in fields.entries("links", "a title and a url"):
        title, url = entry.string("title"), entry.url("url", mailto=True)
        if entry.get("url") is None:
            entry.missing("url")
        entry.warn_unknown({"title", "url"})
        if title and url:
            links.append(Link(title, url))
    return tuple(links)


def _page(raw: RawFile, diagnostics: Diagnostics) -> Page | None:
    fields = Fields(raw, diagnostics)
    title, menu = fields.string("title"), fields.string("menu", required=False)
    fields.warn_unknown(PAGE_FIELDS)
    return Page(raw.stem, title, raw.body, raw.source, menu) if title else None


def _check_references(content: Content, raw: RawSite, diagnostics: Diagnostics) -> None:
    """Cross-file rules: each alias names one actor; implied actors exist."""
    _check_aliases(content, raw, diagnostics)
    _check_implied_actors(content, raw, diagnostics)


def _check_aliases(content: Content, raw: RawSite, diagnostics: Diagnostics) -> None:
    """Aliases are compared as the matcher sees them (accents ignored), so 'Guaido' and 'Guaidó' collide."""
    owners: dict[str, tuple[Actor, str, tuple]] = {}
    for actor in content.actors:
        spellings = [(actor.name, ("name",))] + [(a, ("aliases", i)) for i, a in enumerate(actor.aliases)]
        for alias, path in spellings:
            other, first_spelling, first_path = owners.setdefault(fold(alias), (actor, alias, path))
            if other is not actor:
                first = _position(raw.actors, other.id, *first_path)
                diagnostics.error(_position(raw.actors, actor.id, *path),
                                  f"alias '{alias}' is claimed by two actors: {other.id} ('{first_spelling}') and {actor.id}",
                                  f"first claimed at {first.path}:{first.line}:{first.col}; remove it from one of them")


def _check_implied_actors(content: Content, raw: RawSite, diagnostics: Diagnostics) -> None:
    actor_ids = [a.id for a in content.actors]
    for article in content.articles:
        for index, actor_id in enumerate(article.actors):
            if actor_id not in actor_ids:
                guess = did_you_mean(actor_id, actor_ids)
                diagnostics.error(_position(raw.articles, article.slug, "actors", index),
                                  f"unknown actor '{actor_id}'",
                                  f"did you mean '{guess}'?" if guess else "add content/actors/<id>.md first")


def _position(files: tuple[RawFile, ...], stem: str, *path: object):
    raw = next(f for f in files if f.stem == stem)
    return raw.positions.of(*path)
