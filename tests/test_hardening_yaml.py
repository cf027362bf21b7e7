"""Malformed YAML and type pitfalls: each is one error (or a few) at the exact file, line and column,
and nothing is built. Safe loading only: no tags, anchors, aliases, merge keys or second documents;
no type guessing (`stance: no` is not a stance, `title: 2020` is not a title)."""
from __future__ import annotations

import time

import pytest

from sitebuilder import ACTOR, ARTICLE, SITE_YAML, make_site
from test_hardening_support import assert_reported, build

A = "content/articles/an-article.md"
P = "content/actors/putin.md"
YAML_HINT = "    check indentation, and quote values that contain ': ' or start with a special character"
ANCHOR = "error: YAML anchors and aliases (&name, *name) are not allowed"
DATE_HINT = "    for an uncertain date give the best estimate and add 'date_precision: approximate'"


def article(old: str, new: str) -> dict:
    assert old in ARTICLE
    return {A: ARTICLE.replace(old, new, 1)}


def extra(lines: str) -> dict:
    """`lines` added to the article's front matter, from line 8."""
    return article("stance_note: Because.\n", "stance_note: Because.\n" + lines)


def actor(old: str, new: str) -> dict:
    assert old in ACTOR
    return {P: ACTOR.replace(old, new, 1)}


MALFORMED = {
    "front matter not closed": ({A: "---\ntitle: x\n"}, [f"{A}:1:1: error: front matter is not closed"]),
    "no front matter": ({A: "title: x\n"}, [f"{A}:1:1: error: missing front matter"]),
    "empty front matter": ({A: "---\n---\nbody\n"}, [f"{A}:1:1: error: expected YAML fields (key: value), found nothing"]),
    "front matter is a list": ({A: "---\n- a\n---\nbody\n"}, [f"{A}:1:1: error: expected YAML fields (key: value), found list"]),
    "tab indentation": (article("title: An article", "title:\n\t- x"),
                        [f"{A}:3:1: error: invalid YAML: found character that cannot start any token\n{YAML_HINT}"]),
    "colon in a plain value": (article("title: An article", "title: An: article"),
                               [f"{A}:2:10: error: invalid YAML: mapping values are not allowed in this context"]),
    "unclosed quote": (article("title: An article", 'title: "An article'),
                       [f"{A}:7:22: error: invalid YAML: found unexpected end of stream"]),
    "unclosed list": (extra("actors: [putin\n"), [f"{A}:8:15: error: invalid YAML: did not find expected ',' or ']'"]),
    "bad indentation": (article("author: Ann Writer", "author: Ann Writer\n  extra: x"),
                        [f"{A}:5:8: error: invalid YAML: mapping values are not allowed in this context"]),
    "duplicate key": (article("author: Ann Writer", "author: Ann Writer\nauthor: Bob"),
                      [f"{A}:5:1: error: duplicate key 'author' (first given on line 4)\n    keep one of the two"]),
    "duplicate nested key": ({"site.yaml": SITE_YAML + "  pro: {label: X, description: Y}\n"},
                             ["site.yaml:6:3: error: duplicate key 'pro' (first given on line 4)"]),
    "anchor and alias": (extra("summary: &s Short\nstandfirst: *s\n"), [f"{A}:8:10: {ANCHOR}", f"{A}:9:13: {ANCHOR}"]),
    "anchor alone": (extra("summary: &s Short\n"), [f"{A}:8:10: {ANCHOR}\n    write the value out in full"]),
    "merge key": (extra("<<: {summary: x}\n"), [f"{A}:8:1: error: YAML merge keys (<<) are not allowed"]),
    "python object tag": (extra('summary: !!python/object/apply:os.system ["echo pwned"]\n'),
                          [f"{A}:8:10: error: YAML tag !!python/object/apply:os.system is not allowed\n"
                           "    remove the !tag; content files hold plain values"]),
    "custom tag": (extra("summary: !include /etc/passwd\n"), [f"{A}:8:10: error: YAML tag !include is not allowed"]),
    "binary tag": (extra("summary: !!binary aGVsbG8=\n"), [f"{A}:8:10: error: YAML tag !!binary is not allowed"]),
    "float tag on text": (extra("summary: !!float abc\n"), [f"{A}:8:10: error: YAML tag !!float is not allowed"]),
    "set tag on a mapping": (extra("summary: !!set {a, b}\n"), [f"{A}:8:10: error: YAML tag !!set is not allowed"]),
    "explicit str tag": (extra("summary: !!str 2020\n"), [f"{A}:8:10: error: YAML tag !!str is not allowed"]),
    "second document": ({"site.yaml": SITE_YAML + "---\ntitle: Other\n"},
                        ["site.yaml:6:1: error: a file holds one YAML document; found a second one"]),
    "nesting too deep": (extra("summary: " + "[" * 60 + "]" * 60 + "\n"),
                         [f"{A}:8:59: error: YAML nested deeper than 50 levels"]),
    "control character": (article("title: An article", "title: An \x07article"),
                          [f"{A}:2:11: error: invalid YAML: character U+0007 is not allowed\n"
                           "    remove it: content files hold no invisible control characters"]),
    "NUL character": (article("title: An article", "title: An \x00article"),
                      [f"{A}:2:11: error: invalid YAML: character U+0000 is not allowed"]),
    "number as key": (extra("2020: x\n"), [f"{A}:8:1: error: keys must be plain words"]),
    "boolean as key": (extra("no: x\n"), [f"{A}:8:1: error: keys must be plain words"]),
    "null as key": (extra("~: x\n"), [f"{A}:8:1: error: keys must be plain words"]),
    "list as key": (extra("? [a, b]\n: x\n"), [f"{A}:8:3: error: keys must be plain words"]),
    "site.yaml is a list": ({"site.yaml": "- title: x\n"}, ["site.yaml:1:1: error: expected YAML fields (key: value), found list"]),
    "site.yaml is text": ({"site.yaml": "just text\n"}, ["site.yaml:1:1: error: expected YAML fields (key: value), found str"]),
    "site.yaml is empty": ({"site.yaml": ""}, ["site.yaml:1:1: error: expected YAML fields (key: value), found nothing"]),
    "claims.yaml is a list": ({"content/claims.yaml": "- a\n"},
                              ["content/claims.yaml:1:1: error: expected YAML fields (key: value), found list"]),
}


