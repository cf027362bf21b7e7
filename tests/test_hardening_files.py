"""Files as they come: encodings and line endings, sizes, names, symbolic links and output paths.

Each case either builds a site whose pages are checked for safety, or is an exact error naming the
file (and line where there is one) with nothing built.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

import reader.load
from reader.diagnostics import Diagnostics
from reader.render import PROJECT_TEMPLATES, Output
from reader.write import OutputFolderError, check_outputs, write_site
from sitebuilder import ACTOR, ARTICLE, SITE_YAML, make_site
from test_hardening_support import assert_reported, build, fast_templates, messages, unsafe  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_templates")

A = "content/articles/an-article.md"
UTF8_HINT = "save the file as UTF-8"


def write_bytes(root: Path, path: str, data: bytes) -> Path:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_bytes(data)
    return root


def page(result, url: str) -> str:
    return next(o.data.decode() for o in result.outputs if o.url == url)


# --- encodings and line endings ---------------------------------------------------------------------

ACCEPTED_ENCODINGS = {
    "BOM and LF": b"\xef\xbb\xbf" + ARTICLE.encode(),
    "CRLF": ARTICLE.replace("\n", "\r\n").encode(),
    "CR only": ARTICLE.replace("\n", "\r").encode(),
    "BOM and CRLF": b"\xef\xbb\xbf" + ARTICLE.replace("\n", "\r\n").encode(),
    "mixed line endings": ARTICLE.replace("\n", "\r\n", 3).replace("\n", "\r", 2).encode(),
    "NUL in the body": ARTICLE.replace("Putin spoke.", "Putin\x00 spoke.").encode(),
    "line and paragraph separators in the body": ARTICLE.replace("Putin spoke.", "Putin\u2028spoke.\u2029").encode(),
    "zero-width no-break space in the title": ARTICLE.replace("An article", "An\ufeffarticle").encode(),
    "right-to-left override in the title": ARTICLE.replace("An article", "An \u202eelcitra").encode(),
}


@pytest.mark.parametrize("data", ACCEPTED_ENCODINGS.values(), ids=ACCEPTED_ENCODINGS)
def test_utf8_with_any_line_ending_builds(tmp_path, data):
    result = build(write_bytes(make_site(tmp_path, {}), A, data))
    assert messages(result) == []
    assert unsafe(result.outputs) == []
    assert "Putin" in page(result, "articles/an-article/")


def test_crlf_and_cr_files_report_the_same_lines_as_lf(tmp_path):
    text = ARTICLE.replace("stance: pro", "stance: no")
    for name, data in {"lf": text, "crlf": text.replace("\n", "\r\n"), "cr": text.replace("\n", "\r")}.items():
        root = write_bytes(make_site(tmp_path / name, {}), A, b"\xef\xbb\xbf" + data.encode())
        assert_reported(build(root), f"{A}:6:9: error: expected stance, got boolean false (quote it?)")


def _bad(prefix: str, bad: bytes, rest: str = "") -> bytes:
    return prefix.encode() + bad + rest.encode()


REFUSED_ENCODINGS = {
    # name: (file, bytes, byte offset, line, column)
    "invalid byte in the front matter": (A, _bad("---\ntitle: An ", b"\xff", "article\n" + ARTICLE.split("\n", 2)[2]), 14, 2, 11),
    "invalid byte in the body": (A, ARTICLE.encode() + b"More \xfe text.\n", len(ARTICLE.encode()) + 5, 10, 6),
    "UTF-16 with a BOM": (A, b"\xff\xfe" + ARTICLE.encode("utf-16-le"), 0, 1, 1),
    "Latin-1 accent": (A, ARTICLE.replace("Ann Writer", "Ren\xe9").encode("latin-1"), 50, 4, 12),
    "overlong encoding of '/'": (A, _bad(ARTICLE, b"\xc0\xaf"), len(ARTICLE), 10, 1),
    "encoded surrogate": (A, _bad(ARTICLE, b"\xed\xa0\x80"), len(ARTICLE), 10, 1),
    "truncated character at the end": (A, _bad(ARTICLE, b"\xe2\x82"), len(ARTICLE), 10, 1),
    "invalid byte after CRLF lines": (A, ARTICLE.replace("\n", "\r\n").encode() + b"\x80", len(ARTICLE) + 9, 10, 1),
    "invalid byte in site.yaml": ("site.yaml", _bad("title: T\xe9st", b"\xff", "\n"), 12, 1, 12),
    "invalid byte in an annotation file": ("content/annotations/an-article.yaml", b"- id: n1\n  note: \x81\n", 17, 2, 9),
    "invalid byte after a multi-byte character": (A, _bad("---\ntitle: Caf\u00e9 ", b"\xff"), 17, 2, 13),
}


@pytest.mark.parametrize("path, data, offset, line, col", REFUSED_ENCODINGS.values(), ids=REFUSED_ENCODINGS)
def test_invalid_utf8_is_an_error_with_byte_offset_line_and_column(tmp_path, path, data, offset, line, col):
    root = write_bytes(make_site(tmp_path, {}), path, data)
    assert_reported(build(root), f"{path}:1:1: error: file is not valid UTF-8 (byte {offset})\n"
                                 f"    line {line}, column {col}: {UTF8_HINT}")


# --- sizes -------------------------------------------------------------------------------------------

def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    root = make_site(tmp_path, {})
    body = ("x" * 1023 + "\n") * (reader.load.MAX_FILE_BYTES // 1024)
    (root / A).write_text(ARTICLE + body, encoding="utf-8")
    started = time.perf_counter()
    assert_reported(build(root), f"{A}:1:1: error: file is larger than the limit of 10 MiB\n"
                                 "    split it, or remove what does not belong in the site")
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("limit, ok", [(1000, True), (999, False)])
def test_the_size_limit_is_exact(tmp_path, monkeypatch, limit, ok):
    data = ARTICLE.encode() + b"x" * (1000 - len(ARTICLE.encode()))
    monkeypatch.setattr(reader.load, "MAX_FILE_BYTES", limit)
    result = build(write_bytes(make_site(tmp_path, {}), A, data))
    if ok:
        assert messages(result) == []
    else:
        assert_reported(result, f"{A}:1:1: error: file is larger than the limit of 999 bytes")


def test_a_long_site_yaml_value_is_fine(tmp_path):
    site = SITE_YAML.replace("title: Test site", "title: " + "Long title " * 20_000)
    result = build(make_site(tmp_path, {"site.yaml": site}))
    assert messages(result) == [] and unsafe(result.outputs) == []


def test_a_200_kb_single_line_paragraph_builds(tmp_path):
    line = "Putin spoke and " + "the minister answered at length " * 6_500
    result = build(make_site(tmp_path, {A: ARTICLE + line + "\n"}))
    assert messages(result) == []
    assert len(page(result, "articles/an-article/")) > 200_000


def test_a_5_mb_article_of_long_lines_builds_in_linear_time(tmp_path):
    """5 MB of 10 kB lines (each a paragraph): a few seconds of CPU, not minutes (the limit allows 10 MiB)."""
    paragraph = ("The minister spoke to the press about the weather and many other things. " * 136) + "\n\n"
    small = ARTICLE + paragraph * 50
    large = ARTICLE + paragraph * 505
    timings = []
    for name, text in (("small", small), ("large", large)):
        root = make_site(tmp_path / name, {A: text})
        started = time.process_time()
        result = build(root)
        timings.append(time.process_time() - started)
        assert messages(result) == []
    assert len(large.encode()) > 5_000_000
    assert timings[1] < 60, timings
    assert timings[1] < 10 * timings[0] + 2, timings  # 10x the text: about 10x the time, not 100x


# --- file names ----------------------------------------------------------------------------------------

BAD_NAMES = {
    "underscore and capitals": ("content/articles/Bad_Slug.md", "'Bad_Slug' is not a valid id", "2:8"),
    "capitals": ("content/articles/UPPER.md", "'UPPER' is not a valid id", "2:8"),
    "leading hyphen": ("content/articles/-lead.md", "'-lead' is not a valid id", "2:8"),
    "space": ("content/articles/a b.md", "'a b' is not a valid id", "2:8"),
    "accent": ("content/articles/café.md", "'café' is not a valid id", "2:8"),
    "dot in the stem": ("content/articles/a.b.md", "'a.b' is not a valid id", "2:8"),
    "newline in the name": ("content/articles/abc\n.md", "'abc\\x0a' is not a valid id", "2:8"),
    "actor id with underscore": ("content/actors/vladimir_putin.md", "'vladimir_putin' is not a valid id", "2:7"),
}


@pytest.mark.parametrize("path, message, position", BAD_NAMES.values(), ids=BAD_NAMES)
def test_a_slug_or_id_must_be_lowercase_letters_digits_and_hyphens(tmp_path, path, message, position):
    text = ACTOR.replace("aliases: [Putin]", "aliases: [Vlad]") if "actors" in path else ARTICLE
    result = build(make_site(tmp_path, {path: text}))
    shown = path.replace("\n", "\\x0a")
    assert_reported(result, f"{shown}:{position}: error: {message}")


def test_a_terminal_escape_in_a_file_name_is_shown_escaped(tmp_path):
    result = build(make_site(tmp_path, {"content/articles/x\x1b[2J.md": ARTICLE}))
    assert_reported(result, "content/articles/x\\x1b[2J.md:2:8: error: 'x\\x1b[2J' is not a valid id")


@pytest.mark.parametrize("path, warning", [
    ("content/articles/other.markdown", "content/articles/other.markdown:1:1: warning: ignored: not a .md file\n"
                                        "    rename it to other.md"),
    ("content/articles/other.MD", "content/articles/other.MD:1:1: warning: ignored: not a .md file"),
    ("content/actors/lavrov.txt", "content/actors/lavrov.txt:1:1: warning: ignored: not a .md file"),
    ("content/annotations/an-article.json", "content/annotations/an-article.json:1:1: warning: ignored: not a .yaml or .yml file"),
])
def test_a_content_file_with_the_wrong_extension_is_a_warning_not_silence(tmp_path, path, warning):
    result = build(make_site(tmp_path, {path: ARTICLE}))
    assert [m if "\n" in warning else m.split("\n")[0] for m in messages(result)] == [warning]
    assert result.outputs


def test_hidden_files_are_skipped_silently(tmp_path):
    result = build(make_site(tmp_path, {"content/articles/.draft.md": "not even front matter"}))
    assert messages(result) == [] and result.outputs


def test_a_folder_named_like_an_article_is_a_warning(tmp_path):
    root = make_site(tmp_path, {"content/articles/folder.md/inside.txt": "x"})
    result = build(root)
    assert messages(result) == ["content/articles/folder.md:1:1: warning: ignored: not a regular file\n"
                                "    content files are plain files"]


def test_two_annotation_files_for_one_article_are_an_error(tmp_path):
    note = "- id: n1\n  quote: Putin\n  kind: context\n  note: A note.\n  editor: Ed\n  date: 2026-11-21\n"
    result = build(make_site(tmp_path, {"content/annotations/an-article.yaml": note,
                                        "content/annotations/an-article.yml": note}))
    assert_reported(result, "content/annotations/an-article.yml:1:1: error: two files for 'an-article': "
                            "an-article.yaml and an-article.yml\n    merge them into one")


# --- symbolic links ------------------------------------------------------------------------------------

def _link(root: Path, path: str, target: Path) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).symlink_to(target)


def test_an_article_linked_to_a_file_outside_content_is_refused(tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text(ARTICLE)
    root = make_site(tmp_path / "site", {})
    _link(root, "content/articles/leak.md", secret)
    assert_reported(build(root), f"content/articles/leak.md:1:1: error: symbolic link to {secret}, outside content/: refused\n"
                                 "    copy the file into the site instead of linking to it")


def test_a_content_folder_linked_outside_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "lavrov.md").write_text(ACTOR.replace("Putin", "Lavrov"))
    root = make_site(tmp_path / "site", {})
    _link(root, "content/more-actors", elsewhere)
    assert_reported(build(root), f"content/more-actors:1:1: error: symbolic link to {elsewhere}, outside content/: refused")


@pytest.mark.parametrize("path", ["content/about.md", "content/claims.yaml", "content/annotations/an-article.yaml",
                                  "content/actors/lavrov.md"])
def test_any_content_file_linked_to_a_system_file_is_refused(tmp_path, path):
    root = make_site(tmp_path, {})
    _link(root, path, Path("/etc/passwd"))
    target = Path("/etc/passwd").resolve()
    assert_reported(build(root), f"{path}:1:1: error: symbolic link to {target}, outside content/: refused")


def test_a_loop_of_links_is_refused(tmp_path):
    root = make_site(tmp_path, {})
    _link(root, "content/articles/a.md", root / "content/articles/b.md")
    _link(root, "content/articles/b.md", root / "content/articles/a.md")
    assert_reported(build(root),
                    "content/articles/a.md:1:1: error: symbolic link to a loop of links, outside content/: refused",
                    "content/articles/b.md:1:1: error: symbolic link to a loop of links, outside content/: refused")


def test_a_dangling_link_outside_is_refused(tmp_path):
    root = make_site(tmp_path, {})
    _link(root, "content/articles/gone.md", tmp_path / "nowhere.md")
    assert_reported(build(root),
                    f"content/articles/gone.md:1:1: error: symbolic link to {tmp_path / 'nowhere.md'}, outside content/: refused")


def test_a_link_that_stays_inside_content_is_allowed(tmp_path):
    root = make_site(tmp_path, {"content/raw/second.md": ARTICLE.replace("An article", "Second")})
    _link(root, "content/articles/second.md", root / "content/raw/second.md")
    result = build(root)
    assert messages(result) == []
    assert "Second" in page(result, "articles/second/")


def test_a_content_folder_that_is_itself_a_link_builds(tmp_path):
    """A checkout assembled from links (as CI's fork test does) is fine; links below it are checked."""
    real = make_site(tmp_path / "real", {})
    root = tmp_path / "site"
    root.mkdir()
    (root / "site.yaml").symlink_to(real / "site.yaml")
    (root / "content").symlink_to(real / "content")
    assert messages(build(root)) == []
    _link(real, "content/articles/leak.md", Path("/etc/passwd"))
    assert_reported(build(root), f"content/articles/leak.md:1:1: error: symbolic link to {Path('/etc/passwd').resolve()}, "
                                 "outside content/: refused")


def test_a_static_file_linked_outside_the_static_folder_is_refused(tmp_path):
    root = make_site(tmp_path, {})
    shutil.copytree(PROJECT_TEMPLATES, root / "templates", symlinks=True)
    _link(root, "templates/static/leak.txt", Path("/etc/passwd"))
    assert_reported(build(root), f"templates/static/leak.txt:1:1: error: symbolic link to {Path('/etc/passwd').resolve()}, "
                                 "outside templates/static/: refused")


# --- output paths -------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["../escape.html", "/etc/x", "a/../../x", "a\\..\\x", "a//b", "x\x00y", "./x", "a/./b",
                                 "articles/..", "..", "line\nbreak/"])
