"""Invalid sites must fail with a given message at the right file and line; valid ones pass."""
from __future__ import annotations

import pytest

from sitebuilder import ARTICLE, make_site, run


def check(tmp_path, files, *extra):
    root = make_site(tmp_path, files)
    return run("check", "--root", root, *extra)


def test_valid_site_checks_clean(tmp_path):
    result = check(tmp_path, {})
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("field, value, message", [
    ("stance", "no", "content/articles/an-article.md:6:9: error: expected stance, got boolean false (quote it?)"),
    ("stance", "pr", "content/articles/an-article.md:6:9: error: unknown stance 'pr'\n    did you mean 'pro'?"),
    ("date", "2020-02-30", "content/articles/an-article.md:3:7: error: 'date' must be a real date YYYY-MM-DD, got '2020-02-30'"),
    ("date", "March 2020", "content/articles/an-article.md:3:7: error: 'date' must be a real date YYYY-MM-DD"),
    ("title", "2020", "content/articles/an-article.md:2:8: error: 'title' must be text, got number 2020"),
])
def test_bad_front_matter_value_is_an_error_at_its_line(tmp_path, field, value, message):
    text = "\n".join(f"{field}: {value}" if line.startswith(field + ":") else line for line in ARTICLE.split("\n"))
    result = check(tmp_path, {"content/articles/an-article.md": text})
    assert result.returncode == 1
    assert message in result.stderr


def test_missing_required_field_is_named(tmp_path):
    text = ARTICLE.replace("stance_note: Because.\n", "")
    result = check(tmp_path, {"content/articles/an-article.md": text})
    assert result.returncode == 1
    assert "content/articles/an-article.md:2:1: error: missing required field 'stance_note'" in result.stderr


def test_unknown_field_is_a_warning_and_strict_makes_it_fail(tmp_path):
    text = ARTICLE.replace("stance_note:", "stance_not: x\nstance_note:")
    result = check(tmp_path, {"content/articles/an-article.md": text})
    assert result.returncode == 0
    assert "content/articles/an-article.md:7:1: warning: unknown field 'stance_not'\n    did you mean 'stance_note'?" in result.stderr
    assert check(tmp_path, {"content/articles/an-article.md": text}, "--strict").returncode == 1


def test_duplicate_key_is_an_error_naming_both_lines(tmp_path):
    text = ARTICLE.replace("author: Ann Writer\n", "author: Ann Writer\nauthor: Bob\n")
    result = check(tmp_path, {"content/articles/an-article.md": text})
    assert "content/articles/an-article.md:5:1: error: duplicate key 'author' (first given on line 4)" in result.stderr


def test_alias_claimed_by_two_actors_is_an_error_naming_both(tmp_path):
    other = "---\nname: Putin's double\nkind: person\naliases: [Putin]\n---\nx\n"
    result = check(tmp_path, {"content/actors/double.md": other})
    assert result.returncode == 1
    assert "content/actors/putin.md:4:11: error: alias 'Putin' is claimed by two actors: double ('Putin') and putin" in result.stderr


def test_aliases_that_differ_only_by_accents_collide(tmp_path):
    other = "---\nname: Guaidó\nkind: person\n---\nx\n"
    mine = "---\nname: Juan Guaido\nkind: person\naliases: [Guaido]\n---\nx\n"
    result = check(tmp_path, {"content/actors/a-guaido.md": other, "content/actors/b-guaido.md": mine})
    assert "content/actors/b-guaido.md:4:11: error: alias 'Guaido' is claimed by two actors: a-guaido ('Guaidó') and b-guaido" in result.stderr


def test_unknown_implied_actor_suggests_the_closest(tmp_path):
    text = ARTICLE.replace("stance_note: Because.\n", "stance_note: Because.\nactors: [putn]\n")
    result = check(tmp_path, {"content/articles/an-article.md": text})
    assert "content/articles/an-article.md:8:10: error: unknown actor 'putn'\n    did you mean 'putin'?" in result.stderr


