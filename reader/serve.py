"""`build.py serve`: build, serve the output on loopback, rebuild on change, show errors, reload the browser.

One event loop does everything in turn, so a request never sees a half-written
site: poll for changed sources (watch.py), rebuild once they have been quiet for a moment (only
what the change requires: incremental.py), write the files whose bytes
changed (sync.py), then tell the open pages. A failed rebuild writes
nothing: its diagnostics go to the terminal and, as an overlay, to every open
page, which keeps showing the last good site; the next good build removes the
overlay and reloads the pages it changed. The HTTP side is in `devserver`.

The search index is the exception: Pagefind re-reads every page (seconds at
1,000 articles), so after the first build it is made in a worker thread once
the pages are written, and written when ready, unless newer pages have come
meanwhile (their own index follows). Until then the search finds the previous text.
"""
from __future__ import annotations

import asyncio
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import collector
from .cli import report, summary_line
from .devserver import Channel, is_loopback, make_application
from .diagnostics import Diagnostics
from .incremental import IncrementalBuild, classify
from .render import DEV_ONLY_SUFFIX, template_folder
from .search import SearchIndexError, index_outputs
from .sync import sync_outputs
from .watch import make_watcher
from .write import OutputFolderError, check_output_folder, write_site

POLL_SECONDS = 0.1


def dev_scripts(root: Path) -> dict[str, Path]:
    """templates/static/*-dev.js: editors' tools that serve adds to every page and a build leaves out."""
    static = template_folder(root) / "static"
    return {p.name: p for p in sorted(static.glob(f"*{DEV_ONLY_SUFFIX}"))} if static.is_dir() else {}


def watched_paths(root: Path) -> list[Path]:
    return [root / "site.yaml", root / "content", template_folder(root)]


@dataclass
class DevBuild:
    """The serve session's builds: what the output folder holds, and the status the pages are told."""

    root: Path
    out: Path
    base_url: str
    channel: Channel
    written: dict[str, bytes] | None = None
    """url -> bytes of the site in `out`; None until a build has succeeded."""
    builds: int = 0
    failed: bool = False
    builder: IncrementalBuild = None  # type: ignore[assignment]
    index_in_background: bool = False
    """Serve: after the first build, write the pages at once and the search index when it is ready."""
    settle_soon: Callable[[Callable[[], None]], object] = lambda job: job()
    """How to run `collector.settle` after a build: at once, or (serve) `loop.call_soon`, once the
    pages are written and told, so that nobody waits for it."""

    def __post_init__(self) -> None:
        self.builder = self.builder or self._new_builder()

    def _new_builder(self) -> IncrementalBuild:
        return IncrementalBuild(self.root, self.base_url, index_later=self.index_in_background)

    def rebuild(self, changed: list[str] = ()) -> bool:
        """Build again (incrementally), write what changed, tell the pages; False if the build failed."""
        resume = collector.pause()
        try:
            return self._rebuild(changed)
        finally:
            self.settle_soon(partial(collector.settle, resume))

    def _rebuild(self, changed: list[str]) -> bool:
        self.builds += 1
        started = time.perf_counter()
        if changed:
            shown = [f"{_shown(p, self.root)} ({classify(Path(p), self.root)})" for p in changed]
            print(f"changed: {', '.join(shown)}", flush=True)
        try:
            result = self.builder.build([Path(p) for p in changed] or None)
        except Exception:  # a bug in our code; keep serving, show it, and start afresh next time
            self.builder = self._new_builder()
            self._fail(Diagnostics(), traceback.format_exc())
            return False
        report(result.diagnostics)
        if result.diagnostics.has_errors():
            self._fail(result.diagnostics)
            return False
        urls = self._write(result.outputs)
        print(f"{summary_line(result, time.perf_counter() - started, self.out)}; {self._made(result)}; "
              f"{'all' if urls is None else len(urls)} file(s) written", flush=True)
        self.channel.publish_status({"ok": True, "build": self.builds})
        if urls is None or urls or self.failed:
            self.channel.reload(None if urls is None or self.failed else ["/" + u for u in urls])
        self.failed = False
        self._index_in_background()
        return True

    def _index_in_background(self) -> None:
        """Index the pages the build left unindexed in a worker thread; adopt the result on this loop."""
        pending = self.builder.take_pending_index()
        if pending is None:
            return
        version, pages, site = pending
        builder = self.builder
        done = asyncio.get_running_loop().run_in_executor(None, _search_bundle, pages, site)
        done.add_done_callback(lambda future: self._adopt_index(builder, version, *future.result()))

    def _adopt_index(self, builder: IncrementalBuild, version: int, bundle, error: str | None) -> None:
        if error:
            print(f"search index not updated: {error}", file=sys.stderr, flush=True)
            return
        result = builder.adopt_index(version, bundle) if builder is self.builder else None
        if result is None:  # newer pages came meanwhile; their own index follows
            return
        urls = self._write(result.outputs)
        print(f"search index updated: {len(urls or ())} file(s) written", flush=True)
        if urls:
            self.channel.reload(["/" + u for u in urls])

    def _made(self, result) -> str:
        """How much of the site this build made again, and why."""
        done = self.builder.last
        what = "; ".join(done.changes[:3]) + (f" (+{len(done.changes) - 3} more)" if len(done.changes) > 3 else "")
        how = f"full render: {done.full}" if done.full else f"{len(done.made)} of {len(result.outputs)} outputs made again"
        return f"{how}{' after ' + what if what else ''}"

    def _write(self, outputs) -> list[str] | None:
        """Write the new site; the changed URLs, or None when everything was rewritten."""
        if self.written is None:
            write_site(outputs, self.out)
            urls = None
        else:
            urls = sync_outputs(self.written, outputs, self.out)
        self.written = {o.url: o.data for o in outputs}
        return urls

    def _fail(self, diagnostics: Diagnostics, crash: str | None = None) -> None:
        if crash:
            print(crash, file=sys.stderr, flush=True)
        print("rebuild failed; still serving the last good site", file=sys.stderr, flush=True)
        texts = [d.format() for d in diagnostics.sorted()] + ([f"internal error (a bug in the reader):\n{crash}"] if crash else [])
        summary = f"{len(diagnostics.errors) or 1} error(s), {len(diagnostics.warnings)} warning(s)"
        self.failed = True
        self.channel.publish_status({"ok": False, "build": self.builds, "summary": summary, "diagnostics": texts})


