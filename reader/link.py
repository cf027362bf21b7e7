"""Link stage: resolve actor mentions and build the indexes pages need (pure; no I/O).

Every article body is parsed once here with our markdown-it plugins; the result
is data (HTML, mentions, paragraph texts), and the indexes refer to articles and
actors by key: mentions per actor, counts per article, co-mentions, stances.
"""
from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass

from . import urls
from .diagnostics import Diagnostics
from .highlight import add_highlights
from .markdown import Mention, ParsedBody, make_markdown, parse_body, render_inline_note, render_markdown
from .mentions import AliasMatcher
from .model import Annotation, Content
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


def link_site(content: Content, diagnostics: Diagnostics | None = None) -> LinkedSite:
    """Everything pages need; anchoring problems go to `diagnostics` (see placing.py)."""
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    site = content.site
    matcher = AliasMatcher.build(
        {alias: actor.id for actor in content.actors for alias in (actor.name, *actor.aliases)},
        site.unlinked_phrases,
    )
    md = make_markdown(matcher, lambda actor_id: urls.href(site.base_path, urls.actor(actor_id)), site.link_mentions)
    plain = make_markdown()
    notes_md = make_markdown(paragraph_ids=False)
    parsed = {a.slug: parse_body(md, a.body) for a in content.articles}
    by_article: dict[str, list[Annotation]] = defaultdict(list)
    for annotation in content.annotations:
        by_article[annotation.article].append(annotation)
    notes = {a.slug: place_annotations(a, by_article[a.slug], parsed[a.slug], diagnostics) for a in content.articles}
    bodies = {slug: _with_highlights(body, notes[slug]) for slug, body in parsed.items()}
    texts = {a.id: render_markdown(plain, a.body).html for a in content.actors}
    texts.update({p.slug: render_markdown(plain, p.body).html for p in content.pages})
    counts = {a.slug: _count(bodies[a.slug], a.actors) for a in content.articles}
    return LinkedSite(
        content=content, bodies=bodies, texts=texts, notes=notes,
        note_html={(a.article, a.id): (render_markdown(notes_md, a.note).html, render_inline_note(notes_md, a.note))
                   for a in content.annotations},
        annotations_by_actor=_annotations_by_actor(content, notes, bodies),
        annotations_by_claim=_annotations_by_claim(content, notes),
        mentions=_mentions_by_actor(content, bodies),
        counts=counts,
        co_mentions=_co_mentions(counts),
        by_stance={s.key: tuple(a.slug for a in content.articles if a.stance == s.key) for s in site.stances},
    )


def _count(body: RenderedBody, implied: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    counter = Counter(m.actor for m in body.mentions)
    for actor_id in implied:
        counter.setdefault(actor_id, 0)
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _mentions_by_actor(content: Content, bodies: dict[str, RenderedBody]) -> dict[str, tuple[ActorMention, ...]]:
    found: dict[str, list[ActorMention]] = defaultdict(list)
    for article in content.articles:
        for mention in bodies[article.slug].mentions:
            found[mention.actor].append(ActorMention(article.slug, mention))
        named = {m.actor for m in bodies[article.slug].mentions}
        for actor_id in article.actors:
            if actor_id not in named:
                found[actor_id].append(ActorMention(article.slug, None))
    return {actor.id: tuple(found.get(actor.id, ())) for actor in content.actors}


def _co_mentions(counts: dict[str, tuple[tuple[str, int], ...]]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Pairs of actors in the same article; linear in articles (actors per article is small)."""
    shared: dict[str, Counter] = defaultdict(Counter)
    for actor_counts in counts.values():
        present = [actor_id for actor_id, _ in actor_counts]
        for actor_id in present:
            shared[actor_id].update(other for other in present if other != actor_id)
    return {actor_id: tuple(sorted(c.items(), key=lambda item: (-item[1], item[0]))) for actor_id, c in shared.items()}


def _with_highlights(body: ParsedBody, notes: tuple[PlacedNote, ...]) -> ParsedBody:
    placements = [note.placement for note in notes if note.placement]
    return dataclasses.replace(body, tokens=tuple(add_highlights(body.tokens, placements))) if placements else body


def _annotations_by_actor(content: Content, notes: dict[str, tuple[PlacedNote, ...]],
                          bodies: dict[str, ParsedBody]) -> dict[str, tuple[tuple[str, str], ...]]:
    concerns: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for article in content.articles:
        for note in notes[article.slug]:
            actors = set(note.annotation.actors)
            place = note.placement
            if place:
                actors.update(m.actor for m in bodies[article.slug].mentions
                              if m.paragraph == place.paragraph and m.start < place.end and m.end > place.start)
            for actor_id in sorted(actors):
                concerns[actor_id].append((article.slug, note.annotation.id))
    return {actor_id: tuple(found) for actor_id, found in concerns.items()}


def _annotations_by_claim(content: Content, notes: dict[str, tuple[PlacedNote, ...]]) -> dict[str, tuple[tuple[str, str], ...]]:
    found: dict[str, list[tuple[str, str]]] = {claim.id: [] for claim in content.claims}
    for article in content.articles:
        for note in notes[article.slug]:
            if note.annotation.claim:
                found[note.annotation.claim].append((article.slug, note.annotation.id))
    return {claim_id: tuple(pairs) for claim_id, pairs in found.items()}
