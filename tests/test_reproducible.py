"""Reproducible output: the same input builds the same bytes, in any folder, process, time zone or locale.

Each build runs in its own process with its own PYTHONHASHSEED, so an order that
depends on set or dict hashing shows up as a difference here. Nothing in the
output may depend on the time of the build, unless SOURCE_DATE_EPOCH is set.
"""
from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.buildcache import MANIFEST
from sitebuilder import PROJECT

SITES = {"real": PROJECT, "tiny": PROJECT / "tests" / "sites" / "tiny"}
BASE_URL = "https://example.org/reader/"


def build(root: Path, out: Path, **env: str) -> dict[str, bytes]:
    """Build `root` into `out` in a fresh process; every file of the output, by relative path, but the
    build cache's manifest (it records file times and inodes, which no two builds share; never deployed)."""
    result = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "build", "--root", str(root), "--out", str(out),
         "--base-url", BASE_URL],
        cwd=PROJECT, capture_output=True, text=True, timeout=600, env={**os.environ, **env})
    assert result.returncode == 0, result.stderr
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def assert_same_tree(first: dict[str, bytes], second: dict[str, bytes]) -> None:
    assert sorted(first) == sorted(second), "the two builds wrote different files"
    differing = [name for name in first if first[name] != second[name]]
    if differing:
        name = differing[0]
        diff = difflib.unified_diff(first[name].decode(errors="replace").splitlines(),
                                    second[name].decode(errors="replace").splitlines(), lineterm="", n=1)
        pytest.fail(f"{len(differing)} file(s) differ, first {name}:\n" + "\n".join(list(diff)[:30]))


def copy_site(root: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy2(root / "site.yaml", target / "site.yaml")
    shutil.copytree(root / "content", target / "content")
    if (root / "templates").is_dir():
        shutil.copytree(root / "templates", target / "templates")
    return target


@pytest.mark.parametrize("site", SITES)
def test_two_builds_of_the_same_input_are_byte_identical(site, tmp_path):
    first = build(SITES[site], tmp_path / "one" / "public", PYTHONHASHSEED="1", TZ="UTC", LC_ALL="C")
    second = build(SITES[site], tmp_path / "two" / "out", PYTHONHASHSEED="2", TZ="Pacific/Chatham",
                   LC_ALL="C.UTF-8", LANG="de_DE.UTF-8")
    assert_same_tree(first, second)


@pytest.mark.parametrize("site", SITES)
def test_a_copy_of_the_site_in_another_folder_builds_the_same_bytes(site, tmp_path):
    original = build(SITES[site], tmp_path / "original", PYTHONHASHSEED="3")
    copy = copy_site(SITES[site], tmp_path / "elsewhere" / "deeper" / "copy")
    assert_same_tree(original, build(copy, copy / "public", PYTHONHASHSEED="4"))


@pytest.mark.parametrize("site", SITES)
def test_the_output_names_no_folder_of_the_build_machine(site, tmp_path):
    out = tmp_path / "public"
    files = build(SITES[site], out)
    machine = [str(PROJECT).encode(), str(tmp_path).encode(), str(Path.home()).encode() + b"/"]
    leaks = [name for name, data in files.items() if any(m in data for m in machine)]
    assert leaks == []


def test_builds_with_the_same_source_date_epoch_are_identical(tmp_path):
    """SOURCE_DATE_EPOCH (reproducible-builds.org) is the only clock a build may read."""
    first = build(SITES["tiny"], tmp_path / "a", SOURCE_DATE_EPOCH="1700000000", PYTHONHASHSEED="5")
    second = build(SITES["tiny"], tmp_path / "b", SOURCE_DATE_EPOCH="1700000000", PYTHONHASHSEED="6",
                   TZ="Asia/Kolkata")
    assert_same_tree(first, second)
