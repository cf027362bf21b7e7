"""Groupings that let a reader compare articles: an actor's passages per stance, a stance's claims, shared claims.

Pure functions of the `LinkedSite` and keys, returning keys and snippets for
templates. They read the linked site by key only (`notes[slug]`,
`articles_by_slug[slug].stance`), so that `serve` tracks what each page reads.
"""
from __future__ import annotations

from collections.abc import Iterable

from .link import LinkedSite
from .views import Snippet

Appearance = tuple[str, list[Snippet]]
"""An article slug and the snippets of its passages naming the actor (none: implied by front matter)."""


def appearances_by_stance(linked: LinkedSite, appearances: list[Appearance]) -> list[tuple[str, list[Appearance]]]:
    """(stance key, its articles' appearances) for every stance of the site, in the site's order."""
    groups: dict[str, list[Appearance]] = {s.key: [] for s in linked.content.site.stances}
    for slug, snippets in appearances:
        groups[linked.articles_by_slug[slug].stance].append((slug, snippets))
    return list(groups.items())


def claims_in(linked: LinkedSite, slugs: Iterable[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(claim id, (slug, annotation id) of the notes that tie it to these articles), claims in order of
    first appearance (articles in the given order, notes in reading order)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for slug in slugs:
        for note in linked.notes[slug]:
            if note.annotation.claim:
                found.setdefault(note.annotation.claim, []).append((slug, note.annotation.id))
    return list(found.items())


def shared_claims(linked: LinkedSite, slug: str) -> list[tuple[str, tuple[str, ...]]]:
    """(claim id, the other articles with a note on it) for each claim an article's notes make, when
    another article makes it too; other articles in the order of `annotations_by_claim` (newest first)."""
    shared = []
    for claim_id, _ in claims_in(linked, [slug]):
        others = tuple(dict.fromkeys(s for s, _ in linked.annotations_by_claim[claim_id] if s != slug))
        if others:
            shared.append((claim_id, others))
    return shared
