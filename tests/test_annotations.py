"""Annotation files: validation and placing report exact messages at the right file and line."""
from __future__ import annotations

import json
import re

import pytest

from reader.pipeline import build_outputs
import sitebuilder
from sitebuilder import make_site, run

# The default test article with a body to annotate (its body starts on line 9).
ARTICLE = sitebuilder.ARTICLE.replace("Putin spoke.\n", """\
Putin said their presence was a “provocation.” He *said* it twice.

Putin said it again, and [the press](https://example.org/) reported it.
""")
CLAIMS = """\
troops:
  title: How many troops landed
  description: The number of soldiers.
"""


def note(id="n1", quote="their presence", **fields) -> str:
    lines = [f"- id: {id}", f"  quote: {json.dumps(quote, ensure_ascii=False)}"]
    fields = {"kind": "context", "note": "A note.", "editor": "Ed", "date": "2026-11-21", **fields}
    for key, value in fields.items():
        lines.append(f"  {key}: {value if isinstance(value, str) and value.startswith(('[', '{')) else json.dumps(value)}")
    return "\n".join(lines) + "\n"


def build(tmp_path, annotations: str, **files):
    root = make_site(tmp_path, {"content/articles/an-article.md": ARTICLE, "content/claims.yaml": CLAIMS,
                                "content/annotations/an-article.yaml": annotations, **files})
    return build_outputs(root)


def messages(result) -> list[str]:
    return [d.format() for d in result.diagnostics.sorted()]


def page(result, url="articles/an-article/") -> str:
    return next(o.data.decode() for o in result.outputs if o.url == url)


def test_a_valid_note_is_placed_and_rendered_with_marker_and_sidenote(tmp_path):
    result = build(tmp_path, note(quote="their presence was a “provocation.”"))
    assert messages(result) == []
    html = page(result)
    assert '<mark class="hl" data-annotations="n1" data-kind="context">their presence was a “provocation.”</mark>' in html
    assert 'id="ref-n1" href="#n1"' in html and '<span class="sidenote" id="n1"' in html


def test_quote_with_straight_quotes_anchors_on_the_articles_curly_ones(tmp_path):
    result = build(tmp_path, note(quote='their presence was a "provocation."'))
    assert messages(result) == []
    assert ">their presence was a “provocation.”</mark>" in page(result)


def test_quote_across_emphasis_and_a_link_is_split_into_well_formed_marks(tmp_path):
    result = build(tmp_path, note(quote="He said it twice."), )
    html = page(result)
    assert '<mark class="hl" data-annotations="n1" data-kind="context">He </mark><em><mark' in html
    result = build(tmp_path, note(quote="and the press reported"))
    html = page(result)
    assert re.search(r'<a href="https://example.org/"><mark[^>]*>the press</mark></a><mark[^>]*> reported</mark>', html)


def test_a_note_after_a_quote_ending_inside_a_link_goes_after_the_link(tmp_path):
    html = page(build(tmp_path, note(quote="again, and the")))
    assert re.search(r'<mark[^>]*>the</mark> press</a><a class="note-ref"', html)


def test_quote_on_an_actor_mention_keeps_the_mention_link(tmp_path):
    html = page(build(tmp_path, note(quote="Putin said their")))
    assert re.search(r'<a href="/test/actors/putin/" class="mention" data-actor="putin"><mark[^>]*>Putin</mark></a>', html)


def test_overlapping_and_nested_notes_are_both_placed(tmp_path):
    notes = note("outer", "Putin said their presence was") + note("inner", "their presence") + \
        note("overlap", "presence was a", kind="definition")
    result = build(tmp_path, notes)
    assert messages(result) == []
    html = page(result)
    assert 'data-annotations="inner outer overlap"' in html or 'data-annotations="outer inner overlap"' in html
    numbers = re.findall(r'id="ref-(\w+)" href="#\w+"[^>]*><span class="note-number">(\d)', html)
    assert numbers == [("inner", "2"), ("outer", "1"), ("overlap", "3")]


def test_a_repeated_quote_is_an_error_listing_each_occurrence_with_its_prefix(tmp_path):
    result = build(tmp_path, note(quote="Putin said"))
    assert messages(result) == [
        "content/annotations/an-article.yaml:2:10: error: quote occurs 2 times in content/articles/an-article.md; "
        "add a prefix or suffix to choose one\n"
        "    line 9: no prefix picks this one; quote a longer passage\n"
        '    line 11: prefix: "twice."'
    ]
    assert result.outputs == []


def test_prefix_picks_one_of_the_repeats(tmp_path):
    result = build(tmp_path, note(quote="Putin said", prefix="twice. "))
    assert messages(result) == []
    assert '<p id="p-2"><a href="/test/actors/putin/" class="mention" data-actor="putin"><mark' not in page(result)
    assert re.search(r'<p id="p-2"><mark[^>]*>Putin said</mark>', page(result))


def test_a_quote_over_a_paragraph_break_is_an_error_naming_both_lines(tmp_path):
    result = build(tmp_path, note(quote="it twice. Putin said it again"))
    assert messages(result) == [
        "content/annotations/an-article.yaml:2:10: error: quote runs over a paragraph break in "
        "content/articles/an-article.md (lines 9 and 11)\n"
        "    a note belongs to one paragraph: shorten the quote, or split it into two annotations"
    ]


