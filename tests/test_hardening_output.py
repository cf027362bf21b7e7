"""The output folder: refused when it is not ours to replace, replaced whole or not at all, even when the
build is killed with SIGKILL at any moment; only what we created is ever deleted."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.buildcache import MANIFEST
from reader.render import Output
from reader import write
from reader.write import MARKER, write_site
from sitebuilder import ARTICLE, PROJECT, make_site, run


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of the site; not the build cache's manifest, whose file stamps differ between any two builds."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def siblings(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


# --- folders we refuse -------------------------------------------------------------------------------

def test_an_output_folder_that_is_a_symlink_is_refused(tmp_path):
    root = make_site(tmp_path / "site", {})
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    result = run("build", "--root", root, "--out", tmp_path / "link")
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path / 'link'} is a symlink or a file, not a folder\n"
    assert os.listdir(tmp_path / "real") == []


def test_an_output_folder_that_is_a_file_is_refused(tmp_path):
    root = make_site(tmp_path / "site", {})
    (tmp_path / "file").write_text("keep me")
    result = run("build", "--root", root, "--out", tmp_path / "file")
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path / 'file'} is a symlink or a file, not a folder\n"
    assert (tmp_path / "file").read_text() == "keep me"


@pytest.mark.parametrize("where", ["root", "parent", "holds content"])
def test_an_output_folder_holding_the_sources_is_refused(tmp_path, where):
    root = make_site(tmp_path / "site", {})
    out = {"root": root, "parent": tmp_path, "holds content": tmp_path / "other"}[where]
    if where == "holds content":
        (out / "content").mkdir(parents=True)
    before = snapshot(tmp_path)
    result = run("build", "--root", root, "--out", out)
    assert result.returncode == 2
    assert result.stderr == f"error: {out} holds the site's sources; choose another --out\n"
    assert snapshot(tmp_path) == before


def test_the_project_itself_is_refused_as_an_output_folder(tmp_path):
    result = run("build", "--root", make_site(tmp_path, {}), "--out", PROJECT)
    assert result.returncode == 2
    assert result.stderr == f"error: {PROJECT} holds the site's sources; choose another --out\n"


def test_a_folder_with_only_hidden_files_of_someone_else_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".git").write_text("not ours")
    result = run("build", "--root", make_site(tmp_path / "site", {}), "--out", out)
    assert result.returncode == 2
    assert "is not empty and was not written by this tool" in result.stderr
    assert os.listdir(out) == [".git"]


def test_a_failed_build_changes_nothing_in_the_output_folder(tmp_path):
    root = make_site(tmp_path / "site", {})
    out = tmp_path / "public"
    assert run("build", "--root", root, "--out", out).returncode == 0
    before = snapshot(out)
    (root / "content/articles/an-article.md").write_text(ARTICLE.replace("stance: pro", "stance: !!python/none x"))
    result = run("build", "--root", root, "--out", out)
    assert result.returncode == 1
    assert "content/articles/an-article.md:6:9: error: YAML tag !!python/none is not allowed" in result.stderr
    assert snapshot(out) == before and siblings(out) == []


# --- what write_site deletes --------------------------------------------------------------------------

def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", ""])
    process.wait()
    return process.pid


def test_only_abandoned_staging_folders_of_ours_are_cleaned_up(tmp_path):
    out = tmp_path / "public"
    dead = _dead_pid()
    ours = tmp_path / f".public.staging-{dead}-0123abcd"
    ours.mkdir()
    (ours / MARKER).write_text("")
    (ours / "half.html").write_text("half written")
    empty = tmp_path / f".public.staging-{dead}-89abcdef"
    empty.mkdir()
    foreign = tmp_path / f".public.staging-{dead}-00000000"  # no marker, not empty: not ours
    foreign.mkdir()
    (foreign / "notes.txt").write_text("someone's")
    running = tmp_path / f".public.staging-{os.getppid()}-11111111"  # a live process: maybe a build in progress
    running.mkdir()
    (running / MARKER).write_text("")
    other = tmp_path / ".public.notes"
    other.write_text("unrelated")
    write_site([Output("", b"home"), Output("a/", b"a")], out)
    assert siblings(out) == sorted([foreign.name, running.name, other.name])
    assert snapshot(out) == {MARKER: (out / MARKER).read_bytes(), "index.html": b"home", "a/index.html": b"a"}


def test_a_build_killed_while_deleting_an_abandoned_staging_folder_leaves_it_recognisable(tmp_path, monkeypatch):
    """The full SIGKILL test below once left a staging folder without its marker: a build was killed while
    it deleted a folder abandoned by an earlier killed build. The marker now goes last."""
    out = tmp_path / "public"
    abandoned = tmp_path / f".public.staging-{_dead_pid()}-0123abcd"
    for name in ("a", "b", "c"):
        (abandoned / name).mkdir(parents=True)
        (abandoned / name / "index.html").write_text(name)
    (abandoned / MARKER).write_text("")
    real_rmtree, calls = write.shutil.rmtree, []

    def killed_after_one_folder(path, *args, **kwargs):
        if calls:
            raise KeyboardInterrupt  # as a kill would stop it: midway
        calls.append(path)
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(write.shutil, "rmtree", killed_after_one_folder)
    with pytest.raises(KeyboardInterrupt):
        write_site([Output("", b"home")], out)
    assert (abandoned / MARKER).is_file() and len(list(abandoned.iterdir())) == 3
    monkeypatch.setattr(write.shutil, "rmtree", real_rmtree)
    write_site([Output("", b"home")], out)
    assert siblings(out) == []


def test_a_rebuild_replaces_the_site_whole_and_leaves_no_staging_behind(tmp_path):
    out = tmp_path / "public"
    write_site([Output("", b"one"), Output("old/", b"gone soon")], out)
    inode = out.stat().st_ino
    write_site([Output("", b"two")], out)
    assert snapshot(out) == {MARKER: (out / MARKER).read_bytes(), "index.html": b"two"}
    assert out.stat().st_ino != inode and siblings(out) == []


# --- SIGKILL at any moment ------------------------------------------------------------------------------

def big_site(root: Path, title: str, articles: int = 60, actors: int = 30) -> Path:
    files = {"site.yaml": f"title: {title}\nbase_url: https://example.org/big/\nstances:\n"
                          "  pro: {label: For, description: Argues for.}\n  contra: {label: Against, description: Against.}\n"}
    names = [f"Actor Number{i}" for i in range(actors)]
    for i, name in enumerate(names):
        files[f"content/actors/actor-{i}.md"] = f"---\nname: {name}\nkind: person\naliases: [Number{i}]\n---\nActor {i}.\n"
    paragraph = " ".join(f"{names[j % actors]} met Number{(j * 7) % actors} about the matter." for j in range(12))
    for i in range(articles):
        files[f"content/articles/article-{i}.md"] = (
            f"---\ntitle: Article {i}\ndate: 2020-01-{1 + i % 28:02d}\nauthor: Writer {i}\npublication: Paper\n"
            f"stance: {'pro' if i % 2 else 'contra'}\nstance_note: Because.\n---\n" + (paragraph + "\n\n") * 6)
    return make_site(root, files, defaults=False)


def _build(root: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "build", "--root", str(root), "--out", str(out)],
                            cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_build_killed_at_any_moment_leaves_a_complete_site(tmp_path):
    """Kill `build.py build` with SIGKILL at ten moments spread over a whole build: the output folder always
    holds one complete site (the one before, or the new one if the swap was done), and the next build
    succeeds and leaves no staging folder behind. Each build goes to the other of two sites, so a kill
    that came too late still tests the next one."""
    roots = [big_site(tmp_path / "one", "Site one"), big_site(tmp_path / "two", "Site two")]
    sites = []
    for index, root in enumerate(roots):
        started = time.monotonic()
        assert _build(root, tmp_path / f"expected-{index}").wait(timeout=120) == 0
        duration = time.monotonic() - started
        sites.append(snapshot(tmp_path / f"expected-{index}"))
    assert sites[0] != sites[1] and len(sites[0]) > 80
    out = tmp_path / "public"
    assert _build(roots[0], out).wait(timeout=120) == 0
    current, outcomes = 0, []
    for fraction in (0.1, 0.3, 0.5, 0.6, 0.7, 0.76, 0.82, 0.87, 0.91, 0.95):
        process = _build(roots[1 - current], out)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        now = snapshot(out)
        assert now in sites, f"killed after {duration * fraction:.2f} s of {duration:.2f} s: a partial site"
        outcomes.append("swapped" if sites.index(now) != current else "kept")
        current = sites.index(now)
    assert _build(roots[1 - current], out).wait(timeout=120) == 0
    assert snapshot(out) == sites[1 - current]
    assert siblings(out) == [], outcomes
