"""The open data files joined from each article's share are what one dump of the whole writes, the shares
kept from earlier calls give the files made afresh whichever input of the linked site changed, and the
notes' actors kept between calls equal a fresh turn-around."""
from __future__ import annotations

import csv
import dataclasses
import io
import json
import random
from collections import defaultdict
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
        if isinstance(memo, (opendata._Shares, opendata._NoteActors)):
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
    return lambda linked: dataclasses.replace(linked, annotations_by_actor={
        key: pairs for key, pairs in linked.annotations_by_actor.items() if key != actor_id})


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
        "an actor a note concerns": entry("annotations_by_actor", "guaido",
                                          lambda linked: (*linked.annotations_by_actor["guaido"], met)),
        "an actor that no note concerns any more": without_actor("putin"),
        "an actor that notes concern again": entry("annotations_by_actor", "putin",
                                                   lambda linked: tiny.annotations_by_actor["putin"]),
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
                                 annotations_by_actor={k: tuple(v) for k, v in tiny.annotations_by_actor.items()})
    assert (opendata.reader_json(copied), opendata.annotations_csv(copied)) == again


def turned_around(by_actor: dict) -> dict:
    """The turn-around `_NoteActors` keeps, made the plain way: every pair, every time."""
    found: dict = defaultdict(lambda: defaultdict(list))
    for actor_id, pairs in by_actor.items():
        for slug, note_id in pairs:
            found[slug][note_id].append(actor_id)
    return {slug: {note_id: sorted(actors) for note_id, actors in notes.items()} for slug, notes in found.items()}


def test_the_notes_actors_kept_between_calls_equal_a_fresh_turn_around_after_random_edits():
    rng = random.Random(11)
    keys = [(f"article-{n}", f"note-{k}") for n in range(12) for k in range(4)]
    by_actor = {f"actor-{n}": tuple(rng.sample(keys, rng.randint(0, 10))) for n in range(6)}
    kept = opendata._NoteActors()
    for _ in range(300):
        by_actor = dict(by_actor)
        actor_id = f"actor-{rng.randrange(8)}"
        if actor_id in by_actor and rng.random() < 0.2:
            del by_actor[actor_id]  # no note concerns it any more
        else:  # its notes changed, or it is new; the same pair twice counts twice, as in a fresh turn-around
            by_actor[actor_id] = tuple(rng.choices(keys, k=rng.randint(0, 10)))
        assert kept.of(by_actor) == turned_around(by_actor)


def made_plainly(linked: LinkedSite) -> tuple[bytes, bytes]:
    """Both files as one `json.dumps` and one CSV writer over the whole, from the module's per-item dicts."""
    site, slugs = linked.content.site, [a.slug for a in linked.content.articles]
    actors = turned_around(linked.annotations_by_actor)
    notes = [opendata._annotation(linked, slug, note, actors.get(slug, {}).get(note.annotation.id, []))
             for slug in slugs for note in linked.notes[slug]]
    whole = {
        "version": opendata.DATA_VERSION,
        "site": {"title": site.title, "description": site.description, "url": site.base_url, "language": site.language},
        "articles": [opendata._article(linked, slug) for slug in slugs],
        "actors": [opendata._actor(linked, a.id) for a in linked.content.actors],
        "mentions": {slug: opendata._mentions(linked, slug) for slug in slugs},
        "annotations": notes,
        "claims": [opendata._claim(linked, c.id) for c in linked.content.claims],
        "stances": [opendata._stance(linked, s.key) for s in site.stances],
    }
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(opendata.CSV_COLUMNS)
    for note in notes:
        row = {**note, "actors": " ".join(note["actors"]), "note": note["note_text"],
               "source_urls": " ".join(s["url"] for s in note["sources"])}
        writer.writerow([opendata._cell(row[column]) for column in opendata.CSV_COLUMNS])
    return compact_json(whole), buffer.getvalue().encode("utf-8")


def compact_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


CLAIM = "meeting:\n  title: A meeting\n  description: Whether it happened.\n"


@pytest.mark.parametrize("files", [{}, {"content/claims.yaml": CLAIM}], ids=["no claims", "a claim"])
def test_a_site_without_notes_gives_empty_parts(tmp_path, files):
    diagnostics = Diagnostics()
    linked = link_site(validate_site(load_site(make_site(tmp_path, files), diagnostics), diagnostics), diagnostics)
    data, rows = opendata.reader_json(linked), opendata.annotations_csv(linked)
    assert (data, rows) == made_plainly(linked)
    assert json.loads(data)["annotations"] == [] and rows.count(b"\r\n") == 1
    assert len(json.loads(data)["claims"]) == len(files)


@pytest.mark.parametrize("root", [TINY, PROJECT], ids=["tiny", "real"])
def test_the_joined_files_are_what_one_dump_of_the_whole_writes(root):
    diagnostics = Diagnostics()
    linked = link_site(validate_site(load_site(root, diagnostics), diagnostics), diagnostics)
    made = opendata.reader_json(linked), opendata.annotations_csv(linked)
    assert made == made_plainly(linked)
    assert len(json.loads(made[0])["annotations"]) == sum(map(len, linked.notes.values())) > 3
