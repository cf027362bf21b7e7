"""The open data files joined from each article's share are what one dump of the whole writes, the shares
kept from earlier calls give the files made afresh whichever input of the linked site changed."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import random
from pathlib import Path

import pytest

from reader import opendata
from reader.diagnostics import Diagnostics
from reader.link import LinkedSite, link_site
from reader.load import load_site
from reader.validate import validate_site
from sitebuilder import PROJECT, make_site

TINY = Path(__file__).parent / "sites" / "tiny"


def _install_fresh_memos(setattr_) -> None:
    for name, memo in vars(opendata).copy().items():
        if isinstance(memo, opendata._Shares):
            setattr_(opendata, name, type(memo)())


@pytest.fixture(autouse=True)
def fresh_memos(monkeypatch):
    """Each test starts from empty memos (and leaves the module's own as they were)."""
    _install_fresh_memos(monkeypatch.setattr)


def made_afresh(linked: LinkedSite) -> tuple[bytes, bytes]:
    with pytest.MonkeyPatch.context() as patch:
        _install_fresh_memos(patch.setattr)
        return opendata.reader_json(linked), opendata.annotations_csv(linked)


@pytest.fixture(scope="module")
def tiny() -> LinkedSite:
    diagnostics = Diagnostics()
    linked = link_site(validate_site(load_site(TINY, diagnostics), diagnostics), diagnostics)
    assert not diagnostics.errors
    return linked


def entry(table: str, key, value):
    """A change: `linked` with one entry of one of its tables replaced."""
    return lambda linked: dataclasses.replace(linked, **{table: {**getattr(linked, table), key: value(linked)}})


def articles(change):
    """A change of `content.articles`: `change(articles)` gives the new tuple."""
    return lambda linked: dataclasses.replace(
        linked, content=dataclasses.replace(linked.content, articles=tuple(change(linked.content.articles))))


def without_actor(actor_id: str):
    return lambda linked: dataclasses.replace(linked, concerns={
        slug: tuple(pair for pair in pairs if pair[0] != actor_id) for slug, pairs in linked.concerns.items()})


def changes(tiny: LinkedSite) -> dict:
    """What changes -> the change; each applies to the site the one before it left."""
    first, second = (a.slug for a in tiny.content.articles)
    met = (first, tiny.notes[first][0].annotation.id)
    return {
        "the base URL": lambda linked: dataclasses.replace(linked, content=dataclasses.replace(
            linked.content, site=dataclasses.replace(linked.content.site, base_url="https://example.net/other/"))),
        "a title": articles(lambda found: [dataclasses.replace(found[0], title="Renamed"), *found[1:]]),
        "a body's mentions": entry("bodies", first, lambda linked: dataclasses.replace(
            linked.bodies[first], mentions=linked.bodies[first].mentions[:1])),
        "an article's counts": entry("counts", first, lambda linked: (("putin", 9),)),
        "a note": entry("notes", first, lambda linked: (
            dataclasses.replace(linked.notes[first][0], number=7), *linked.notes[first][1:])),
        "a note's HTML": entry("note_html", met, lambda linked: ("<p>A <em>changed</em> note</p>", "changed")),
        "an actor a note concerns": entry("concerns", first, lambda linked: (*linked.concerns[first], ("guaido", met[1]))),
        "an actor that no note concerns any more": without_actor("putin"),
        "an actor that notes concern again": lambda linked: dataclasses.replace(linked, concerns=tiny.concerns),
        "a claim's notes": entry("annotations_by_claim", "meeting", lambda linked: ()),
        "a claim's title": lambda linked: dataclasses.replace(linked, content=dataclasses.replace(
            linked.content, claims=tuple(dataclasses.replace(c, title="Retitled") for c in linked.content.claims))),
        "a stance's articles": entry("by_stance", "pro", lambda linked: ()),
        "the articles' order": articles(lambda found: reversed(found)),
        "an article removed": articles(lambda found: [a for a in found if a.slug != second]),
        "an article back": articles(lambda found: [*found, tiny.articles_by_slug[second]]),
    }


def test_kept_shares_equal_the_files_made_afresh_after_each_change(tiny):
    before = opendata.reader_json(tiny), opendata.annotations_csv(tiny)
    assert before == made_afresh(tiny)
    linked = tiny
    for what, change in changes(tiny).items():
        linked = change(linked)
        kept = opendata.reader_json(linked), opendata.annotations_csv(linked)
        assert kept == made_afresh(linked), what
        assert kept[0] != before[0], f"{what}: the change did not reach reader.json, so the test proves nothing"
        before = kept


def test_equal_inputs_that_are_other_objects_give_the_same_files(tiny):
    """After a relink every entry is a new object with the same value (dictdiff compares values)."""
    again = made_afresh(tiny)
    opendata.reader_json(tiny)
    copied = dataclasses.replace(tiny, bodies=dict(tiny.bodies), notes={k: tuple(v) for k, v in tiny.notes.items()},
                                 concerns={k: tuple(v) for k, v in tiny.concerns.items()})
    assert (opendata.reader_json(copied), opendata.annotations_csv(copied)) == again