@pytest.mark.parametrize("files, expected", MALFORMED.values(), ids=MALFORMED)
def test_malformed_yaml_is_an_error_at_its_position(tmp_path, files, expected):
    assert_reported(build(make_site(tmp_path, files)), *expected)


def test_an_alias_bomb_is_refused_fast_and_the_report_is_capped(tmp_path):
    layers = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    layers += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    started = time.perf_counter()
    result = build(make_site(tmp_path, {"site.yaml": SITE_YAML + "\n".join(layers) + "\n"}))
    assert time.perf_counter() - started < 5
    heads = [m.split("\n")[0] for m in (d.format() for d in result.diagnostics.sorted())]
    assert heads[0] == "site.yaml:6:5: " + ANCHOR
    assert heads[-1] == "site.yaml:8:45: error: stopped reading this file after 20 errors"
    assert len(heads) == 21 and result.outputs == []


def test_a_million_open_brackets_are_refused_without_a_crash(tmp_path):
    started = time.perf_counter()
    assert_reported(build(make_site(tmp_path, extra("summary: " + "[" * 1_000_000 + "\n"))),
                    f"{A}:8:59: error: YAML nested deeper than 50 levels")
    assert time.perf_counter() - started < 5


# --- type pitfalls --------------------------------------------------------------------------------

STANCE_HINT = "    one of: pro, contra"