_SESSIONS: dict[tuple[Path, Path, str], DevBuild] = {}


def rebuild(root: Path, out: Path, base_url: str, changed: list | None = None) -> bool:
    """One rebuild as `serve` does it, without the server (for scripts such as bench/serve_edit.py).

    Calls with the same root, out and base URL share one session, so every call
    after the first is incremental; `changed` (paths) only labels the output.
    """
    key = (Path(root).resolve(), Path(out).resolve(), base_url)
    session = _SESSIONS.setdefault(key, DevBuild(Path(root), Path(out), base_url, Channel()))
    return session.rebuild([str(p) for p in changed or ()])


def _search_bundle(pages, site) -> tuple[list | None, str | None]:
    """(bundle, None), or (None, why not); runs in a worker thread."""
    try:
        return index_outputs(pages, site), None
    except SearchIndexError as exc:
        return None, str(exc)
    except Exception:  # a bug in our code: say so, keep serving
        return None, "internal error (a bug in the reader):\n" + traceback.format_exc()


def _shown(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def serve(root: Path, out: Path, host: str, port: int) -> int:
    try:
        check_output_folder(out, root)
        _check_not_watched(out, watched_paths(root))
    except OutputFolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    url_host = f"[{host}]" if ":" in host else host
    session = DevBuild(root, out, f"http://{url_host}:{port}/", Channel(), index_in_background=True)
    session.rebuild()
    if not is_loopback(host):
        print(f"warning: serving on {host}: anyone who can reach this machine can read the site", file=sys.stderr)
    try:
        asyncio.run(_serve_forever(session, host, port))
    except OSError as exc:
        print(f"error: cannot serve on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def _check_not_watched(out: Path, watched: list[Path]) -> None:
    """Writing into a watched folder would trigger a rebuild after every rebuild."""
    for path in watched:
        if out.resolve().is_relative_to(path.resolve()):
            raise OutputFolderError(f"{out} is inside {path}, which serve watches; choose another --out")


async def _serve_forever(session: DevBuild, host: str, port: int) -> None:
    from tornado.ioloop import PeriodicCallback

    server = make_application(session.out, session.channel, host, dev_scripts(session.root)).listen(port, address=host)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    watcher = make_watcher(watched_paths(session.root))
    session.settle_soon = loop.call_soon

    def poll() -> None:
        changed = watcher.poll()
        if changed:
            session.rebuild(changed)

    poller = PeriodicCallback(poll, POLL_SECONDS * 1000)
    poller.start()
    print(f"serving {session.out} at {session.base_url} (Ctrl+C to stop)", flush=True)
    await stop.wait()
    poller.stop()
    watcher.close()
    server.stop()
    print("stopped", flush=True)