def test_every_problem_is_reported_in_one_run(tmp_path):
    bad_actor = "---\nname: X\nkind: planet\n---\n"
    bad_article = ARTICLE.replace("stance: pro", "stance: nope").replace("2020-01-02", "soon")
    result = check(tmp_path, {"content/actors/x.md": bad_actor, "content/articles/an-article.md": bad_article})
    assert "unknown actor kind 'planet'" in result.stderr
    assert "unknown stance 'nope'" in result.stderr
    assert "must be a real date" in result.stderr
    assert "3 error(s)" in result.stderr


def test_yaml_syntax_error_has_position_and_no_traceback(tmp_path):
    text = ARTICLE.replace("title: An article", "title: An: article: bad")
    result = check(tmp_path, {"content/articles/an-article.md": text})
    assert result.returncode == 1
    assert "content/articles/an-article.md:2:10: error: invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_front_matter_must_be_closed(tmp_path):
    result = check(tmp_path, {"content/articles/an-article.md": "---\ntitle: x\nbody"})
    assert "content/articles/an-article.md:1:1: error: front matter is not closed" in result.stderr


def test_invalid_utf8_reports_the_byte_offset(tmp_path):
    root = make_site(tmp_path, {})
    (root / "content/articles/an-article.md").write_bytes(ARTICLE.encode() + b"\xff")
    result = run("check", "--root", root)
    assert f"content/articles/an-article.md:1:1: error: file is not valid UTF-8 (byte {len(ARTICLE.encode())})" in result.stderr


def test_bom_and_crlf_are_accepted(tmp_path):
    root = make_site(tmp_path, {})
    (root / "content/articles/an-article.md").write_bytes(b"\xef\xbb\xbf" + ARTICLE.replace("\n", "\r\n").encode())
    assert run("check", "--root", root).returncode == 0


def test_bad_slug_is_an_error(tmp_path):
    result = check(tmp_path, {"content/articles/Bad_Slug.md": ARTICLE})
    assert "'Bad_Slug' is not a valid id" in result.stderr


def test_non_http_source_url_is_refused(tmp_path):
    text = ARTICLE.replace("stance_note: Because.\n", "stance_note: Because.\nsource_url: javascript:alert(1)\n")
    result = check(tmp_path, {"content/articles/an-article.md": text})
    assert "content/articles/an-article.md:8:13: error: not a web address: 'javascript:alert(1)'" in result.stderr


def test_missing_root_is_a_usage_error(tmp_path):
    assert run("check", "--root", tmp_path / "nope").returncode == 2


def test_unknown_option_is_a_usage_error():
    assert run("build", "--no-such-option").returncode == 2


def test_stance_without_label_and_description_is_reported_at_its_line(tmp_path):
    site = "title: T\nbase_url: https://example.org/\nstances:\n  pro: For\n  contra: {label: Against}\n"
    result = check(tmp_path, {"site.yaml": site})
    assert "site.yaml:4:8: error: each entry of 'stances' needs a label and a description, got 'For'" in result.stderr
    assert "site.yaml:5:11: error: missing required field 'description'" in result.stderr


def test_actor_link_must_be_a_title_and_a_web_address(tmp_path):
    actor = "---\nname: X\nkind: person\nlinks:\n  - https://example.org\n  - {title: W, url: ftp://x}\n---\n"
    result = check(tmp_path, {"content/actors/x.md": actor})
    assert "content/actors/x.md:5:5: error: each entry of 'links' needs a title and a url, got 'https://example.org'" in result.stderr
    assert "content/actors/x.md:6:21: error: not a web address: 'ftp://x'" in result.stderr


def test_base_url_option_must_be_absolute(tmp_path):
    result = run("build", "--root", make_site(tmp_path, {}), "--base-url", "reader/")
    assert result.returncode == 2 and "is not an absolute http(s) URL" in result.stderr