PITFALLS = {
    "stance: no": (article("stance: pro", "stance: no"),
                   f"{A}:6:9: error: expected stance, got boolean false (quote it?)\n{STANCE_HINT}"),
    "stance: yes": (article("stance: pro", "stance: yes"), f"{A}:6:9: error: expected stance, got boolean true (quote it?)"),
    "stance: on": (article("stance: pro", "stance: on"), f"{A}:6:9: error: expected stance, got boolean true (quote it?)"),
    "stance: OFF": (article("stance: pro", "stance: OFF"), f"{A}:6:9: error: expected stance, got boolean false (quote it?)"),
    "stance: 1": (article("stance: pro", "stance: 1"), f"{A}:6:9: error: expected stance, got number 1"),
    "stance: (empty)": (article("stance: pro", "stance:"), f"{A}:6:8: error: expected stance, got nothing (null)"),
    "title: 2020": (article("title: An article", "title: 2020"),
                    f"{A}:2:8: error: 'title' must be text, got number 2020\n    quote it: title: \"...\""),
    "title: 1.5": (article("title: An article", "title: 1.5"), f"{A}:2:8: error: 'title' must be text, got number 1.5"),
    "title: true": (article("title: An article", "title: true"), f"{A}:2:8: error: 'title' must be text, got boolean true"),
    "title: null": (article("title: An article", "title: null"),
                    f"{A}:2:8: error: 'title' must be text, got nothing (null)\n    write some text: title: \"...\""),
    "title: ~": (article("title: An article", "title: ~"), f"{A}:2:8: error: 'title' must be text, got nothing (null)"),
    "title: blank": (article("title: An article", 'title: "  "'), f"{A}:2:8: error: 'title' must be text, got '  '"),
    "title: a list": (article("title: An article", "title: [An, article]"), f"{A}:2:8: error: 'title' must be text, got a list"),
    "title: a mapping": (article("title: An article", "title: {An: article}"),
                         f"{A}:2:8: error: 'title' must be text, got a mapping"),
    "title: 017 (octal)": (article("title: An article", "title: 017"), f"{A}:2:8: error: 'title' must be text, got number 15"),
    "title: 1:30 (base 60)": (article("title: An article", "title: 1:30"),
                              f"{A}:2:8: error: 'title' must be text, got number 90"),
    "title: .inf": (article("title: An article", "title: .inf"), f"{A}:2:8: error: 'title' must be text, got number inf"),
    "title: 5000 digits": (article("title: An article", "title: " + "9" * 5000),
                           f"{A}:2:8: error: '{'9' * 40}' is too large a number\n    quote it to keep it as text"),
    "date: 2020-02-30": (article("date: 2020-01-02", "date: 2020-02-30"),
                         f"{A}:3:7: error: 'date' must be a real date YYYY-MM-DD, got '2020-02-30'\n{DATE_HINT}"),
    "date: 2020-1-2": (article("date: 2020-01-02", "date: 2020-1-2"),
                       f"{A}:3:7: error: 'date' must be a real date YYYY-MM-DD, got '2020-1-2'"),
    "date: March 2020": (article("date: 2020-01-02", "date: March 2020"),
                         f"{A}:3:7: error: 'date' must be a real date YYYY-MM-DD, got 'March 2020'"),
    "date: 20200102": (article("date: 2020-01-02", "date: 20200102"),
                       f"{A}:3:7: error: 'date' must be a real date YYYY-MM-DD, got number 20200102"),
    "date with a time": (article("date: 2020-01-02", "date: 2020-01-02T10:00:00"),
                         f"{A}:3:7: error: 'date' must be a real date YYYY-MM-DD, got '2020-01-02T10:00:00'"),
    "date with a spaced time": (article("date: 2020-01-02", "date: 2020-01-02 10:00:00"),
                                f"{A}:3:7: error: 'date' must be a real date YYYY-MM-DD, got '2020-01-02 10:00:00'"),
    "date in full-width digits": (article("date: 2020-01-02", "date: '２０２０-０１-０２'"),
                                  f"{A}:3:7: error: 'date' must be a real date YYYY-MM-DD, got '２０２０-０１-０２'"),
    "date in a block with a newline": (article("date: 2020-01-02", "date: |\n  2020-01-02"),
                                       f"{A}:3:7: error: 'date' must be a real date YYYY-MM-DD, got '2020-01-02\\x0a'"),
    "date: (empty)": (article("date: 2020-01-02", "date:"),
                      f"{A}:3:6: error: 'date' must be a real date YYYY-MM-DD, got nothing (null)"),
    "date: year 0": (article("date: 2020-01-02", "date: 0000-01-01"),
                     f"{A}:3:7: error: 'date' must be a real date YYYY-MM-DD, got '0000-01-01'"),
    "author: a number in the list": (article("author: Ann Writer", "author: [Ann, 2]"),
                                     f"{A}:4:9: error: 'author' must be text or a list of texts, got a list"),
    "author: a mapping": (article("author: Ann Writer", "author: {name: Ann}"),
                          f"{A}:4:9: error: 'author' must be text or a list of texts, got a mapping"),
    "author: empty list": (article("author: Ann Writer", "author: []"), f"{A}:4:9: error: 'author' is missing"),
    "kind: Person": (actor("kind: person", "kind: Person"),
                     f"{P}:3:7: error: unknown actor kind 'Person'\n    did you mean 'person'?"),
    "kind: no": (actor("kind: person", "kind: no"), f"{P}:3:7: error: expected actor kind, got boolean false (quote it?)"),
    "aliases with a number": (actor("aliases: [Putin]", "aliases: [Putin, 12]"),
                              f"{P}:4:10: error: 'aliases' must be text or a list of texts, got a list"),
    "links: a string": (actor("aliases: [Putin]", "aliases: [Putin]\nlinks: https://example.org"),
                        f"{P}:5:8: error: 'links' must be a list of {{title, url}}, got 'https://example.org'"),
    "date_precision: yes": (extra("date_precision: yes\n"),
                            f"{A}:8:17: error: expected date precision, got boolean true (quote it?)"),
    "link_mentions: no": ({"site.yaml": SITE_YAML + "link_mentions: no\n"},
                          "site.yaml:6:16: error: expected link_mentions value, got boolean false (quote it?)"),
    "stances: a list": ({"site.yaml": SITE_YAML.split("stances:")[0] + "stances: [pro, contra]\n"},
                        "site.yaml:3:10: error: 'stances' must map each stance key to a label and a description"),
    "stance key not an id": ({"site.yaml": SITE_YAML + "  Pro_2: {label: X, description: Y}\n"},
                             "site.yaml:6:3: error: 'Pro_2' is not a valid id"),
    "site title: 42": ({"site.yaml": SITE_YAML.replace("title: Test site", "title: 42")},
                       "site.yaml:1:8: error: 'title' must be text, got number 42"),
}


