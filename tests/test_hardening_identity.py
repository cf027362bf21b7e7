"""Identity and references: duplicates are errors naming both places; an unknown key says "did you mean"."""
from __future__ import annotations

import json

import pytest

from sitebuilder import ACTOR, ARTICLE, SITE_YAML, make_site
from test_hardening_support import assert_reported, build, fast_templates, messages  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_templates")

A = "content/articles/an-article.md"
N = "content/annotations/an-article.yaml"
CLAIMS = "troops:\n  title: How many troops\n  description: The number of soldiers.\n"


def actor(name: str, *aliases: str) -> str:
    return f"---\nname: {name}\nkind: person\naliases: {json.dumps(list(aliases))}\n---\nx\n"


def note(id="n1", quote="Putin", **fields) -> str:
    fields = {"kind": "context", "note": "A note.", "editor": "Ed", "date": "2026-11-21", **fields}
    return f"- id: {id}\n  quote: {json.dumps(quote)}\n" + "".join(f"  {k}: {v}\n" for k, v in fields.items())


DUPLICATES = {
    "alias claimed by two actors": (
        {"content/actors/double.md": actor("Putin's double", "Putin")},
        ["content/actors/putin.md:4:11: error: alias 'Putin' is claimed by two actors: double ('Putin') and putin\n"
         "    first claimed at content/actors/double.md:4:11; remove it from one of them"],
        None),
    "alias equal to another actor's name": (
        {"content/actors/lavrov.md": actor("Sergei Lavrov", "Vladimir Putin")},
        ["content/actors/putin.md:2:7: error: alias 'Vladimir Putin' is claimed by two actors: lavrov ('Vladimir Putin') "
         "and putin\n    first claimed at content/actors/lavrov.md:4:11; remove it from one of them"],
        None),
    "aliases that differ only by accents": (
        {"content/actors/a-guaido.md": actor("Guaidó"), "content/actors/b-guaido.md": actor("Juan Guaido", "Guaido")},
        ["content/actors/b-guaido.md:4:11: error: alias 'Guaido' is claimed by two actors: a-guaido ('Guaidó') and b-guaido\n"
         "    first claimed at content/actors/a-guaido.md:2:7; remove it from one of them"],
        None),
    "duplicate annotation id": (
        {N: note() + note(quote="spoke")},
        [f"{N}:7:7: error: duplicate annotation id 'n1'\n    first used on line 1; ids must be unique within an article"],
        None),
    "duplicate claim id": (
        {"content/claims.yaml": CLAIMS + CLAIMS},
        ["content/claims.yaml:4:1: error: duplicate key 'troops' (first given on line 1)"],
        None),
    "duplicate stance key": (
        {"site.yaml": SITE_YAML + "  pro: {label: Again, description: Again.}\n"},
        ["site.yaml:6:3: error: duplicate key 'pro' (first given on line 4)"],
        None),
    "claim id that is not an id": (
        {"content/claims.yaml": CLAIMS.replace("troops:", "Troops_1:")},
        ["content/claims.yaml:1:1: error: 'Troops_1' is not a valid id"],
        None),
    "annotation id in capitals": ({N: note(id="UPPER")}, [f"{N}:1:7: error: 'UPPER' is not a valid id"], None),
    "annotation id that is a number": ({N: note(id="12")}, [f"{N}:1:7: error: 'id' must be text, got number 12"], None),
}


@pytest.mark.parametrize("files, expected, _", DUPLICATES.values(), ids=DUPLICATES)
def test_a_duplicate_is_an_error_naming_both_places(tmp_path, files, expected, _):
    result = build(make_site(tmp_path, {"content/claims.yaml": CLAIMS, **files}))
    reported = messages(result)
    assert len(reported) == len(expected), reported
    for got, want in zip(reported, expected):
        assert got.startswith(want), reported
    assert result.outputs == []


def test_the_same_alias_twice_in_one_actor_and_an_id_shared_by_an_actor_and_an_article_are_fine(tmp_path):
    result = build(make_site(tmp_path, {"content/actors/putin.md": ACTOR.replace("[Putin]", "[Putin, Putin]"),
                                        "content/actors/an-article.md": actor("Someone Else")}))
    assert messages(result) == []
    assert {"actors/an-article/", "articles/an-article/"} <= {o.url for o in result.outputs}


BROKEN = {
    "unknown stance, close to a known one": (
        {A: ARTICLE.replace("stance: pro", "stance: Pro")}, f"{A}:6:9: error: unknown stance 'Pro'\n    did you mean 'pro'?"),
    "unknown stance, close to nothing": (
        {A: ARTICLE.replace("stance: pro", "stance: xyz")}, f"{A}:6:9: error: unknown stance 'xyz'\n    one of: pro, contra"),
    "unknown implied actor": (
        {A: ARTICLE.replace("stance_note: Because.\n", "stance_note: Because.\nactors: [putn]\n")},
        f"{A}:8:10: error: unknown actor 'putn'\n    did you mean 'putin'?"),
    "unknown actor in an annotation": (
        {N: note(actors="[puttin]")}, f"{N}:7:12: error: unknown actor 'puttin'\n    did you mean 'putin'?"),
    "unknown claim in an annotation": (
        {N: note(claim="troop")}, f"{N}:7:10: error: unknown claim 'troop'\n    did you mean 'troops'?"),
    "annotations for an unknown article": (
        {"content/annotations/an-artcle.yaml": note()},
        "content/annotations/an-artcle.yaml:1:1: error: annotations for an unknown article 'an-artcle'\n"
        "    did you mean 'an-article.yaml'?"),
    "cross-reference to an unknown article": (
        {N: note(kind="cross_reference", see="[an-artcle]")},
        f"{N}:7:9: error: 'see' names an unknown article 'an-artcle'\n    did you mean 'an-article'?"),
    "unknown annotation kind": (
        {N: note(kind="factcheck")}, f"{N}:3:9: error: unknown annotation kind 'factcheck'\n    did you mean 'fact_check'?"),
    "unknown verdict": (
        {N: note(kind="fact_check", verdict="bogus", sources='[{title: T, url: "https://example.org"}]')},
        f"{N}:7:12: error: unknown verdict 'bogus'\n    one of: accurate, misleading, needs_context, inaccurate, unverified"),
    "unknown actor kind": (
        {"content/actors/putin.md": ACTOR.replace("kind: person", "kind: persn")},
        "content/actors/putin.md:3:7: error: unknown actor kind 'persn'\n    did you mean 'person'?"),
}


@pytest.mark.parametrize("files, expected", BROKEN.values(), ids=BROKEN)
def test_a_broken_reference_is_an_error_with_did_you_mean(tmp_path, files, expected):
    assert_reported(build(make_site(tmp_path, {"content/claims.yaml": CLAIMS, **files})), expected)
