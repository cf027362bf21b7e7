"""Shared test fixtures: run the build as a subprocess and serve the real site under a sub-path.

Contracts:
- `PROJECT_ROOT`: the checkout (the folder holding build.py).
- `run_build(root, out, base_url, *extra)`: runs `build.py build` exactly as a user would.
- `served_site` (session): the project's own site, built once and served over real HTTP
  at `http://127.0.0.1:<port>/reader/`, the way GitHub Pages serves a project site.
- `site_urls` (session): one URL per page type of the built site, for the browser tests.
- `missing_tool`: skip locally / fail under CI when a test tool is not installed.
"""
from __future__ import annotations

import dataclasses
import http.server
import mimetypes
import os
import posixpath
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The sub-path the test server mounts the site under; every internal link must keep to it.
PREFIX = "/reader/"

# Content types GitHub Pages sends for the files we publish (Python's table lacks some).
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".xml": "application/xml",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".wasm": "application/wasm",
}


def run_build(root, out, base_url, *extra) -> subprocess.CompletedProcess:
    """Run `python build.py build --root ROOT --out OUT --base-url URL [extra...]`.

    Runs from the project directory with the interpreter running the tests, captures
    stdout/stderr as text and never raises on a non-zero exit: callers assert on
    `.returncode`, `.stdout` and `.stderr` themselves.
    """
    cmd = [sys.executable, "build.py", "build", "--root", str(root), "--out", str(out),
           "--base-url", base_url, *map(str, extra)]
    return subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)


@dataclasses.dataclass(frozen=True)
class ServedSite:
    """A built site served over HTTP.

    base:  the base URL, `http://127.0.0.1:<port>/reader/` (ends with a slash).
    out:   the output directory that the server maps `/reader/` to.
    pages: the URL of every HTML page in `out` (`x/index.html` as `x/`), sorted.
    """

    base: str
    out: Path
    pages: list[str]

    def url(self, path: str = "") -> str:
        """The absolute URL of `path`, given relative to the base (`"actors/"`)."""
        return urllib.parse.urljoin(self.base, path.lstrip("/"))

    def file(self, url: str) -> Path:
        """The output file that serves `url` (an `index.html` for a directory URL)."""
        rel = urllib.parse.unquote(urllib.parse.urlsplit(url).path)[len(PREFIX):]
        path = self.out / rel
        return path / "index.html" if rel == "" or rel.endswith("/") else path


def _page_urls(out: Path, base: str) -> list[str]:
    urls = []
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        urls.append(base + urllib.parse.quote(rel))
    return urls


def _handler_for(out: Path):
    """A request handler serving `out` under PREFIX like GitHub Pages does."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # keep pytest output quiet
            pass

        def do_HEAD(self):
            self._serve(body=False)

        def do_GET(self):
            self._serve(body=True)

        def _serve(self, body: bool) -> None:
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            if not path.startswith(PREFIX):
                return self._send(404, b"outside the site prefix\n", "text/plain", body)
            rel = posixpath.normpath(path[len(PREFIX):]) if path != PREFIX else "."
            if rel.startswith(".."):
                return self._send(404, b"path traversal\n", "text/plain", body)
            target = out / rel
            if target.is_dir():
                if not path.endswith("/"):  # GitHub Pages redirects a folder to its slash form
                    return self._redirect(path + "/")
                target = target / "index.html"
            if target.is_file():
                return self._send(200, target.read_bytes(), self._type(target), body)
            missing = out / "404.html"
            page = missing.read_bytes() if missing.is_file() else b"not found\n"
            return self._send(404, page, _TYPES[".html"], body)

        def _type(self, path: Path) -> str:
            return _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"

        def _redirect(self, location: str) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, data: bytes, ctype: str, body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body:
                self.wfile.write(data)

    return Handler


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture(scope="session")
def served_site(tmp_path_factory) -> ServedSite:
    """Build the project's real site once and serve it at `http://127.0.0.1:<port>/reader/`.

    The server is bound first (to learn a free port) so the site is built with its real
    base URL. Paths outside `/reader/` are 404; a folder serves its `index.html` (and
    redirects to its slash form); a missing file serves `404.html` with status 404.
    Fails (with the build's output) if the build exits non-zero.
    """
    out = tmp_path_factory.mktemp("site") / "public"
    server = _Server(("127.0.0.1", 0), _handler_for(out))
    base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    result = run_build(PROJECT_ROOT, out, base)
    if result.returncode != 0 or not (out / "index.html").is_file():
        server.server_close()
        pytest.fail(f"build failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield ServedSite(base=base, out=out, pages=_page_urls(out, base))
    finally:
        server.shutdown()
        server.server_close()


def _richest(out: Path, folder: str) -> str | None:
    """The `<folder>/<key>/` page with the most markup: it exercises the most features."""
    pages = [p for p in (out / folder).glob("*/index.html")] if (out / folder).is_dir() else []
    if not pages:
        return None
    best = max(pages, key=lambda p: (p.stat().st_size, p.parent.name))
    return f"{folder}/{best.parent.name}/"


@pytest.fixture(scope="session")
def site_urls(served_site) -> dict[str, str]:
    """One absolute URL per page type: {"home", "article", "actors", "actor", "stances",
    "stance", "about", "404"}.

    For the per-item types the largest page of that type is chosen. "404" is a missing,
    nested URL, so it shows `404.html` the way GitHub Pages would (links must still work
    from there). A type whose page is missing from the output maps to the URL it should
    have by DESIGN §5, so tests on it fail rather than silently pass.
    """
    out = served_site.out
    paths = {
        "home": "",
        "article": _richest(out, "articles") or "articles/missing-article/",
        "actors": "actors/",
        "actor": _richest(out, "actors") or "actors/missing-actor/",
        "stances": "stances/",
        "stance": _richest(out, "stances") or "stances/missing-stance/",
        "about": "about/",
        "404": "no-such-page/deeper/",
    }
    return {kind: served_site.url(path) for kind, path in paths.items()}


def is_ci() -> bool:
    """True when running under CI (`CI=true`)."""
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def missing_tool():
    """A function `missing_tool(message)` for a test whose required tool is absent:
    it skips the test locally but fails it under CI (`CI=true`), where every tool
    must have been installed by `scripts/setup.sh --test`."""

    def missing(message: str):
        if is_ci():
            pytest.fail(f"{message} (required when CI=true; run scripts/setup.sh --test)")
        pytest.skip(f"{message}; run scripts/setup.sh --test")

    return missing
