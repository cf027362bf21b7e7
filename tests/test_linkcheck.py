"""The link check over rendered outputs: broken internal links and anchors, links escaping the base path,
malformed external URLs; each reported at the output file and line, and `check` fails on them."""
from __future__ import annotations

import shutil

import pytest

from reader.linkcheck import check_links
from reader.pipeline import build_outputs
from reader.render import Output
from sitebuilder import PROJECT, make_site, run

BASE = "https://example.org/test/"


def page(url: str, body: str) -> Output:
    return Output(url, f"<!DOCTYPE html>\n<html><body>\n{body}\n</body></html>\n".encode())


SITE = [
    page("", '<a href="/test/articles/a/">A</a>'),
    page("articles/a/", '<h2 id="p-1">One</h2>\n<a href="#p-1">here</a>'),
    page("actors/", "<p>Actors</p>"),
    Output("static/reader.css", b"body { color: black }\n"),
]


def problems(*extra: Output, base: str = BASE) -> list[str]:
    return [d.format() for d in check_links([*SITE, *extra], base).sorted()]


def test_a_site_whose_links_all_resolve_has_no_problems():
    assert problems() == []


def test_link_to_a_missing_page_is_reported_at_the_output_file_and_line():
    found = problems(page("notes/b/", '<p>x</p>\n<p>See <a href="/test/articles/c/">c</a></p>'))
    assert found == [
        "public/notes/b/index.html:4:8: error: link to missing page /test/articles/c/\n"
        "    did you mean /test/articles/a/?\n"
        "    the link is written by a template or by the content it renders; fix whichever wrote it"
    ]


def test_link_to_a_missing_anchor_names_the_anchor_and_the_page():
    found = problems(page("articles/b/", '<a href="/test/articles/a/#p-2">x</a>'))
    assert found[0].startswith("public/articles/b/index.html:3:1: error: link to missing anchor #p-2 in /test/articles/a/")
    assert "did you mean #p-1?" in found[0]


def test_fragment_only_link_is_checked_against_its_own_page():
    assert problems(page("articles/b/", '<a href="#nowhere">x</a>'))[0].startswith(
        "public/articles/b/index.html:3:1: error: link to missing anchor #nowhere in /test/articles/b/")
    assert problems(page("articles/b/", '<a id="top-note" href="#top-note">x</a> <a href="#top">top</a>')) == []


def test_relative_links_resolve_against_the_page_url():
    assert problems(page("articles/b/", '<a href="../a/#p-1">a</a> <a href="../../actors/">actors</a>')) == []
    assert "link to missing page ../x/" in problems(page("articles/b/", '<a href="../x/">x</a>'))[0]


def test_a_root_relative_link_outside_the_base_path_is_an_error():
    found = problems(page("articles/b/", '<link rel="stylesheet" href="/static/reader.css">'))
    assert found[0].startswith("public/articles/b/index.html:3:1: error: link to /static/reader.css "
                               "leaves the site's base path /test/")


def test_absolute_links_to_the_site_itself_are_checked_like_internal_ones():
    assert problems(page("articles/b/", '<link rel="canonical" href="https://example.org/test/articles/a/">')) == []
    assert "link to missing page https://example.org/test/articles/zz/" in problems(
        page("articles/b/", '<link rel="canonical" href="https://example.org/test/articles/zz/">'))[0]


def test_link_to_a_folder_without_its_slash_is_a_warning():
    found = problems(page("articles/b/", '<a href="/test/actors">x</a>'))
    assert found[0].startswith("public/articles/b/index.html:3:1: warning: link to /test/actors lacks the trailing slash")


def test_images_scripts_and_srcset_are_checked():
    found = problems(page("articles/b/", '<img alt="" src="/test/static/a.png" srcset="/test/static/b.png 2x">'))
    assert [f.split("\n")[0].split(": ")[2] for f in found] == ["link to missing page /test/static/a.png",
                                                 "link to missing page /test/static/b.png"]


@pytest.mark.parametrize("url, reason", [
    ("https://exa mple.net/", "contains whitespace"),
    ("https://example/", "has no domain"),
    ("https://exa_mple.net/", "invalid part 'exa_mple'"),
    ("http://example.net:99999/", "Port out of range"),
    ("https://example.net/100%/", "'%' is not followed by two hex digits"),
    ("javascript:alert(1)", "unsupported scheme 'javascript:'"),
])
def test_malformed_external_urls_are_errors(url, reason):
    found = problems(page("articles/b/", f'<a href="{url}">x</a>'))
    assert len(found) == 1 and reason in found[0], found


@pytest.mark.parametrize("url", [
    "https://www.forbes.com/sites/kenrapoza/2019/03/28/russia/?sh=1", "http://127.0.0.1:8000/x",
    "https://bücher.example/", "mailto:editors@example.org", "//cdn.example.org/x.js",
])
def test_well_formed_external_urls_pass_without_any_request(url):
    assert problems(page("articles/b/", f'<a href="{url}">x</a>')) == []


def test_duplicate_ids_are_errors():
    found = problems(page("articles/b/", '<p id="x">1</p>\n<p id="x">2</p>'))
    assert found[0].startswith("public/articles/b/index.html:4:1: error: duplicate id 'x'")


def test_css_urls_and_sitemap_locations_are_checked():
    css = Output("static/extra.css", b"body{}\n@font-face { src: url(fonts/missing.woff2) }\n")
    sitemap = Output("sitemap.xml", b'<?xml version="1.0"?>\n<urlset>\n<url><loc>https://example.org/test/gone/</loc></url>\n</urlset>\n')
    found = problems(css, sitemap)
    assert found[0].startswith("public/sitemap.xml:3:11: error: link to missing page https://example.org/test/gone/")
    assert found[1].startswith("public/static/extra.css:2:19: error: link to missing page fonts/missing.woff2")


def test_the_real_site_has_no_broken_link_under_any_base_path():
    for base_url in (None, "http://127.0.0.1:8000/", "https://someone.github.io/a-fork/"):
        result = build_outputs(PROJECT, base_url)
        assert result.outputs, [d.format() for d in result.diagnostics.items]
        found = check_links(result.outputs, result.linked.content.site.base_url)
        assert [d.format() for d in found.items] == []


@pytest.fixture
def site_with_broken_template(tmp_path):
    root = make_site(tmp_path / "site", {})
    shutil.copytree(PROJECT / "templates", root / "templates")
    base = root / "templates" / "404.html"
    base.write_text(base.read_text().replace("</h1>", "</h1>\n<p><a href=\"{{ href('articles/no-such-article/') }}\">x</a></p>", 1))
    return root


def test_check_fails_on_a_template_that_writes_a_broken_link(site_with_broken_template):
    result = run("check", "--root", site_with_broken_template)
    assert result.returncode == 1
    assert "public/404.html:" in result.stderr
    assert "error: link to missing page /test/articles/no-such-article/" in result.stderr
    assert "did you mean /test/articles/an-article/?" in result.stderr


def test_check_passes_on_a_valid_site_and_says_links_were_checked(tmp_path):
    result = run("check", "--strict", "--root", make_site(tmp_path, {}))
    assert result.returncode == 0, result.stderr
    assert "links checked" in result.stdout


def test_a_url_on_the_same_host_outside_the_base_path_is_another_site():
    assert problems(page("articles/b/", '<a href="https://example.org/other-project/">x</a>')) == []