def test_a_drifted_quote_is_placed_with_a_warning_showing_the_yaml_change(tmp_path):
    result = build(tmp_path, note(quote="their presense was a provocation"))
    assert messages(result) == [
        "content/annotations/an-article.yaml:2:10: warning: quote no longer matches content/articles/an-article.md; "
        "the note was placed on the closest passage (95% similar), line 9\n"
        '    was:    quote: "their presense was a provocation"\n'
        '    change: quote: "their presence was a “provocation"\n'
        "    (--strict makes this an error)"
    ]
    assert '<span class="sidenote" id="n1"' in page(result)


def test_a_quote_not_found_is_listed_as_a_note_that_could_not_be_placed(tmp_path):
    result = build(tmp_path, note(quote="Maduro denied everything"))
    [message] = messages(result)
    assert message.startswith("content/annotations/an-article.yaml:2:10: warning: quote not found in "
                              "content/articles/an-article.md\n"
                              '    quote: "Maduro denied everything"\n'
                              "    closest passage (")
    assert re.search(r"closest passage \(\d+% similar\), line (9|11): \"", message)
    html = page(result)
    assert "Notes that could not be placed" in html and '<li id="n1" value="1"' in html


def test_strict_makes_drift_and_orphans_errors_and_check_reports_every_orphan(tmp_path):
    root = make_site(tmp_path, {"content/articles/an-article.md": ARTICLE,
                                "content/annotations/an-article.yaml": note("a", "Maduro denied") + note("b", "Nobody else")})
    result = run("check", "--strict", "--root", root)
    assert result.returncode == 1
    assert result.stderr.count("error: quote not found in content/articles/an-article.md") == 2
    assert "warning:" not in result.stderr
    assert run("build", "--root", root, "--out", tmp_path / "out").returncode == 0


@pytest.mark.parametrize("annotations, expected", [
    (note(kind="fact-check"), "content/annotations/an-article.yaml:3:9: error: unknown annotation kind 'fact-check'\n"
                              "    did you mean 'fact_check'?"),
    (note(kind="fact_check", sources='[{title: T, url: "https://example.org"}]'),
     "content/annotations/an-article.yaml:3:9: error: a fact_check needs a verdict\n"
     "    verdict: one of accurate, misleading, needs_context, inaccurate, unverified"),
    (note(kind="fact_check", verdict="accurate"),
     "content/annotations/an-article.yaml:3:9: error: a fact_check needs at least one source\n"
     "    sources:\n      - {title: ..., url: https://...}"),
    (note(verdict="accurate"), "content/annotations/an-article.yaml:7:12: error: only a fact_check has a verdict\n"
                               "    remove 'verdict', or make this 'kind: fact_check'"),
    (note(kind="fact_check", verdict="mostly true", sources='[{title: T, url: "https://example.org"}]'),
     "content/annotations/an-article.yaml:7:12: error: unknown verdict 'mostly true'\n"
     "    one of: accurate, misleading, needs_context, inaccurate, unverified"),
    (note(claim="troop"), "content/annotations/an-article.yaml:7:10: error: unknown claim 'troop'\n"
                          "    did you mean 'troops'?"),
    (note(actors="[putn]"), "content/annotations/an-article.yaml:7:12: error: unknown actor 'putn'\n"
                            "    did you mean 'putin'?"),
    (note(kind="cross_reference"), "content/annotations/an-article.yaml:1:3: error: missing required field 'see'\n"
                                   "    add 'see: ...' to this entry"),
    (note(see="[an-artcle]"), "content/annotations/an-article.yaml:7:9: error: 'see' names an unknown article 'an-artcle'\n"
                              "    did you mean 'an-article'?"),
    (note(see="[an-article#n2]"), "content/annotations/an-article.yaml:7:9: error: 'see' names an unknown annotation 'n2' "
                                  "of an-article\n    an-article has: n1"),
    (note(id="Bad Id"), "content/annotations/an-article.yaml:1:7: error: 'Bad Id' is not a valid id\n"
                        "    use lowercase letters, digits and hyphens, e.g. united-states"),
    (note() + note(quote="Putin said", prefix="twice. "),
     "content/annotations/an-article.yaml:7:7: error: duplicate annotation id 'n1'\n"
     "    first used on line 1; ids must be unique within an article"),
    (note(date="21/11/2026"), "content/annotations/an-article.yaml:6:9: error: 'date' must be a real date YYYY-MM-DD, "
                              "got '21/11/2026'\n"
                              "    for an uncertain date give the best estimate and add 'date_precision: approximate'"),
    (note(sources='[{title: T, url: "javascript:alert(1)"}]'),
     "content/annotations/an-article.yaml:7:29: error: not a web address: 'javascript:alert(1)'\n"
     "    write a full http:// or https:// URL"),
    ("id: n1\n", "content/annotations/an-article.yaml:1:1: error: expected a list of annotations ('- id: ...'), "
                 "found dict\n    start each annotation with '- id: '"),
])
def test_invalid_annotations_are_errors_at_their_line(tmp_path, annotations, expected):
    result = build(tmp_path, annotations)
    assert expected in messages(result), messages(result)


def test_unknown_fields_are_warnings_with_did_you_mean(tmp_path):
    result = build(tmp_path, note(sorce="x"))
    assert messages(result) == ["content/annotations/an-article.yaml:7:3: warning: unknown field 'sorce'\n"
                                "    did you mean 'sources'?"]


def test_annotations_for_an_unknown_article_are_an_error_with_did_you_mean(tmp_path):
    result = build(tmp_path, note(), **{"content/annotations/an-artcle.yaml": note()})
    assert "content/annotations/an-artcle.yaml:1:1: error: annotations for an unknown article 'an-artcle'\n" \
           "    did you mean 'an-article.yaml'?" in messages(result)


def test_an_empty_annotation_file_is_fine(tmp_path):
    assert messages(build(tmp_path, "")) == []
