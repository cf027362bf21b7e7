"""The link stage's site-wide tables, joined from each article's share (`link.LinkedArticle`).

Each article is linked on its own, and carries its share of every table keyed by article
(its paragraphs, its notes by id, their HTML) and of every inverted index (mentions per
actor, notes per actor, backlinks per article). Joining is all that is left at site level.
In `serve`, unchanged articles keep their `LinkedArticle`, and `LinkMemory` keeps what the
joins made: a table stays while every article's share of it is equal (`LinkMemory.join`),
mentions per actor (`MentionIndex`) and co-mentions (`CoMentions`) redo only what the changed
articles touch, and the parsers and the actors' descriptions stay while their inputs are equal.
The keyed tables are built by `dict` from the shares in C, reusing the shares' key objects.
Every table comes out in the order a clean build gives: articles in content order.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from itertools import chain, permutations
from operator import attrgetter
from typing import TYPE_CHECKING, TypeVar

from .dictdiff import differing_keys

T = TypeVar("T")

if TYPE_CHECKING:
    from .link import ActorMention, LinkedArticle
    from .model import Content


def keyed(shares: Iterable[tuple]) -> dict:
    """One dict from each article's (key, value) pairs, in article order."""
    return dict(chain.from_iterable(shares))


class MentionIndex:
    """Actor id -> its mentions in every article, articles in order: `LinkedSite.mentions` (every actor
    of the content; none: empty).

    Kept between builds by `serve`: when the articles and actors are the same keys in the same
    order, a later call joins again only the actors that articles with a changed share name, now
    or before (at 10,000 articles the full join is about 80 ms an edit).
    """

    def __init__(self) -> None:
        self.shares: dict[str, tuple] = {}
        self.actors: tuple[str, ...] = ()
        self.segments: dict[str, dict[str, tuple]] = {}
        """Actor id -> {article slug: its mentions there}, articles in order."""
        self.joined: dict[str, tuple[ActorMention, ...]] = {}

    def __call__(self, content: Content, articles: dict[str, LinkedArticle]) -> dict[str, tuple[ActorMention, ...]]:
        shares = {slug: la.mentions_by_actor for slug, la in articles.items()}
        actors = tuple(actor.id for actor in content.actors)
        changed, in_order = differing_keys(self.shares, shares)
        if not in_order or actors != self.actors:
            self.segments, touched = defaultdict(dict), set(actors)
            for slug, share in shares.items():
                for actor_id, items in share:
                    self.segments[actor_id][slug] = items
        else:
            touched = set().union(*(self._update(slug, shares) for slug in changed))
        self.shares, self.actors = shares, actors
        for actor_id in touched:
            self.joined[actor_id] = tuple(chain.from_iterable(self.segments.get(actor_id, {}).values()))
        return {actor_id: self.joined[actor_id] for actor_id in actors}  # a new dict: the last build keeps its own

    def _update(self, slug: str, shares: dict[str, tuple]) -> set[str]:
        """Put one article's new share into the segments; the actors it named before or names now."""
        old, new = dict(self.shares[slug]), dict(shares[slug])
        for actor_id in old.keys() - new.keys():
            del self.segments[actor_id][slug]
        for actor_id, items in new.items():
            segment = self.segments[actor_id]
            if slug in segment:
                segment[slug] = items
            else:  # a first mention in this article: its place among the others follows the article order
                self.segments[actor_id] = {s: items if s == slug else segment[s] for s in shares if s == slug or s in segment}
        return old.keys() | new.keys()


def annotations_by_actor(articles: dict[str, LinkedArticle]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Actor id -> (article slug, annotation id) of the notes that concern it."""
    concerns: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for slug, linked_article in articles.items():
        for actor_id, annotation_id in linked_article.concerns:
            concerns[actor_id].append((slug, annotation_id))
    return {actor_id: tuple(found) for actor_id, found in concerns.items()}


def annotations_by_claim(content: Content, articles: dict[str, LinkedArticle]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Claim id -> (article slug, annotation id) of the notes that name it; every claim of the content."""
    found: dict[str, list[tuple[str, str]]] = {claim.id: [] for claim in content.claims}
    for slug, linked_article in articles.items():
        for note in linked_article.notes:
            if note.annotation.claim:
                found[note.annotation.claim].append((slug, note.annotation.id))
    return {claim_id: tuple(pairs) for claim_id, pairs in found.items()}


def backlinks(articles: dict[str, LinkedArticle]) -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Article slug -> (referring slug, annotation id, target id or "") of the notes elsewhere whose `see` names it."""
    found: dict[str, list[tuple[str, str, str]]] = {slug: [] for slug in articles}
    for linked_article in articles.values():
        for target, reference in linked_article.refers_to:
            if target in found:
                found[target].append(reference)
    return {slug: tuple(dict.fromkeys(refs)) for slug, refs in found.items()}


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


class LinkMemory:
    """What the link stage keeps from one build to the next (`serve`); a fresh one starts from scratch."""

    def __init__(self) -> None:
        self.mentions = MentionIndex()
        self.co_mentions = CoMentions()
        self._made: dict[str, tuple[object, object]] = {}

    def reuse(self, name: str, inputs: object, make: Callable[[], T]) -> T:
        """`make()`, or what it made last time for `name` if `inputs` equal the inputs of then."""
        entry = self._made.get(name)
        if entry is None or entry[0] != inputs:
            entry = self._made[name] = (inputs, make())
        return entry[1]  # type: ignore[return-value]

    def join(self, name: str, articles: dict[str, LinkedArticle], share: str, make: Callable[[], T],
             *context: object) -> T:
        """`make()`, or the table it made last time for `name` while every article's `share` (a field of
        `LinkedArticle`), the articles' order and `context` are equal to then. The shares are compared
        in C, each unchanged one by identity: at 10,000 articles an edit keeps most tables so, for
        well under a millisecond each, where joining them again took up to 100 ms."""
        return self.reuse(name, (list(articles), list(map(attrgetter(share), articles.values())), context), make)


def _pairs(actor_counts: tuple[tuple[str, int], ...]) -> list[tuple[str, str]]:
    return list(permutations([actor_id for actor_id, _ in actor_counts], 2))


def _shared(pairs: Counter) -> dict[str, tuple[tuple[str, int], ...]]:
    """Actor id -> (other actor id, articles shared) most shared first; actors sorted, so that the
    order does not depend on which articles were counted last."""
    shared: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (actor_id, other), articles in pairs.items():
        shared[actor_id].append((other, articles))
    return {actor_id: tuple(sorted(shared[actor_id], key=lambda item: (-item[1], item[0]))) for actor_id in sorted(shared)}
