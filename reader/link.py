"""Link stage: resolve actor mentions and build the indexes pages need (pure; no I/O).

Every article body is parsed once here with our markdown-it plugins; the result
is data (HTML, mentions, paragraph texts), and the indexes refer to articles and
actors by key: mentions per actor, counts per article, co-mentions, stances.
"""
from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter

from . import joins, urls
from .diagnostics import Diagnostic, Diagnostics
from .highlight import add_highlights
from .joins import LinkMemory
from .markdown import Mention, ParsedBody, make_markdown, parse_body, render_markdown, render_note
from .mentions import AliasMatcher
from .model import Actor, Annotation, Article, Claim, Content, Page
from .placing import PlacedNote, place_annotations


@dataclass(frozen=True)
class ActorMention:
    """One mention of an actor: in which article, and the mention itself (None: implied by front matter)."""

    slug: str
    mention: Mention | None


@dataclass(frozen=True)
class LinkedSite:
    """Content plus everything that connects it; what the render stage reads."""

    content: Content
    bodies: dict[str, ParsedBody]
    """Article slug -> parsed body with mention links and highlights, ready to render."""
    notes: dict[str, tuple[PlacedNote, ...]]
    """Article slug -> its annotations, numbered in reading order (orphans last)."""
    note_html: dict[tuple[str, str], tuple[str, str]]
    """(article slug, annotation id) -> the note as block HTML and as inline HTML (for sidenotes)."""
    annotations_by_actor: dict[str, tuple[tuple[str, str], ...]]
    """Actor id -> (slug, annotation id) of notes that concern it (by `actors:` or a mention in the quote)."""
    concerns: dict[str, tuple[tuple[str, str], ...]]
    """Article slug -> (actor id, annotation id) for each actor its notes concern, notes in reading
    order, actors sorted within a note (`annotations_by_actor` by article)."""
    annotations_by_claim: dict[str, tuple[tuple[str, str], ...]]
    """Claim id -> (slug, annotation id), articles newest first."""
    texts: dict[str, str]
    """Actor id or page slug -> rendered HTML of its description/body."""
    mentions: dict[str, tuple[ActorMention, ...]]
    """Actor id -> its mentions, articles newest first, in text order."""
    counts: dict[str, tuple[tuple[str, int], ...]]
    """Article slug -> (actor id, mentions) most mentioned first; implied actors count 0."""
    co_mentions: dict[str, tuple[tuple[str, int], ...]]
    """Actor id -> (other actor id, articles shared) most shared first."""
    by_stance: dict[str, tuple[str, ...]]
    """Stance key -> article slugs, newest first."""
    notes_by_id: dict[tuple[str, str], PlacedNote]
    """(article slug, annotation id) -> the note."""
    paragraphs: dict[tuple[str, int], str]
    """(article slug, paragraph number from 1) -> the paragraph's plain text (for snippets)."""
    backlinks: dict[str, tuple[tuple[str, str, str], ...]]
    """Article slug -> (referring slug, annotation id, target annotation id or "") of every note in
    another article whose `see` names it; referring articles newest first, their notes in reading order.
    A dict read by key, so a page that shows one article's backlinks depends on that entry only."""

    # Lookups by key, for templates and pages: a page that reads one entry depends on that entry only.
    @cached_property
    def articles_by_slug(self) -> dict[str, Article]:
        return {a.slug: a for a in self.content.articles}

    @cached_property
    def actors_by_id(self) -> dict[str, Actor]:
        return {a.id: a for a in self.content.actors}

    @cached_property
    def claims_by_id(self) -> dict[str, Claim]:
        return {c.id: c for c in self.content.claims}

    @cached_property
    def pages_by_slug(self) -> dict[str, Page]:
        return {p.slug: p for p in self.content.pages}

    @cached_property
    def neighbours(self) -> dict[str, tuple[str | None, str | None]]:
        """Article slug -> (the article just before it in time, the one just after), for the pager."""
        order = [a.slug for a in reversed(self.content.articles)]
        return {slug: (order[i - 1] if i > 0 else None, order[i + 1] if i + 1 < len(order) else None)
                for i, slug in enumerate(order)}


