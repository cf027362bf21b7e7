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
from itertools import permutations

from . import urls
from .diagnostics import Diagnostic, Diagnostics
from .dictdiff import differing_keys
from .highlight import add_highlights
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
    def notes_by_id(self) -> dict[tuple[str, str], PlacedNote]:
        return {(slug, n.annotation.id): n for slug, notes in self.notes.items() for n in notes}

    @cached_property
    def paragraphs(self) -> dict[tuple[str, int], str]:
        """(article slug, paragraph number from 1) -> the paragraph's plain text (for snippets)."""
        return {(slug, n): text for slug, body in self.bodies.items() for n, text in enumerate(body.blocks, 1)}

    @cached_property
    def backlinks(self) -> dict[str, tuple[tuple[str, str, str], ...]]:
        """Article slug -> (referring slug, annotation id, target annotation id or "") of every note in
        another article whose `see` names it; referring articles newest first, their notes in reading order.

        A dict read by key, so a page that shows one article's backlinks depends on that entry only.
        """
        found: dict[str, list[tuple[str, str, str]]] = {a.slug: [] for a in self.content.articles}
        for article in self.content.articles:
            for note in self.notes[article.slug]:
                for target in note.annotation.see:
                    slug, _, target_id = target.partition("#")
                    if slug != article.slug and slug in found:
                        found[slug].append((article.slug, note.annotation.id, target_id))
        return {slug: tuple(dict.fromkeys(refs)) for slug, refs in found.items()}

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
    note_html: tuple[tuple[str, tuple[str, str]], ...]
    """(annotation id, (block HTML, inline HTML)) per annotation."""
    counts: tuple[tuple[str, int], ...]
    diagnostics: tuple[Diagnostic, ...]
    """What placing the annotations reported (kept, so that a reused result reports it again)."""
    mentions_by_actor: tuple[tuple[str, tuple[ActorMention, ...]], ...]
    """This article's share of `LinkedSite.mentions`: actor id -> its mentions here, in text order
    (an actor implied by the front matter alone: one mention None)."""
    concerns: tuple[tuple[str, str], ...]
    """This article's share of `LinkedSite.annotations_by_actor`: (actor id, annotation id), notes in
    reading order, actors sorted within a note."""


def link_article(article: Article, annotations: tuple[Annotation, ...], tools: LinkTools) -> LinkedArticle:
    diagnostics = Diagnostics()
    parsed = parse_body(tools.md, article.body)
    notes = place_annotations(article, list(annotations), parsed, diagnostics)
    body = _with_highlights(parsed, notes)
    note_html = tuple((a.id, render_note(tools.notes_md, a.note))
                      for a in annotations)
    return LinkedArticle(body, notes, note_html, _count(body, article.actors), tuple(diagnostics.items),
                         _mentions_in(article, body), _concerns_in(notes, body))


ArticleLinker = Callable[[Article, tuple[Annotation, ...], LinkTools], LinkedArticle]


def link_site(content: Content, diagnostics: Diagnostics | None = None,
              linker: ArticleLinker = link_article, co_mentions: CoMentions | None = None) -> LinkedSite:
    """Everything pages need; anchoring problems go to `diagnostics` (see placing.py).

    Each article is linked on its own by `linker`; `serve` passes one that reuses
    the result for an article whose inputs did not change (incremental.py), and
    the `CoMentions` of its last build.
    """
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    tools = LinkTools(LinkSettings.of(content))
    by_article: dict[str, list[Annotation]] = defaultdict(list)
    for annotation in content.annotations:
        by_article[annotation.article].append(annotation)
    articles = {a.slug: linker(a, tuple(by_article[a.slug]), tools) for a in content.articles}
    for linked_article in articles.values():
        diagnostics.items.extend(linked_article.diagnostics)
    plain = make_markdown()
    texts = {a.id: render_markdown(plain, a.body).html for a in content.actors}
    texts.update({p.slug: render_markdown(plain, p.body).html for p in content.pages})
    bodies = {slug: la.body for slug, la in articles.items()}
    notes = {slug: la.notes for slug, la in articles.items()}
    counts = {slug: la.counts for slug, la in articles.items()}
    return LinkedSite(
        content=content, bodies=bodies, texts=texts, notes=notes,
        note_html={(slug, note_id): html for slug, la in articles.items() for note_id, html in la.note_html},
        annotations_by_actor=_annotations_by_actor(articles),
        annotations_by_claim=_annotations_by_claim(content, notes),
        mentions=_mentions_by_actor(content, articles),
        counts=counts,
        co_mentions=(co_mentions or CoMentions())(counts),
        by_stance={s.key: tuple(a.slug for a in content.articles if a.stance == s.key) for s in content.site.stances},
    )


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


