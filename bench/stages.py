#!/usr/bin/env python3
"""Where a build's time goes, stage by stage, without a profiler's overhead; prints one line per stage.

    python bench/stages.py --root /tmp/reader-bench/corpus-1000 [--out /tmp/stages-out]

Runs `reader.pipeline.build_outputs` in process, timing the stages from the
progress calls it makes as each stage starts (load, validate, link, render),
then `write_site`. cProfile (see bench/README.md) says which functions cost the
most, but its per-call overhead triples this build's time and inflates small
functions; these wall times are the real split.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def stage_times(root: Path, out: Path) -> list[tuple[str, float]]:
    sys.path.insert(0, str(PROJECT))
    from reader.pipeline import build_outputs
    from reader.write import write_site

    marks: list[tuple[str, float]] = []
    result = build_outputs(root, None, lambda stage: marks.append((stage.split(" ")[0], time.perf_counter())))
    built = time.perf_counter()  # "rendering" includes check_outputs, which runs after render unannounced
    if result.diagnostics.has_errors():
        sys.exit("stages: the build failed; run build.py build --root to see why")
    write_site(result.outputs, out)
    ends = [t for _, t in marks[1:]] + [built]
    times = [(name, end - start) for (name, start), end in zip(marks, ends)]
    return [*times, ("write", time.perf_counter() - built)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--out", type=Path, help="output folder (default: a temporary one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        times = stage_times(args.root, args.out or Path(scratch) / "out")
    total = sum(t for _, t in times)
    for name, seconds in times:
        print(f"{name:<20} {seconds:8.2f} s  {100 * seconds / total:5.1f} %")
    print(f"{'total':<20} {total:8.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
