"""The content model: frozen values that the validate stage produces and later stages read.

Values refer to each other by key (an actor id, a stance key, an article slug),
never by object, so that every cross-reference is resolved in one place (link).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from .diagnostics import Source

ACTOR_KINDS = ("person", "organization", "state", "company", "armed_group")
ANNOTATION_KINDS = ("context", "fact_check", "correction", "definition", "cross_reference")
ANNOTATION_LABELS = {
    "context": "Context",
    "fact_check": "Fact-check",
    "correction": "Correction",
    "definition": "Definition",
    "cross_reference": "See also",
}
VERDICTS = ("accurate", "misleading", "needs_context", "inaccurate", "unverified")
VERDICT_LABELS = {
    "accurate": "Accurate",
    "misleading": "Misleading",
    "needs_context": "Needs context",
    "inaccurate": "Inaccurate",
    "unverified": "Unverified",
}
KIND_LABELS = {
    "person": "People",
    "organization": "Organisations",
    "state": "States",
    "company": "Companies",
    "armed_group": "Armed groups",
}


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Stance:
    """A position an article takes; `description` lets a reader check the label."""

    key: str
    label: str
    description: str


@dataclass(frozen=True)
class Site:
    """site.yaml, validated."""

    title: str
    description: str
    base_url: str
    """Absolute URL ending in '/'; its path is the prefix of every link."""
    language: str
    link_mentions: str
    """'first' (first mention of each actor in an article) or 'all'."""
    unlinked_phrases: tuple[str, ...]
    """Phrases that contain an alias but mention nobody ('Latin America')."""
    stances: tuple[Stance, ...]

    @cached_property  # read for every link of every page
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    def stance(self, key: str) -> Stance:
        return next(s for s in self.stances if s.key == key)

    def absolute(self, url: str) -> str:
        """The full address of `url` (relative to the base, as `urls` gives it), for feeds, metadata and data."""
        return self.base_url + url


@dataclass(frozen=True)
class Article:
    """content/articles/<slug>.md"""

    slug: str
    title: str
    date: dt.date
    date_precision: str
    """'exact' or 'approximate'."""
    authors: tuple[str, ...]
    """Empty when the author is unknown; `author_note` then says why."""
    publication: str | None
    stance: str
    stance_note: str
    body: str
    """Markdown, CommonMark, no raw HTML."""
    body_line: int
    """Line of the file on which the body starts, to report positions in it."""
    source: Source
    notes: dict[str, str]
    """Editors' notes on the metadata: title_note, date_note, author_note, publication_note."""
    summary: str | None = None
    standfirst: str | None = None
    source_url: str | None = None
    author_bio: str | None = None
    section: str | None = None
    """The source's section label, kept for provenance."""
    image_caption: str | None = None
    """The caption of the source's lead image (the image itself is not kept)."""
    actors: tuple[str, ...] = ()
    """Actors the text implies but does not name."""
    related: tuple[str, ...] = ()
    """'See:'/'Related:' lines of the source, kept out of the prose."""
    raw: str | None = None
    raw_sha256: str | None = None


@dataclass(frozen=True)
class Actor:
    """content/actors/<id>.md"""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    role: str | None
    links: tuple[Link, ...]
    body: str
    source: Source


@dataclass(frozen=True)
class Annotation:
    """One item of content/annotations/<article-slug>.yaml: a note anchored to a quoted passage."""

    article: str
    """The slug of the annotated article."""
    id: str
    """Unique within the article; the note's anchor (#id)."""
    quote: str
    """The passage as a reader sees it (W3C TextQuoteSelector `exact`)."""
    prefix: str | None
    """Text just before the quote, to choose among repeats."""
    suffix: str | None
    """Text just after the quote."""
    kind: str
    """One of ANNOTATION_KINDS."""
    verdict: str | None
    """One of VERDICTS; fact-checks only."""
    claim: str | None
    """A key of content/claims.yaml."""
    actors: tuple[str, ...]
    """Actors the note concerns, beyond those the quote names."""
    see: tuple[str, ...]
    """Cross-references: "<slug>" or "<slug>#<annotation-id>"."""
    note: str
    """Markdown, no raw HTML."""
    sources: tuple[Link, ...]
    editor: str
    date: dt.date
    """When the note was written."""
    event_date: dt.date | None
    """When the event the note is about happened, if it has one."""
    source: Source
    """Where the item starts."""
    quote_source: Source
    """Where its `quote` value is, for anchoring messages."""


@dataclass(frozen=True)
class Claim:
    """A claim that several articles make (content/claims.yaml)."""

    id: str
    title: str
    description: str
    source: Source


@dataclass(frozen=True)
class Page:
    """A free-standing Markdown page such as content/about.md."""

    slug: str
    title: str
    body: str
    source: Source
    menu: str | None = None
    """Label of the page in the site's navigation, if it has one."""


@dataclass(frozen=True)
class Content:
    """Everything the validate stage accepted, in a stable order."""

    site: Site
    articles: tuple[Article, ...]
    """Newest first, then by slug."""
    actors: tuple[Actor, ...]
    """By id."""
    pages: tuple[Page, ...]
    annotations: tuple[Annotation, ...] = ()
    """In article order (as `articles`), then in file order."""
    claims: tuple[Claim, ...] = ()
    """In file order."""
