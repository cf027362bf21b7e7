"""The backlinks index (`LinkedSite.backlinks`): which notes of other articles point at an article, in a
stable order, as keys; and incremental serve remakes exactly the pages that show a changed backlink."""
from __future__ import annotations

from pathlib import Path

from reader.incremental import IncrementalBuild
from reader.pipeline import build_outputs
from reader.tracking import Reads, TrackedLinkedSite
from sitebuilder import make_site

BASE_URL = "https://example.org/test/"


def article(title: str, date: str, body: str) -> str:
    return (f"---\ntitle: {title}\ndate: {date}\nauthor: A. Writer\npublication: The Paper\n"
            f"stance: pro\nstance_note: Because.\n---\n{body}\n")


def note(note_id: str, quote: str, see: str = "", kind: str = "cross_reference") -> str:
    lines = [f"- id: {note_id}", f"  quote: {quote!r}", f"  kind: {kind}", f"  note: About {note_id}."]
    if see:
        lines.append(f"  see: [{see}]")
    return "\n".join([*lines, "  editor: The editors", "  date: 2026-11-21"]) + "\n"


def three_articles(tmp_path: Path) -> Path:
    """`old` is pointed at by `mid` (twice, written out of reading order) and by `new`; `old` points at itself."""
    return make_site(tmp_path, {
        "site.yaml": "title: T\nbase_url: https://example.org/test/\nstances:\n  pro: {label: For, description: Argues for.}\n",
        "content/articles/old.md": article("Old", "2019-01-01", "First fact here.\n\nSecond fact here."),
        "content/articles/mid.md": article("Mid", "2020-01-01", "Alpha sentence.\n\nBeta sentence."),
        "content/articles/new.md": article("New", "2021-01-01", "Gamma sentence."),
        "content/annotations/old.yaml": note("first", "First fact", see="old#second") + note("second", "Second fact", kind="context"),
        "content/annotations/mid.yaml": note("beta", "Beta sentence", see="old") + note("alpha", "Alpha sentence", see="old#second"),
        "content/annotations/new.yaml": note("gamma", "Gamma sentence", see="mid#alpha, old#first"),
    }, defaults=False)


def linked_site(root: Path):
    result = build_outputs(root, BASE_URL)
    assert not result.diagnostics.errors, [d.message for d in result.diagnostics.errors]
    return result


def test_backlinks_list_other_articles_notes_newest_article_first_in_reading_order(tmp_path):
    linked = linked_site(three_articles(tmp_path)).linked
    assert linked.backlinks["old"] == (("new", "gamma", "first"), ("mid", "alpha", "second"), ("mid", "beta", ""))
    assert linked.backlinks["mid"] == (("new", "gamma", "alpha"),)
    assert linked.backlinks["new"] == ()


def test_a_note_pointing_at_its_own_article_is_not_a_backlink(tmp_path):
    linked = linked_site(three_articles(tmp_path)).linked
    assert all(slug != "old" for slug, _, _ in linked.backlinks["old"])


def test_the_article_page_links_each_backlink_to_the_referring_notes_permalink(tmp_path):
    result = linked_site(three_articles(tmp_path))
    page = next(o.data.decode() for o in result.outputs if o.url == "articles/old/")
    section = page[page.index('id="backlinks-heading"'):]
    for slug, note_id in (("new", "gamma"), ("mid", "alpha"), ("mid", "beta")):
        assert f'href="/test/articles/{slug}/#{note_id}"' in section
    assert 'href="#second"' in section  # the note here that `alpha` points at
    new_page = next(o.data.decode() for o in result.outputs if o.url == "articles/new/")
    assert 'id="backlinks-heading"' not in new_page


def test_an_article_page_reads_only_its_own_backlinks_entry(tmp_path):
    linked = linked_site(three_articles(tmp_path)).linked
    reads = Reads()
    tracked = TrackedLinkedSite(linked, reads)
    assert tracked.backlinks["mid"] == linked.backlinks["mid"]
    assert reads.current == {("backlinks", "mid")}


def test_dropping_a_see_target_remakes_the_target_page_and_equals_a_clean_build(tmp_path):
    root = three_articles(tmp_path)
    build = IncrementalBuild(root, BASE_URL)
    build.build()
    notes = root / "content/annotations/new.yaml"
    notes.write_text(notes.read_text().replace("see: [mid#alpha, old#first]", "see: [mid#alpha]"))
    result = build.build()
    made = set(build.last.made)
    assert {"articles/old/", "articles/new/"} <= made  # old lost a backlink; mid shows gamma, which changed too
    assert {o.url: o.data for o in result.outputs} == {o.url: o.data for o in build_outputs(root, BASE_URL).outputs}
