"""The validate stage's cache (serve): after any edit, a cached validation returns and reports exactly what a
validation from scratch does (the same `Content`, the same diagnostics in the same order), and an edit of one
article validates that article alone."""
from __future__ import annotations

from pathlib import Path

import reader.validate
from reader.diagnostics import Diagnostics
from reader.load import ParseCache, load_site
from reader.validate import ValidationCache, validate_site
from sitebuilder import ARTICLE, make_site


def article(title: str, date: str, actors: str = "") -> str:
    return ARTICLE.replace("An article", title).replace("2020-01-02", date).replace("---\nPutin", f"{actors}---\nPutin")


def note(note_id: str, see: str = "") -> str:
    extra = f"  kind: cross_reference\n  see: [{see}]\n" if see else "  kind: context\n"
    return f"- id: {note_id}\n  quote: Putin spoke.\n{extra}  note: A note.\n  editor: Ed\n  date: 2020-01-01\n"


FILES = {
    "content/articles/an-article.md": article("First", "2020-01-02", "actors: [wagner]\n"),
    "content/articles/second.md": article("Second", "2020-01-05"),
    "content/articles/third.md": article("Third", "2020-01-03", "actors: [putin, nobody]\n"),
    "content/annotations/an-article.yaml": note("one") + note("two", "second#first"),
    "content/annotations/second.yaml": note("first", "third, an-article#two"),
    "content/annotations/third.yaml": note("x", "secnd"),
    "content/actors/russia.md": "---\nname: Russia\nkind: state\naliases: [Moscow]\n---\n",
    "content/claims.yaml": "a-claim:\n  title: A claim\n  description: Made.\n",
}


def replace(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text()
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1))


EDITS = [  # (what an editor does, as a function of the site's folder)
    lambda root: replace(root, "content/articles/second.md", "Putin spoke.", "Putin spoke twice."),
    lambda root: replace(root, "content/articles/second.md", "2020-01-05", "2019-12-31"),  # moves to the end
    lambda root: replace(root, "content/articles/third.md", "date: 2020-01-03", "date: 2020-13-03"),  # now invalid
    lambda root: replace(root, "content/articles/third.md", "date: 2020-13-03", "date: 2020-01-03"),
    lambda root: (root / "content/articles/second.md").unlink(),  # its annotations: an unknown article
    lambda root: (root / "content/articles/second.md").write_text(article("Second again", "2020-01-04")),
    lambda root: (root / "content/actors/wagner.md").write_text("---\nname: Wagner\nkind: armed_group\n---\n"),
    lambda root: (root / "content/actors/nobody.md").write_text("---\nname: Nobody\nkind: person\naliases: [Putin]\n---\n"),
    lambda root: replace(root, "content/annotations/an-article.yaml", "id: two", "id: deux"),
    lambda root: replace(root, "content/annotations/third.yaml", "secnd", "second#first"),
    lambda root: replace(root, "site.yaml", "pro:", "favour:"),  # a stance goes: every article again
    lambda root: replace(root, "content/claims.yaml", "a-claim:", "Bad Claim:"),
    lambda root: replace(root, "content/actors/nobody.md", "aliases: [Putin]", "aliases: [Nobody]"),
    lambda root: (root / "content/articles/fourth.md").write_text(article("Fourth", "2020-01-02", "actors: [russia]\n")),
    lambda root: (root / "content/annotations/fourth.yaml").write_text(note("n", "an-article#deux")),
]


def validate(root: Path, parsed: ParseCache | None = None, validated: ValidationCache | None = None):
    diagnostics = Diagnostics()
    content = validate_site(load_site(root, diagnostics, parsed), diagnostics, validated)
    return content, [d.format() for d in diagnostics.items]


def test_after_each_kind_of_edit_a_cached_validation_equals_a_fresh_one(tmp_path):
    root = make_site(tmp_path, FILES)
    parsed, validated = ParseCache(), ValidationCache()
    seen = set()
    for step, edit in enumerate([lambda root: None, *EDITS]):
        edit(root)
        cached = validate(root, parsed, validated)
        assert cached == validate(root), step
        seen.update(line.split(": ", 2)[-1].split("\n")[0] for line in cached[1])
    for message in ("unknown actor 'nobody'", "annotations for an unknown article 'second'",
                    "'see' names an unknown article 'secnd'", "'see' names an unknown annotation 'two' of an-article",
                    "unknown stance 'pro'", "alias 'Putin' is claimed by two actors: nobody ('Putin') and putin"):
        assert any(message in s for s in seen), message


def test_an_edit_of_one_article_validates_that_article_alone(tmp_path, monkeypatch):
    root = make_site(tmp_path, FILES)
    parsed, validated = ParseCache(), ValidationCache()
    validate(root, parsed, validated)
    made = []
    for name in ("_article", "_actor", "validate_file", "in_article_order", "_check_aliases"):
        real = getattr(reader.validate, name)
        monkeypatch.setattr(reader.validate, name, lambda *a, real=real, name=name, **k: made.append(name) or real(*a, **k))
    EDITS[0](root)
    assert validate(root, parsed, validated) == validate(root)
    made_by_cached = made[:made.index("_actor")]  # the fresh validation comes after
    assert made_by_cached == ["_article"]


def test_an_annotation_id_with_spaces_is_read_stripped_and_its_see_is_reported_at_its_line(tmp_path):
    notes = note("' spaced '", "nowhere") + note("plain")
    root = make_site(tmp_path, {"content/annotations/an-article.yaml": notes})
    content, problems = validate(root)
    assert [a.id for a in content.annotations] == ["spaced", "plain"]
    assert [p.split("\n")[0] for p in problems] == [
        "content/annotations/an-article.yaml:4:9: error: 'see' names an unknown article 'nowhere'"]
