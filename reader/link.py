"""Link stage: resolve actor mentions and build the indexes pages need (pure; no I/O).

Every article body is parsed once here with our markdown-it plugins; the result
is data (HTML, mentions, paragraph texts), and the indexes refer to articles and
actors by key: mentions per actor, counts per article, co-mentions, stances.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from . import urls
from .markdown import Mention, RenderedBody, make_markdown, render_markdown
from .mentions import AliasMatcher
from .model import Content


@dataclass(frozen=True)
class ActorMention:
    """One mention of an actor: in which article, and the mention itself (None: implied by front matter)."""

    slug: str
    mention: Mention | None


@dataclass(frozen=True)
class LinkedSite:
    """Content plus everything that connects it; what the render stage reads."""

    content: Content
    bodies: dict[str, RenderedBody]
    """Article slug -> rendered body with mentions."""
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


def link_site(content: Content) -> LinkedSite:
    site = content.site
    matcher = AliasMatcher.build(
        {alias: actor.id for actor in content.actors for alias in (actor.name, *actor.aliases)},
        site.unlinked_phrases,
    )
    md = make_markdown(matcher, lambda actor_id: urls.href(site.base_path, urls.actor(actor_id)), site.link_mentions)
    plain = make_markdown()
    bodies = {a.slug: render_markdown(md, a.body) for a in content.articles}
    texts = {a.id: render_markdown(plain, a.body).html for a in content.actors}
    texts.update({p.slug: render_markdown(plain, p.body).html for p in content.pages})
    counts = {a.slug: _count(bodies[a.slug], a.actors) for a in content.articles}
    return LinkedSite(
        content=content, bodies=bodies, texts=texts,
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