def test_an_output_url_outside_the_output_folder_is_an_error(tmp_path, url):
    diagnostics = Diagnostics()
    check_outputs([Output("ok/", b"x"), Output(url, b"x", str(tmp_path / "templates/static/x"))], tmp_path, diagnostics)
    assert [d.format() for d in diagnostics.items] == [
        f"templates/static/x:1:1: error: refusing to write outside the output folder: {url!r}".replace("\n", "\\x0a")
        .replace("\x00", "\\x00")]


def test_write_site_refuses_an_escaping_path_and_leaves_nothing_behind(tmp_path):
    out = tmp_path / "public"
    with pytest.raises(OutputFolderError):
        write_site([Output("ok/", b"x"), Output("../escape.html", b"x")], out)
    assert sorted(os.listdir(tmp_path)) == []


def test_two_outputs_with_the_same_url_are_an_error_naming_both(tmp_path):
    diagnostics = Diagnostics()
    check_outputs([Output("about/", b"a", str(tmp_path / "content/about.md")),
                   Output("about/", b"b", str(tmp_path / "templates/static/about")), Output("x/", b"c")],
                  tmp_path, diagnostics)
    assert [d.format() for d in diagnostics.items] == [
        "templates/static/about:1:1: error: two outputs have the URL /about/: content/about.md and templates/static/about\n"
        "    rename one of them"]


def test_a_build_with_two_pages_at_one_url_fails_whole(tmp_path):
    from reader.pipeline import build_outputs
    from reader.render import render_pages

    root = make_site(tmp_path, {})
    result = build_outputs(root, renderer=lambda linked, folder: [*render_pages(linked, folder), Output("actors/", b"")])
    assert_reported(result, "templates:1:1: error: two outputs have the URL /actors/: templates and templates")