@dataclass(frozen=True)
class LinkSettings:
    """Everything outside an article that decides how its body links; when it changes, every article is relinked."""

    aliases: tuple[tuple[str, str], ...]
    """(alias or name, actor id), in actor order."""
    unlinked_phrases: tuple[str, ...]
    base_path: str
    link_mentions: str

    @classmethod
    def of(cls, content: Content) -> "LinkSettings":
        site = content.site
        aliases = tuple((alias, a.id) for a in content.actors for alias in (a.name, *a.aliases))
        return cls(aliases, site.unlinked_phrases, site.base_path, site.link_mentions)


class LinkTools:
    """The Markdown parsers that `settings` call for, built once per link run."""

    def __init__(self, settings: LinkSettings):
        self.settings = settings
        matcher = AliasMatcher.build(dict(settings.aliases), settings.unlinked_phrases)
        self.md = make_markdown(matcher, lambda actor_id: urls.href(settings.base_path, urls.actor(actor_id)),
                                settings.link_mentions)
        self.notes_md = make_markdown(paragraph_ids=False)


@dataclass(frozen=True)
class LinkedArticle:
    """One article's share of the link stage: a pure function of the article, its annotations and the settings."""

    body: ParsedBody
    """Mention links and highlights included, ready to render."""
    notes: tuple[PlacedNote, ...]
    note_html: tuple[tuple[tuple[str, str], tuple[str, str]], ...]
    """((slug, annotation id), (block HTML, inline HTML)) per annotation: its share of `LinkedSite.note_html`."""
    counts: tuple[tuple[str, int], ...]
    diagnostics: tuple[Diagnostic, ...]
    """What placing the annotations reported (kept, so that a reused result reports it again)."""
    mentions_by_actor: tuple[tuple[str, tuple[ActorMention, ...]], ...]
    """This article's share of `LinkedSite.mentions`: actor id -> its mentions here, in text order
    (an actor implied by the front matter alone: one mention None)."""
    concerns: tuple[tuple[str, str], ...]
    """This article's share of `LinkedSite.annotations_by_actor`: (actor id, annotation id), notes in
    reading order, actors sorted within a note."""
    notes_by_id: tuple[tuple[tuple[str, str], PlacedNote], ...]
    """((slug, annotation id), note) in reading order: its share of `LinkedSite.notes_by_id`."""
    paragraphs: tuple[tuple[tuple[str, int], str], ...]
    """((slug, paragraph number), plain text): its share of `LinkedSite.paragraphs`."""
    refers_to: tuple[tuple[str, tuple[str, str, str]], ...]
    """(other article's slug, (slug, annotation id, target id or "")) per `see` of its notes that names
    another article, in reading order: its share of `LinkedSite.backlinks`."""


def link_article(article: Article, annotations: tuple[Annotation, ...], tools: LinkTools) -> LinkedArticle:
    diagnostics = Diagnostics()
    parsed = parse_body(tools.md, article.body)
    notes = place_annotations(article, list(annotations), parsed, diagnostics)
    body = _with_highlights(parsed, notes)
    slug = article.slug
    return LinkedArticle(
        body, notes, tuple(((slug, a.id), render_note(tools.notes_md, a.note)) for a in annotations),
        _count(body, article.actors), tuple(diagnostics.items), _mentions_in(article, body), _concerns_in(notes, body),
        notes_by_id=tuple(((slug, note.annotation.id), note) for note in notes),
        paragraphs=tuple(((slug, n), text) for n, text in enumerate(body.blocks, 1)),
        refers_to=_refers_to(slug, notes))


ArticleLinker = Callable[[Article, tuple[Annotation, ...], LinkTools], LinkedArticle]


