"""The joins kept between serve's builds (co-mentions, mentions per actor) equal fresh joins, whatever the edits."""
from __future__ import annotations

import random
from types import SimpleNamespace

from reader.dictdiff import differing_keys
from reader.joins import CoMentions, MentionIndex

ACTORS = [f"actor-{n}" for n in range(8)]


def _random_counts(rng: random.Random) -> tuple[tuple[str, int], ...]:
    named = rng.sample(ACTORS, rng.randint(0, 5))
    return tuple((actor_id, rng.randint(0, 4)) for actor_id in named)


def test_fresh_count_pairs_actors_named_in_the_same_article():
    counts = {"a": (("putin", 3), ("wagner", 1)), "b": (("putin", 1), ("wagner", 2), ("rosneft", 0)), "c": (("rosneft", 1),)}
    assert CoMentions()(counts) == {
        "putin": (("wagner", 2), ("rosneft", 1)),
        "rosneft": (("putin", 1), ("wagner", 1)),
        "wagner": (("putin", 2), ("rosneft", 1)),
    }


def test_counts_kept_between_builds_equal_a_fresh_count_after_random_edits():
    rng = random.Random(7)
    counts = {f"article-{n}": _random_counts(rng) for n in range(30)}
    kept = CoMentions()
    for _ in range(300):
        counts = dict(counts)
        slug = f"article-{rng.randrange(40)}"
        if slug in counts and rng.random() < 0.2:
            del counts[slug]  # an article removed
        else:
            counts[slug] = _random_counts(rng)  # edited, or new (appended: another key order)
        assert kept(counts) == CoMentions()(counts)
    assert all(n > 0 for n in kept.pairs.values())  # pairs that no article names any more are gone


def test_differing_keys_compares_values_not_identity():
    before = {"a": (1, 2), "b": ("x",), "c": 3}
    same_values = {"a": (1, 2), "b": ("x",), "c": 3}
    assert differing_keys(before, same_values) == (set(), True)
    assert differing_keys(before, {**before, "b": ("y",)}) == ({"b"}, True)
    assert differing_keys(before, {"c": 3, "a": (1, 2), "b": ("x",)}) == (set(), False)  # reordered
    assert differing_keys(before, {"a": (1, 2), "c": 3, "d": 4}) == ({"b", "d"}, False)


def _article_share(rng: random.Random, slug: str) -> SimpleNamespace:
    named = rng.sample(ACTORS + ["not-an-actor"], rng.randint(0, 4))
    return SimpleNamespace(mentions_by_actor=tuple((a, tuple(f"{slug}:{a}:{n}" for n in range(rng.randint(1, 3)))) for a in named))


def test_mention_index_kept_between_builds_equals_a_fresh_join_after_random_edits():
    rng = random.Random(11)
    content = SimpleNamespace(actors=tuple(SimpleNamespace(id=a) for a in ACTORS))
    articles = {f"article-{n}": _article_share(rng, f"article-{n}") for n in range(20)}
    kept = MentionIndex()
    for step in range(300):
        before = articles
        articles = dict(articles)
        slug = f"article-{rng.randrange(25)}"
        if step % 50 == 49:  # an actor removed, or the order changed: every actor is joined again
            content = SimpleNamespace(actors=content.actors[1:] + content.actors[:1][: step % 2])
        elif slug in articles and rng.random() < 0.2:
            del articles[slug]
        else:
            articles[slug] = _article_share(rng, slug)
        previous = dict(kept.joined)
        joined = kept(content, articles)
        assert joined == MentionIndex()(content, articles)
        assert list(joined) == [actor.id for actor in content.actors]
        if slug in before and slug in articles and step % 50 != 49:  # an edit: only the actors it names are joined again
            named = {a for a, _ in before[slug].mentions_by_actor} | {a for a, _ in articles[slug].mentions_by_actor}
            assert all(joined[a] is previous[a] for a in joined if a not in named)
