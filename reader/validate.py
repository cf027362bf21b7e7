"""Validate stage: raw records -> frozen `Content`, with every problem collected as a diagnostic.

A record with errors is left out (nothing is half-built); the run still goes on,
so that one build reports every problem in the site.

`serve` passes a `ValidationCache`, so that a rebuild costs in proportion to what
changed: each kind of file is validated as a `_Batch`, which validates again only
the files that are not the same objects as last time (load returns the same
`RawFile` for an unchanged file), and the checks across files are reused while
their inputs are the same objects. Either way the result and the diagnostics, in
their order, are those of a validation from scratch.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain, compress, count, repeat
from operator import attrgetter, is_, is_not
from typing import Any, Generic, TypeVar

from .annotations import in_article_order, validate_claims, validate_file
from .diagnostics import Diagnostic, Diagnostics, did_you_mean
from .fields import Fields, describe
from .load import RawFile, RawSite
from .mentions import fold
from .model import ACTOR_KINDS, Actor, Annotation, Article, Content, Link, Page, Site, Stance

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
_NOTHING = object()  # the context of a batch that never ran


class _Batch(Generic[T]):
    """The last validation of a sequence of items (files, or articles): each one's value and problems.

    An item's value is made again only if the item is not one of the last run's (by identity: a value
    also depends on where things stand in its file, which equal records need not share) or `context`
    (the keys it may name) differs; the lists are never changed once made, so callers may keep them.
    """

    def __init__(self) -> None:
        self.items: Sequence = ()
        self.context: object = _NOTHING
        self.values: list[T | None] = []
        self.problems: list[tuple[Diagnostic, ...]] = []
        self.flat: list[Diagnostic] = []
        """Every item's problems, in item order."""

    def run(self, items: Sequence, context: object, make: Callable[[Any, Diagnostics], T | None]) -> list[T | None]:
        """Each item's value, as `make(item, diagnostics)` gives it; their problems are in `flat` after."""
        in_place = context == self.context and len(items) == len(self.items)
        if in_place:  # the usual edit: the same files in the same places, one of them new
            values, problems = self.values, self.problems
            changed = list(compress(count(), map(is_not, items, self.items)))  # C loops: 10,000 items in ~0.2 ms
        elif context == self.context:  # files added or removed
            values, problems, changed = self._by_identity(items)
        else:
            values, problems, changed = [None] * len(items), [()] * len(items), range(len(items))
        if changed or not in_place:
            values, problems = list(values), list(problems)  # the lists handed out are never changed
            clean = in_place and not any(map(problems.__getitem__, changed))
            for index in changed:
                found = Diagnostics()
                values[index], problems[index] = make(items[index], found), tuple(found.items)
            if not (clean and not any(map(problems.__getitem__, changed))):
                self.flat = list(chain.from_iterable(problems))
            self.values, self.problems = values, problems
        self.items, self.context = items, context
        return self.values

    def _by_identity(self, items: Sequence) -> tuple[list, list, list[int]]:
        """The last values and problems of the items that were there last time, wherever they are now;
        and the positions of the others."""
        earlier = dict(zip(map(id, self.items), range(len(self.items))))
        new = len(self.items)  # (the position of an item not seen before, past the last one)
        places = list(map(earlier.get, map(id, items), repeat(new)))
        values = list(map([*self.values, None].__getitem__, places))
        problems = list(map([*self.problems, ()].__getitem__, places))
        return values, problems, list(compress(count(), map(new.__eq__, places)))


class _Order:
    """Articles newest first, then by slug, from an articles `_Batch`'s values; the last order is kept
    while no article moved (an edit of a body keeps its date and slug)."""

    def __init__(self) -> None:
        self.values: list[Article | None] = []
        self.places: list[int] = []
        """Positions in `values` of the valid articles, in order."""
        self.sorted: tuple[Article, ...] = ()

    def sort(self, values: list[Article | None]) -> tuple[Article, ...]:
        if values is self.values:
            return self.sorted
        if not self._same_places(values):
            valid = compress(count(), map(is_not, values, repeat(None)))
            self.places = sorted(valid, key=lambda index: _newest_first(values[index]))
        self.values, self.sorted = values, tuple(map(values.__getitem__, self.places))
        return self.sorted

    def _same_places(self, values: list[Article | None]) -> bool:
        if len(values) != len(self.values):
            return False
        for index in compress(count(), map(is_not, values, self.values)):
            old, new = self.values[index], values[index]
            if old is None or new is None or _newest_first(old) != _newest_first(new):
                return False
        return True


def _newest_first(article: Article) -> tuple[int, str]:
    return -article.date.toordinal(), article.slug


