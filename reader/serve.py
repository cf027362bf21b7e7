"""`build.py serve`: build, serve the output on loopback, rebuild on change, reload the browser.

A failed rebuild prints its diagnostics and keeps serving the last good site.
Every rebuild is a full build for now (fast on this corpus); livereload reloads
the page only after `write_site` has swapped the new site in.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from .cli import report, summary_line
from .pipeline import build_outputs
from .render import template_folder
from .write import OutputFolderError, check_output_folder, write_site


def rebuild(root: Path, out: Path, base_url: str) -> bool:
    started = time.perf_counter()
    result = build_outputs(root, base_url)
    report(result.diagnostics)
    if result.diagnostics.has_errors():
        print("rebuild failed; still serving the last good site", file=sys.stderr)
        return False
    write_site(result.outputs, out)
    print(summary_line(result, time.perf_counter() - started, out), flush=True)
    return True


def rebuild_and_reload(root: Path, out: Path, base_url: str) -> None:
    """Reload the browsers as soon as a rebuild has written the new site, and only then.

    livereload would also reload on its own, but it ignores changes that come
    within 3 s of the previous reload; our reload resets that clock, so pages
    reload exactly once per successful rebuild.
    """
    from livereload.handlers import LiveReloadHandler

    if rebuild(root, out, base_url):
        LiveReloadHandler.reload_waiters()


def serve(root: Path, out: Path, host: str, port: int) -> int:
    from livereload import Server

    try:
        check_output_folder(out, root)
    except OutputFolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    base_url = f"http://{host}:{port}/"
    if not rebuild(root, out, base_url) and not out.is_dir():
        return 1
    server = Server()
    watched = [root / "content", root / "site.yaml", template_folder(root)]
    for path in watched:
        if path.exists():
            server.watch(str(path), lambda: rebuild_and_reload(root, out, base_url))
    print(f"serving {out} at {base_url} (Ctrl+C to stop)", flush=True)
    server.serve(root=str(out), host=host, port=port, open_url_delay=None, restart_delay=0)
    return 0