def _mentions_by_actor(content: Content, articles: dict[str, LinkedArticle]) -> dict[str, tuple[ActorMention, ...]]:
    """Each article's share joined in article order: per edit only the edited article's share is made
    again (LinkCache), so this join is all the work left here."""
    found: dict[str, list[ActorMention]] = defaultdict(list)
    for linked_article in articles.values():
        for actor_id, items in linked_article.mentions_by_actor:
            found[actor_id].extend(items)
    return {actor.id: tuple(found.get(actor.id, ())) for actor in content.actors}


class CoMentions:
    """Pairs of actors named in the same article, counted over every article: `LinkedSite.co_mentions`.

    Linear in articles (actors per article is small), and kept between builds by `serve`: a
    later call recounts only the articles whose `counts` entry changed (at 10,000 articles the
    full count is about half a second, most of an edit's link stage).
    """

    def __init__(self) -> None:
        self.counts: dict[str, tuple[tuple[str, int], ...]] = {}
        self.pairs: Counter = Counter()

    def __call__(self, counts: dict[str, tuple[tuple[str, int], ...]]) -> dict[str, tuple[tuple[str, int], ...]]:
        if not self.counts:  # a first build counts every article in one pass
            for actor_counts in counts.values():
                self.pairs.update(permutations([actor_id for actor_id, _ in actor_counts], 2))
        for slug in differing_keys(self.counts, counts)[0] if self.counts else ():
            old, new = _pairs(self.counts.get(slug, ())), _pairs(counts.get(slug, ()))
            self.pairs.subtract(old)
            self.pairs.update(new)  # Counter counts an iterable of pairs in C: the hot loop here
            for pair in old:
                if self.pairs[pair] <= 0:
                    del self.pairs[pair]
        self.counts = counts
        return _shared(self.pairs)


def _pairs(actor_counts: tuple[tuple[str, int], ...]) -> list[tuple[str, str]]:
    return list(permutations([actor_id for actor_id, _ in actor_counts], 2))


def _shared(pairs: Counter) -> dict[str, tuple[tuple[str, int], ...]]:
    """Actor id -> (other actor id, articles shared) most shared first; actors sorted, so that the
    order does not depend on which articles were counted last."""
    shared: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (actor_id, other), articles in pairs.items():
        shared[actor_id].append((other, articles))
    return {actor_id: tuple(sorted(shared[actor_id], key=lambda item: (-item[1], item[0]))) for actor_id in sorted(shared)}


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


def _annotations_by_actor(articles: dict[str, LinkedArticle]) -> dict[str, tuple[tuple[str, str], ...]]:
    concerns: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for slug, linked_article in articles.items():
        for actor_id, annotation_id in linked_article.concerns:
            concerns[actor_id].append((slug, annotation_id))
    return {actor_id: tuple(found) for actor_id, found in concerns.items()}


def _annotations_by_claim(content: Content, notes: dict[str, tuple[PlacedNote, ...]]) -> dict[str, tuple[tuple[str, str], ...]]:
    found: dict[str, list[tuple[str, str]]] = {claim.id: [] for claim in content.claims}
    for article in content.articles:
        for note in notes[article.slug]:
            if note.annotation.claim:
                found[note.annotation.claim].append((article.slug, note.annotation.id))
    return {claim_id: tuple(pairs) for claim_id, pairs in found.items()}