class _Memo:
    """The last result of one check across files, with its problems, kept while its inputs are the same:
    `same` item by item by identity (where things stand in files is part of a record), `equal` by value."""

    def __init__(self) -> None:
        self.same: Sequence = ()
        self.equal: object = _NOTHING
        self.result: tuple[object, tuple[Diagnostic, ...]] | None = None

    def run(self, same: Sequence, equal: object, diagnostics: Diagnostics, make: Callable[[Diagnostics], T]) -> T:
        if (self.result is None or equal != self.equal or len(same) != len(self.same)
                or not all(map(is_, same, self.same))):
            found = Diagnostics()
            self.result = make(found), tuple(found.items)
        self.same, self.equal = same, equal
        diagnostics.items.extend(self.result[1])
        return self.result[0]  # type: ignore[return-value]


class ValidationCache:
    """What the last validation found, kind by kind, for `validate_site` to reuse (see the module
    docstring). `serve` passes one, so that an edit validates again only what it touched."""

    def __init__(self) -> None:
        self.site, self.actors, self.pages = _Batch[Site](), _Batch[Actor](), _Batch[Page]()
        self.articles, self.unknown_actors = _Batch[Article](), _Batch[None]()
        self.order = _Order()
        self.claims, self.annotation_files = _Batch(), _Batch[list[Annotation]]()
        self.annotations, self.aliases = _Memo(), _Memo()


def validate_site(raw: RawSite, diagnostics: Diagnostics, cache: ValidationCache | None = None) -> Content | None:
    """The whole site, or None when site.yaml itself is unusable."""
    cache = cache or ValidationCache()
    sites = _run(cache.site, (raw.site,) if raw.site else (), (), diagnostics, _site)
    site = sites[0] if sites else None
    if site is None:
        return None
    stance_keys = [s.key for s in site.stances]
    actors = [a for a in _run(cache.actors, raw.actors, (), diagnostics, _actor) if a]
    articles = cache.order.sort(_run(cache.articles, raw.articles, tuple(stance_keys), diagnostics,
                                     partial(_article, stance_keys=stance_keys)))
    pages = tuple(p for p in _run(cache.pages, raw.pages, (), diagnostics, _page) if p)
    claim_files = _run(cache.claims, (raw.claims,) if raw.claims else (), (), diagnostics, validate_claims)
    claims = claim_files[0] if claim_files else ()
    annotations = _annotations(cache, raw.annotations, list(map(attrgetter("slug"), articles)),
                               [a.id for a in actors], [c.id for c in claims], diagnostics)
    content = Content(site, articles, tuple(sorted(actors, key=lambda a: a.id)), pages, annotations, claims)
    _check_references(cache, content, raw, diagnostics)
    return content


def _run(batch: _Batch[T], items: Sequence, context: object, diagnostics: Diagnostics,
         make: Callable[..., T | None]) -> list[T | None]:
    """`batch.run`, its problems reported."""
    values = batch.run(items, context, make)
    diagnostics.items.extend(batch.flat)
    return values


def _annotations(cache: ValidationCache, files: tuple[RawFile, ...], article_slugs: list[str], actor_ids: list[str],
                 claim_ids: list[str], diagnostics: Diagnostics) -> tuple[Annotation, ...]:
    """Each file validated against the actors and claims (again only if changed), then put in article order."""
    batch = cache.annotation_files
    batch.run(files, (tuple(actor_ids), tuple(claim_ids)),
              lambda raw, found: validate_file(raw, actor_ids, claim_ids, found))
    return cache.annotations.run(
        (batch.values, batch.problems), article_slugs, diagnostics,
        lambda found: in_article_order(files, batch.values, batch.problems, article_slugs, found))


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


def _article(raw: RawFile, diagnostics: Diagnostics, stance_keys: list[str]) -> Article | None:
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


def _check_references(cache: ValidationCache, content: Content, raw: RawSite, diagnostics: Diagnostics) -> None:
    """Cross-file rules: each alias names one actor; implied actors exist."""
    cache.aliases.run(content.actors, None, diagnostics, lambda found: _check_aliases(content, raw, found))
    actor_ids = [a.id for a in content.actors]
    _run(cache.unknown_actors, content.articles, tuple(actor_ids), diagnostics,
         partial(_check_implied_actors, raw=raw, actor_ids=actor_ids, known=set(actor_ids)))


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


def _check_implied_actors(article: Article, diagnostics: Diagnostics, raw: RawSite, actor_ids: list[str],
                          known: set[str]) -> None:
    for index, actor_id in enumerate(article.actors):
        if actor_id not in known:
            guess = did_you_mean(actor_id, actor_ids)
            diagnostics.error(_position(raw.articles, article.slug, "actors", index),
                              f"unknown actor '{actor_id}'",
                              f"did you mean '{guess}'?" if guess else "add content/actors/<id>.md first")


def _position(files: tuple[RawFile, ...], stem: str, *path: object):
    raw = next(f for f in files if f.stem == stem)
    return raw.positions.of(*path)
