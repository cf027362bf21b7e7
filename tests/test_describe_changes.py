"""What serve prints after a rebuild: each change an editor made, by kind, and nothing else."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from reader.diagnostics import Diagnostics
from reader.incremental import describe_changes
from reader.load import load_site
from reader.validate import validate_site

TINY = Path(__file__).parent / "sites" / "tiny"


def tiny_content():
    diagnostics = Diagnostics()
    content = validate_site(load_site(TINY, diagnostics), diagnostics)
    assert content is not None and not diagnostics.errors
    return content


def test_a_second_load_of_the_same_files_changes_nothing():
    assert describe_changes(tiny_content(), tiny_content()) == []


def test_each_kind_of_change_is_named_with_its_key():
    old = tiny_content()
    first, second = old.articles[0], old.articles[1]
    new = dataclasses.replace(
        old,
        articles=(dataclasses.replace(first, body=first.body + "\nMore.\n"), dataclasses.replace(second, title="Retitled")),
        actors=old.actors[1:] + (dataclasses.replace(old.actors[0], id="someone-new"),),
        annotations=old.annotations[1:],
    )
    removed = old.actors[0].id
    assert describe_changes(old, new) == [  # by kind: articles, annotations, actors; each kind sorted
        f"article body: {first.slug}", f"front matter: {second.slug}", f"annotations: {old.annotations[0].article}",
        f"actor removed: {removed}", "new actor: someone-new",
    ]


def test_a_reordering_alone_is_no_change():
    old = tiny_content()
    assert describe_changes(old, dataclasses.replace(old, articles=old.articles[::-1])) == []
