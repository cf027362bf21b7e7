"""Fixture sites built with --root, compared with expected output where it is stable.

Set UPDATE_EXPECTED=1 to rewrite the expected files after an intended change,
then review the diff.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sitebuilder import run

SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "public"
    result = run("build", "--root", SITES / "tiny", "--out", out)
    assert result.returncode == 0, result.stderr
    return out


def expect(name: str, actual: str) -> None:
    path = SITES / "tiny.expected" / name
    if os.environ.get("UPDATE_EXPECTED"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual)
    assert actual == path.read_text(), f"output differs from {path}; UPDATE_EXPECTED=1 rewrites it"


def article_body(html: str) -> str:
    return re.search(r'<div class="article-body">\n(.*?)\n  </div>', html, re.S).group(1)


def test_tiny_site_writes_every_page_of_the_url_scheme(tiny):
    files = sorted(p.relative_to(tiny).as_posix() for p in tiny.rglob("*") if p.is_file())
    expect("files.txt", "\n".join(files) + "\n")


def test_article_body_links_first_mentions_outside_headings_links_and_phrases(tiny):
    expect("first-body.html", article_body((tiny / "articles/first/index.html").read_text()))


def test_america_inside_latin_america_is_not_a_mention(tiny):
    html = (tiny / "articles/first/index.html").read_text()
    assert "in Latin America." in html
    assert 'href="/tiny/actors/united-states/"' in (tiny / "articles/second/index.html").read_text()
    assert "united-states" not in article_body(html)


def test_actor_page_lists_snippets_linking_to_paragraph_anchors(tiny):
    html = (tiny / "actors/putin/index.html").read_text()
    assert '<a href="/tiny/articles/first/#p-1">' in html
    assert '<a href="/tiny/articles/first/#p-2">' in html
    assert "<mark>Putin</mark>" in html
    pro, contra = html.index('data-stance="pro"'), html.index('data-stance="contra"')
    assert pro < html.index("First article") < contra < html.index("Second article")  # a column per stance, site order


def test_implied_actor_appears_on_its_page_without_a_snippet(tiny):
    html = (tiny / "actors/guaido/index.html").read_text()
    assert "Second article" in html
    assert "the editors list Juan Guaidó as implied" in html


def test_co_mentions_are_ranked_by_shared_articles(tiny):
    html = (tiny / "actors/putin/index.html").read_text()
    co = html[html.index('id="co-heading"'):]
    assert co.index("Juan Guaidó") < co.index("United States")
    assert "(2 articles)" in co


def test_approximate_date_and_unknown_author_are_marked(tiny):
    html = (tiny / "articles/second/index.html").read_text()
    assert '<abbr title="approximate date' in html
    assert "Author unknown" in html and "The byline was not found." in html


def test_every_link_uses_the_base_path(tiny):
    for page in tiny.rglob("*.html"):
        for href in re.findall(r'(?:href|src)="(/[^"]*)"', page.read_text()):
            assert href.startswith("/tiny/"), f"{page}: {href}"


def test_base_url_option_overrides_site_yaml(tmp_path):
    out = tmp_path / "public"
    assert run("build", "--root", SITES / "tiny", "--out", out, "--base-url", "http://127.0.0.1:9/sub").returncode == 0
    assert 'href="/sub/actors/putin/"' in (out / "articles/first/index.html").read_text()


def test_failed_build_leaves_previous_output_untouched(tmp_path):
    import shutil

    root = tmp_path / "site"
    shutil.copytree(SITES / "tiny", root)
    out = tmp_path / "public"
    assert run("build", "--root", root, "--out", out).returncode == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    article = root / "content/articles/first.md"
    article.write_text(article.read_text().replace("stance: pro", "stance: 42"))
    result = run("build", "--root", root, "--out", out)
    assert result.returncode == 1 and "left unchanged" in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_refuses_an_output_folder_it_did_not_create(tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("irreplaceable")
    result = run("build", "--root", SITES / "tiny", "--out", out)
    assert result.returncode == 2 and "not written by this tool" in result.stderr
    assert (out / "thesis.txt").read_text() == "irreplaceable"