@pytest.mark.parametrize("files, expected", PITFALLS.values(), ids=PITFALLS)
def test_a_value_of_the_wrong_type_is_an_error_not_a_guess(tmp_path, files, expected):
    assert_reported(build(make_site(tmp_path, files)), expected)


def test_a_long_value_is_shortened_in_the_message(tmp_path):
    assert_reported(build(make_site(tmp_path, article("stance: pro", "stance: " + "x" * 500))),
                    f"{A}:6:9: error: unknown stance '{'x' * 59}…'")


def test_terminal_escapes_in_content_are_shown_escaped_in_messages(tmp_path):
    result = build(make_site(tmp_path, article("stance: pro", 'stance: "\\e[2J\\e[31mred"')))
    assert_reported(result, f"{A}:6:9: error: unknown stance '\\x1b[2J\\x1b[31mred'")


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_unicode_line_separator_in_yaml_keeps_its_text_and_the_line_numbers(tmp_path, separator):
    """YAML counts U+2028, U+2029 and U+0085 as line breaks; editors and our reports do not."""
    text = ARTICLE.replace("title: An article", f'title: "An{separator}article"').replace("stance: pro", "stance: no")
    assert_reported(build(make_site(tmp_path, {A: text})), f"{A}:6:9: error: expected stance, got boolean false (quote it?)")


def test_a_control_character_after_accents_is_reported_at_its_column(tmp_path):
    assert_reported(build(make_site(tmp_path, article("author: Ann Writer", "author: Ann Wrïtér\x07"))),
                    f"{A}:4:19: error: invalid YAML: character U+0007 is not allowed")


# --- through the real command line ---------------------------------------------------------------------

def test_check_reports_refused_yaml_with_exit_1_and_no_traceback(tmp_path):
    from sitebuilder import run

    root = make_site(tmp_path, extra("summary: &s Short\nstandfirst: *s\n"))
    result = run("check", "--root", root)
    assert result.returncode == 1
    assert result.stderr == (f"{A}:8:10: {ANCHOR}\n    write the value out in full\n"
                             f"{A}:9:13: {ANCHOR}\n    write the value out in full\n2 error(s), 0 warning(s)\n")


def test_build_prints_terminal_escapes_from_content_escaped(tmp_path):
    from sitebuilder import run

    root = make_site(tmp_path, article("stance: pro", 'stance: "\\e]0;owned\\a\\e[2J"'))
    result = run("build", "--root", root, "--out", tmp_path / "public")
    assert result.returncode == 1 and "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert f"{A}:6:9: error: unknown stance '\\x1b]0;owned\\x07\\x1b[2J'" in result.stderr
    assert not (tmp_path / "public").exists()
