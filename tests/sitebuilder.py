"""Build tiny sites inline from a dict of files (as MkDocs' tests do) and run the real command line on them."""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

SITE_YAML = """\
title: Test site
base_url: https://example.org/test/
stances:
  pro: {label: For, description: Argues for.}
  contra: {label: Against, description: Argues against.}
"""

ARTICLE = """\
---
title: An article
date: 2020-01-02
author: Ann Writer
publication: The Paper
stance: pro
stance_note: Because.
---
Putin spoke.
"""

ACTOR = """\
---
name: Vladimir Putin
kind: person
aliases: [Putin]
---
President of Russia.
"""


def make_site(tmp_path: Path, files: dict[str, str], defaults: bool = True) -> Path:
    """A site folder with `files` (path -> text, dedented) over a valid default site."""
    base = {"site.yaml": SITE_YAML, "content/articles/an-article.md": ARTICLE, "content/actors/putin.md": ACTOR}
    for name, text in {**(base if defaults else {}), **files}.items():
        if text is None:
            continue
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def run(*args: str | Path) -> subprocess.CompletedProcess:
    """Run `python build.py ARGS` from the project folder and capture its output."""
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=PROJECT, timeout=120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, seconds: float = 20.0):
    """Poll `predicate` until it is truthy; connection errors count as not yet."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the server")


@contextlib.contextmanager
def serving(root: Path):
    """Run `build.py serve` on `root` on a free port; yields (base URL, process), stops it after."""
    port = free_port()
    process = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(root), "--port", str(port)],
                               cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base))
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)
