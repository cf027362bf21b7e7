"""The build cache: a build with nothing changed reuses the output folder untouched; a change to any input,
or to the folder, makes a full build equal to a clean one; a reused build reports what the full one did."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import buildcache, render
from reader.buildcache import MANIFEST
from reader.cli import main
from reader.devserver import Channel
from reader.serve import DevBuild

TINY = Path(__file__).parent / "sites" / "tiny"
BASE_URL = "https://example.org/tiny/"
REUSED = "(nothing changed; reused)"


@pytest.fixture(scope="module")
def code_copy(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("code") / "reader"
    shutil.copytree(buildcache.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture(autouse=True)
def frozen_code(code_copy, monkeypatch):
    """The key covers the package's source; hash a copy, so an edit to the checkout during the tests
    (a correct reason for a full build) cannot fail them."""
    assert buildcache.code_folder() == Path(render.__file__).parent
    monkeypatch.setattr(buildcache, "code_folder", lambda: code_copy)


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    return root


@pytest.fixture
def build(capsys, tmp_path):
    """build(root, out, *extra) -> (exit code, stdout, stderr) of `build.py build`, run in this process."""
    def run(root: Path, out: Path, *extra: str) -> tuple[int, str, str]:
        code = main(["build", "--root", str(root), "--out", str(out), "--base-url", BASE_URL, *extra])
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


def files_of(folder: Path) -> dict[str, bytes]:
    """The site: every file but the manifest (whose stamps differ between any two builds)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def stamps_of(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file, the manifest too, by inode and times: any write or replacement changes them."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_ctime_ns)
            for p in folder.rglob("*")}


def clean_build(build, root: Path, tmp_path: Path, *extra: str) -> dict[str, bytes]:
    out = tmp_path / f"clean-{len(list(tmp_path.glob('clean-*')))}"
    code, stdout, stderr = build(root, out, *extra)
    assert code == 0 and REUSED not in stdout, stderr
    return files_of(out)


def without_time(summary: str) -> str:
    return re.sub(r" in \d+\.\d\d s.*", "", summary)


