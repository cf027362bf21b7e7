#!/usr/bin/env python3
"""Time a one-article edit through the `serve` code path, in process; prints one JSON object.

    python bench/serve_edit.py --root CORPUS --out DIR [--edits 3]

Does what `build.py serve` does without the HTTP server: the initial
build, then, per edit, appends a paragraph to one article and calls the rebuild
that serve's file watcher calls, with the changed file. The article is restored
afterwards. "mode" says what that rebuild does (read off reader/serve.py).
"edits" are the times until the pages are written; "indexed", until the search
index made in the background after them is written too.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import inspect
import io
import json
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BASE_URL = "http://127.0.0.1:8000/"


def edit_times(root: Path, out: Path, edits: int, max_repeat: float = float("inf")) -> dict:
    sys.path.insert(0, str(PROJECT))
    return asyncio.run(_edit_times(root, out, edits, max_repeat))


async def _edit_times(root: Path, out: Path, edits: int, max_repeat: float) -> dict:
    """Inside an event loop, as serve runs, so that a search index made in the background gets written."""
    rebuild, mode, indexed = serve_rebuild(root, out)
    articles = sorted((root / "content" / "articles").glob("*.md"))
    article = articles[len(articles) // 2]
    original = article.read_text(encoding="utf-8")
    started = time.perf_counter()
    ok, _ = _quiet(rebuild, [])
    initial = time.perf_counter() - started
    times, index_times, said = [], [], ""
    try:
        for k in range(1, edits + 1):
            article.write_text(original + f"\nEdited for the benchmark, round {k}.\n", encoding="utf-8")
            started = time.perf_counter()
            done, said = _quiet(rebuild, [str(article)])
            times.append(time.perf_counter() - started)
            if indexed and done:
                index_times.append(await indexed(started))
            ok = ok and done
            if times[-1] > max_repeat:
                break
    finally:
        article.write_text(original, encoding="utf-8")
    return {"ok": bool(ok), "mode": mode, "initial": initial, "edits": times, "indexed": index_times,
            "article": article.name, "last_line": said.strip().splitlines()[-1] if said.strip() else ""}


def serve_rebuild(root: Path, out: Path):
    """(rebuild(changed paths) -> bool, what it does, wait for the search index or None): the rebuild
    serve's file watcher runs, whichever shape reader/serve.py has: a `DevBuild` session that writes
    the search index in the background, a module-level `rebuild(root, out, base_url, changed)`, a
    `DevBuild` session, or an older `rebuild(root, out, base_url)` that always rebuilds in full."""
    from reader import serve

    if hasattr(serve, "DevBuild") and "index_in_background" in {f.name for f in dataclasses.fields(serve.DevBuild)}:
        session = _timed_session(serve)(root, out, BASE_URL, _channel(), index_in_background=True)
        if hasattr(session, "settle_soon"):  # as serve runs it: the collector settles once the loop is free
            session.settle_soon = asyncio.get_running_loop().call_soon
        return session.rebuild, _describe(serve.DevBuild.rebuild), session.indexed
    if "changed" in inspect.signature(serve.rebuild).parameters:
        def rebuild(changed):
            return serve.rebuild(root, out, BASE_URL, changed=changed)
        return rebuild, _describe(getattr(serve, "DevBuild", None) and serve.DevBuild.rebuild or serve.rebuild), None
    if hasattr(serve, "DevBuild"):
        return serve.DevBuild(root, out, BASE_URL, _channel()).rebuild, _describe(serve.DevBuild.rebuild), None
    return (lambda changed: serve.rebuild(root, out, BASE_URL)), "full build and write of the whole site", None


def _channel():
    from reader.devserver import Channel

    return Channel()


def _timed_session(serve):
    """serve.DevBuild, noting when each background search index has been written."""
    class TimedSession(serve.DevBuild):
        adopted = 0.0

        def _adopt_index(self, *args) -> None:
            super()._adopt_index(*args)
            self.adopted = time.perf_counter()

        async def indexed(self, since: float) -> float:
            while self.adopted < since:
                await asyncio.sleep(0.01)
            return self.adopted - since

    return TimedSession


def _describe(function) -> str:
    """The first line of the rebuild's docstring: what serve says its rebuild does."""
    return (inspect.getdoc(function) or "rebuild (undocumented)").splitlines()[0].rstrip(".")


def _quiet(function, *args) -> tuple[object, str]:
    """Call `function` with its summary lines captured (errors still reach stderr)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        return function(*args), buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--max-repeat-seconds", type=float, default=float("inf"),
                        help="stop after an edit slower than this")
    args = parser.parse_args(argv)
    result = edit_times(args.root.resolve(), args.out.resolve(), args.edits, args.max_repeat_seconds)
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