def link_site(content: Content, diagnostics: Diagnostics | None = None,
              linker: ArticleLinker = link_article, kept: LinkMemory | None = None) -> LinkedSite:
    """Everything pages need; anchoring problems go to `diagnostics` (see placing.py).

    Each article is linked on its own by `linker`; `serve` passes one that reuses
    the result for an article whose inputs did not change (incremental.py), and
    what the link stage kept from its last build (`joins.LinkMemory`).
    """
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    kept = kept or LinkMemory()
    settings = LinkSettings.of(content)
    tools = kept.reuse("tools", settings, lambda: LinkTools(settings))
    by_article = kept.reuse("by_article", content.annotations, lambda: _annotations_by_article(content))
    articles = {a.slug: linker(a, by_article.get(a.slug, ()), tools) for a in content.articles}
    for linked_article in articles.values():
        diagnostics.items.extend(linked_article.diagnostics)
    texts = kept.reuse("texts", (content.actors, content.pages), lambda: _texts(content))
    counts = _by_slug(articles, "counts")
    stances = (list(map(attrgetter("slug", "stance"), content.articles)), content.site.stances)
    return LinkedSite(
        content=content, texts=texts,
        bodies=_by_slug(articles, "body"), notes=_by_slug(articles, "notes"), concerns=_by_slug(articles, "concerns"),
        counts=counts,
        note_html=kept.join("note_html", articles, "note_html", lambda: joins.keyed(la.note_html for la in articles.values())),
        notes_by_id=kept.join("notes_by_id", articles, "notes_by_id",
                              lambda: joins.keyed(la.notes_by_id for la in articles.values())),
        paragraphs=kept.join("paragraphs", articles, "paragraphs",
                             lambda: joins.keyed(la.paragraphs for la in articles.values())),
        annotations_by_actor=kept.join("by_actor", articles, "concerns", lambda: joins.annotations_by_actor(articles)),
        annotations_by_claim=kept.join("by_claim", articles, "notes", lambda: joins.annotations_by_claim(content, articles),
                                       content.claims),
        backlinks=kept.join("backlinks", articles, "refers_to", lambda: joins.backlinks(articles)),
        mentions=kept.mentions(content, articles),
        co_mentions=kept.co_mentions(counts),
        by_stance=kept.reuse("by_stance", stances, lambda: {
            s.key: tuple(a.slug for a in content.articles if a.stance == s.key) for s in content.site.stances}),
    )


def _annotations_by_article(content: Content) -> dict[str, tuple[Annotation, ...]]:
    found: dict[str, list[Annotation]] = defaultdict(list)
    for annotation in content.annotations:
        found[annotation.article].append(annotation)
    return {slug: tuple(annotations) for slug, annotations in found.items()}


def _by_slug(articles: dict[str, LinkedArticle], share: str) -> dict:
    """Article slug -> one field of its `LinkedArticle` (built in C)."""
    return dict(zip(articles, map(attrgetter(share), articles.values())))


def _texts(content: Content) -> dict[str, str]:
    """Actor id or page slug -> its description or body as HTML."""
    plain = make_markdown()
    texts = {a.id: render_markdown(plain, a.body).html for a in content.actors}
    texts.update({p.slug: render_markdown(plain, p.body).html for p in content.pages})
    return texts


def _count(body: ParsedBody, implied: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    counter = Counter(m.actor for m in body.mentions)
    for actor_id in implied:
        counter.setdefault(actor_id, 0)
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _mentions_in(article: Article, body: ParsedBody) -> tuple[tuple[str, tuple[ActorMention, ...]], ...]:
    found: dict[str, list[ActorMention]] = defaultdict(list)
    for mention in body.mentions:
        found[mention.actor].append(ActorMention(article.slug, mention))
    named = set(found)
    for actor_id in article.actors:
        if actor_id not in named:
            found[actor_id].append(ActorMention(article.slug, None))
    return tuple((actor_id, tuple(items)) for actor_id, items in found.items())


def _with_highlights(body: ParsedBody, notes: tuple[PlacedNote, ...]) -> ParsedBody:
    placements = [note.placement for note in notes if note.placement]
    return dataclasses.replace(body, tokens=tuple(add_highlights(body.tokens, placements))) if placements else body


def _concerns_in(notes: tuple[PlacedNote, ...], body: ParsedBody) -> tuple[tuple[str, str], ...]:
    """(actor id, annotation id) for each actor a note concerns: its `actors`, and those its passage names."""
    found = []
    for note in notes:
        actors = set(note.annotation.actors)
        place = note.placement
        if place:
            actors.update(m.actor for m in body.mentions
                          if m.paragraph == place.paragraph and m.start < place.end and m.end > place.start)
        found += [(actor_id, note.annotation.id) for actor_id in sorted(actors)]
    return tuple(found)


def _refers_to(slug: str, notes: tuple[PlacedNote, ...]) -> tuple[tuple[str, tuple[str, str, str]], ...]:
    found = []
    for note in notes:
        for target in note.annotation.see:
            other, _, target_id = target.partition("#")
            if other != slug:
                found.append((other, (slug, note.annotation.id, target_id)))
    return tuple(found)