def test_a_second_build_with_nothing_changed_reuses_the_folder_untouched(site, tmp_path, build):
    out = tmp_path / "public"
    first = build(site, out)
    assert first[0] == 0 and REUSED not in first[1], first[2]
    files, stamps = files_of(out), stamps_of(out)
    code, stdout, stderr = build(site, out)
    assert code == 0 and stdout.startswith(f"built {out}: ") and stdout.rstrip().endswith(REUSED), stderr
    assert without_time(stdout) == without_time(first[1])
    assert files_of(out) == files and stamps_of(out) == stamps
    assert files == clean_build(build, site, tmp_path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, path
    path.write_text(text.replace(old, new, 1))


def same_size_edit(path: Path) -> None:
    """A hand edit that keeps the size, made at once: only the times and inode (or bytes) can tell."""
    data = bytearray(path.read_bytes())
    data[data.index(b"<title>") + 1] = ord("T")
    with open(path, "r+b") as file:
        file.write(data)


EDITS = {
    "article body": lambda root, out: edit(root / "content/articles/first.md", "Later Putin left.", "Putin left."),
    "annotation file": lambda root, out: edit(next((root / "content/annotations").iterdir()), "note: ", "note: Edited. "),
    "actor file": lambda root, out: edit(root / "content/actors/putin.md", "role: President", "role: Head"),
    "site.yaml": lambda root, out: edit(root / "site.yaml", "title: ", "title: Edited "),
    "new content file": lambda root, out: shutil.copy(root / "content/articles/first.md",
                                                      root / "content/articles/third.md"),
    "deleted content file": lambda root, out: (root / "content/actors/united-states.md").unlink(),
    "output file edited by hand, same size": lambda root, out: same_size_edit(out / "index.html"),
    "output file deleted": lambda root, out: (out / "robots.txt").unlink(),
    "extra file in the output": lambda root, out: (out / "articles" / "stray.html").write_text("stray"),
    "extra folder in the output": lambda root, out: (out / "stray").mkdir(),
    "manifest is garbage": lambda root, out: (out / MANIFEST).write_text("{not json"),
    "manifest of another shape": lambda root, out: (out / MANIFEST).write_text('{"format": 1, "key": []}'),
    "manifest deleted": lambda root, out: (out / MANIFEST).unlink(),
}


@pytest.mark.parametrize("change", EDITS)
def test_a_change_to_an_input_or_to_the_output_makes_a_full_build_equal_to_a_clean_one(change, site, tmp_path,
                                                                                        build):
    out = tmp_path / "public"
    assert build(site, out)[0] == 0
    EDITS[change](site, out)
    code, stdout, stderr = build(site, out)
    assert code == 0 and "Traceback" not in stderr, stderr
    assert REUSED not in stdout
    assert files_of(out) == clean_build(build, site, tmp_path)
    assert REUSED in build(site, out)[1]  # and the full build left a manifest that matches again


def test_the_content_edits_above_change_the_output(site, tmp_path, build):
    """Otherwise a cache that ignored them would pass the test above."""
    before = clean_build(build, site, tmp_path)
    for change in ("article body", "annotation file", "actor file", "site.yaml", "new content file",
                   "deleted content file"):
        EDITS[change](site, tmp_path / "unused")
        after = clean_build(build, site, tmp_path)
        assert after != before, change
        before = after


def test_a_different_base_url_makes_a_full_build(site, tmp_path, build):
    out = tmp_path / "public"
    assert build(site, out)[0] == 0
    code, stdout, stderr = build(site, out, "--base-url", "https://other.example/fork/")
    assert code == 0 and REUSED not in stdout, stderr
    assert "https://other.example/fork/" in (out / "sitemap.xml").read_text()
    assert files_of(out) == clean_build(build, site, tmp_path, "--base-url", "https://other.example/fork/")


@pytest.mark.parametrize("template", ["base.html", "static/reader.css"])
def test_an_edit_to_the_sites_own_templates_makes_a_full_build(template, site, tmp_path, build):
    shutil.copytree(render.PROJECT_TEMPLATES, site / "templates")
    out = tmp_path / "public"
    assert build(site, out)[0] == 0
    path = site / "templates" / template
    path.write_text(path.read_text().replace("</body>", "<p>edited</p></body>") + "\n/* edited */\n")
    code, stdout, stderr = build(site, out)
    assert code == 0 and REUSED not in stdout, stderr
    expected = clean_build(build, site, tmp_path)
    assert files_of(out) == expected
    assert b"edited" in expected["index.html" if template == "base.html" else "static/reader.css"]


def test_the_cache_uses_the_template_folder_the_build_uses(site):
    assert buildcache.template_folder(site) == render.template_folder(site) == render.PROJECT_TEMPLATES
    (site / "templates").mkdir()
    assert buildcache.template_folder(site) == render.template_folder(site) == site / "templates"


def test_a_change_to_the_readers_code_makes_a_full_build(site, tmp_path, build, monkeypatch):
    code_copy = tmp_path / "code"
    shutil.copytree(buildcache.PACKAGE, code_copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(buildcache, "code_folder", lambda: code_copy)  # the real source stays as it is
    out = tmp_path / "public"
    assert build(site, out)[0] == 0
    assert REUSED in build(site, out)[1]
    with open(code_copy / "render.py", "a") as source:
        source.write("# a change to the code\n")
    code, stdout, stderr = build(site, out)
    assert code == 0 and REUSED not in stdout, stderr


def test_no_cache_makes_a_full_build(site, tmp_path, build):
    out = tmp_path / "public"
    assert build(site, out)[0] == 0
    code, stdout, stderr = build(site, out, "--no-cache")
    assert code == 0 and REUSED not in stdout, stderr
    assert REUSED in build(site, out)[1]


def with_a_warning(root: Path) -> Path:
    shutil.copy(root / "content/articles/first.md", root / "content/articles/draft.markdown")
    return root


def test_a_reused_build_reports_the_warnings_of_the_build_it_reuses(site, tmp_path, build):
    out = tmp_path / "public"
    first = build(with_a_warning(site), out)
    assert first[0] == 0 and "warning: ignored" in first[2]
    code, stdout, stderr = build(site, out)
    assert code == 0 and REUSED in stdout
    assert stderr == first[2]
    assert " 0 warnings" not in stdout and without_time(stdout) == without_time(first[1])


def test_strict_on_a_reused_build_with_warnings_fails_as_a_full_build_would(site, tmp_path, build):
    out = tmp_path / "public"
    assert build(with_a_warning(site), out)[0] == 0
    files, stamps = files_of(out), stamps_of(out)
    code, stdout, stderr = build(site, out, "--strict")
    assert code == 1 and stdout == ""
    assert "error: ignored" in stderr and "warning:" not in stderr and "left unchanged" in stderr
    assert files_of(out) == files and stamps_of(out) == stamps
    full = build(site, out, "--strict", "--no-cache")
    assert full == (code, stdout, stderr)


def test_a_failed_build_keeps_the_manifest_of_the_folder_it_left(site, tmp_path, build):
    out = tmp_path / "public"
    assert build(site, out)[0] == 0
    article = site / "content/articles/first.md"
    original = article.read_text()
    article.write_text(original.replace("stance: pro", "stance: 42"))
    assert build(site, out)[0] == 1
    article.write_text(original)
    assert REUSED in build(site, out)[1]


def test_a_folder_written_by_serve_is_never_reused(site, tmp_path, build, capsys):
    out = tmp_path / "public"
    assert build(site, out)[0] == 0
    session = DevBuild(site, out, BASE_URL, Channel())
    assert session.rebuild()
    assert not (out / MANIFEST).exists()
    EDITS["article body"](site, out)
    assert session.rebuild([str(site / "content/articles/first.md")])  # writes the changed files in place
    capsys.readouterr()
    code, stdout, stderr = build(site, out)
    assert code == 0 and REUSED not in stdout, stderr
    assert files_of(out) == clean_build(build, site, tmp_path)


def test_the_manifest_is_a_hidden_file_no_page_names(site, tmp_path, build):
    out = tmp_path / "public"
    assert build(site, out)[0] == 0
    assert MANIFEST.startswith(".") and (out / MANIFEST).is_file()  # upload-pages-artifact leaves it out
    assert not [p for p, data in files_of(out).items() if MANIFEST.encode() in data]
    assert main(["check", "--root", str(site)]) == 0
    assert not (site / "public").exists()


def test_a_file_stamped_in_the_manifests_clock_tick_is_compared_by_its_bytes(tmp_path, monkeypatch):
    """An edit in the same clock tick as the write keeps a file's times ("racy git"); such files are hashed."""
    from reader.diagnostics import Diagnostics

    out = tmp_path / "out"
    out.mkdir()
    (out / "early.html").write_text("written first")
    probe = tmp_path / "probe"
    while not probe.exists() or probe.stat().st_ctime_ns <= (out / "early.html").stat().st_ctime_ns:
        time.sleep(0.001)  # until the file system's clock has moved on
        probe.write_text("")
    (out / "late.html").write_text("written last")
    future = time.time_ns() + 10**12
    os.utime(out / "late.html", ns=(future, future))  # as if stamped in the tick the manifest is written in
    buildcache.write_manifest(out, "key", Diagnostics(), dict.fromkeys(buildcache.SUMMARY, 0))
    files = json.loads((out / MANIFEST).read_text())["files"]
    assert len(files["late.html"]) == 5 and len(files["early.html"]) == 4
    assert buildcache.reusable(out, "key") is not None
    stamps = buildcache.folder_state(out)
    (out / "late.html").write_text("edited! last")  # same size; the stamps are then reported unchanged:
    monkeypatch.setattr(buildcache, "folder_state", lambda folder: stamps)
    assert buildcache.reusable(out, "key") is None


def test_the_key_follows_links_into_linked_folders_ends_loops_and_never_reads_a_pipe(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.md").write_text("one")
    content = tmp_path / "site" / "content"
    content.mkdir(parents=True)
    (content / "articles").symlink_to(elsewhere)  # the folders themselves may be links
    (content / "loop").symlink_to(content)
    os.mkfifo(content / "pipe")
    before = buildcache.tree_records(content)
    assert ("articles/a.md", "file", hashlib.sha256(b"one").hexdigest()) in before
    assert ("pipe", "special") in before and ("loop", "folder seen") in before
    (elsewhere / "a.md").write_text("two")
    assert buildcache.tree_records(content) != before


def test_the_command_line_checks_the_cache_before_importing_the_pipeline():
    """A reused build must not pay for importing Jinja, markdown-it and Pagefind (most of its time otherwise)."""
    code = "import sys, reader.cli; print(sorted({'jinja2', 'markdown_it', 'pagefind', 'reader.pipeline'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            cwd=Path(render.__file__).parent.parent)
    assert result.stdout.strip() == "[]", result.stderr
