"""Command line (DESIGN.md §4): parse arguments, run the pipeline, print diagnostics, exit 0/1/2.

Exit codes: 0 success, 1 content errors (or warnings with --strict), 2 usage errors.
"""
from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import buildcache, collector
from .diagnostics import Diagnostics
from .write import OutputFolderError, check_output_folder, write_site

if TYPE_CHECKING:  # the pipeline is imported when a command needs it: a build with nothing to do never does
    from .pipeline import BuildResult

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the annotated reader's static site.")
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", help="build the site into public/ (the default command)")
    _common(build)
    build.add_argument("--base-url", help="absolute URL the site is served from (default: site.yaml base_url)")
    build.add_argument("--out", type=Path, help="output folder (default: ROOT/public)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--no-cache", action="store_true",
                       help="build everything even if nothing changed since the build in --out")
    serve = commands.add_parser("serve", help="build, serve on 127.0.0.1, rebuild and reload on change")
    _common(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--out", type=Path, help="output folder (default: ROOT/public)")
    check = commands.add_parser("check", help="validate everything, write nothing")
    _common(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    imp = commands.add_parser("import", help="raw text -> content/articles/<slug>.md")
    _common(imp)
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--force", action="store_true", help="overwrite existing articles")
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), help="site folder holding site.yaml and content/")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_OK
    if not args.root.is_dir():
        print(f"error: --root {args.root} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    if not is_web_address(getattr(args, "base_url", None) or "http://x/"):
        print(f"error: --base-url {args.base_url} is not an absolute http(s) URL, e.g. https://example.github.io/reader/",
              file=sys.stderr)
        return EXIT_USAGE
    return COMMANDS[args.command](args)


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def report(diagnostics: Diagnostics, strict: bool = False) -> None:
    """Print every problem in file order; under --strict warnings are printed as the errors they become."""
    if strict:
        diagnostics = diagnostics.as_strict()
    for diagnostic in diagnostics.sorted():
        print(diagnostic.format(), file=sys.stderr)
    if diagnostics.items:
        print(f"{len(diagnostics.errors)} error(s), {len(diagnostics.warnings)} warning(s)", file=sys.stderr)


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    out = args.out or args.root / "public"
    try:
        check_output_folder(out, args.root)
    except OutputFolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    key = buildcache.input_key(args.root, args.base_url)  # before loading: an edit during the build changes it
    reused = None if args.no_cache else buildcache.reusable(out, key)
    if reused is not None:
        return finish_build(reused.diagnostics, reused.summary, args, out, started, " (nothing changed; reused)")
    from .pipeline import build_outputs

    progress = terminal_progress()
    with collector.paused():
        result = build_outputs(args.root, args.base_url, progress)
    progress("")
    if result.diagnostics.has_errors(args.strict):
        return finish_build(result.diagnostics, result.summary(), args, out, started)
    write_site(result.outputs, out, partial(buildcache.write_manifest, key=key, diagnostics=result.diagnostics,
                                            summary=result.summary()))
    return finish_build(result.diagnostics, result.summary(), args, out, started)


def finish_build(diagnostics: Diagnostics, summary: dict[str, int], args: argparse.Namespace, out: Path,
                 started: float, note: str = "") -> int:
    """Report a build, made or reused alike: its problems, then the failure or the summary line."""
    report(diagnostics, args.strict)
    if diagnostics.has_errors(args.strict):
        print(f"build failed; {out} was left unchanged", file=sys.stderr)
        return EXIT_CONTENT
    print(summary_text(summary, time.perf_counter() - started, out) + note)
    return EXIT_OK


def terminal_progress():
    """Show the current stage on one terminal line; silent when stderr is not a terminal (CI, pipes)."""
    if not sys.stderr.isatty():
        return lambda stage: None
    return lambda stage: print(f"\r\033[K{stage}{'…' if stage else ''}", end="", file=sys.stderr, flush=True)


def summary_line(result: BuildResult, seconds: float, out: Path) -> str:
    return summary_text(result.summary(), seconds, out)


def summary_text(s: dict[str, int], seconds: float, out: Path) -> str:
    return (f"built {out}: {s['pages']} pages, {s['articles']} articles, {s['actors']} actors, "
            f"{s['annotations']} annotations, {s['warnings']} warnings in {seconds:.2f} s")


def run_check(args: argparse.Namespace) -> int:
    """Validate the content, then check the links of the pages a build would write."""
    from .linkcheck import check_links
    from .pipeline import build_outputs

    with collector.paused():
        result = build_outputs(args.root)
    diagnostics = result.diagnostics
    if result.linked is not None and result.outputs:
        diagnostics = Diagnostics([*diagnostics.items, *check_links(result.outputs, result.linked.content.site.base_url).items])
    report(diagnostics, args.strict)
    if diagnostics.has_errors(args.strict):
        return EXIT_CONTENT
    s = result.summary()
    print(f"ok: {s['articles']} articles, {s['actors']} actors, {s['pages']} pages, {len(diagnostics.warnings)} warnings, "
          "links checked")
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    from .importer import import_files

    missing = [f for f in args.files if not f.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE
    return import_files(args.files, args.root, args.force)


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(args.root, args.out or args.root / "public", args.host, args.port)


COMMANDS = {"build": run_build, "check": run_check, "import": run_import, "serve": run_serve}
