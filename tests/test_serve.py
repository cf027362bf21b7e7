"""`build.py serve` really serves, rebuilds on change, and keeps the last good site when a rebuild fails."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sitebuilder import PROJECT

TINY = Path(__file__).parent / "sites" / "tiny"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def wait_for(predicate, seconds: float = 20.0):
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


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    port = free_port()
    process = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--root", str(root), "--port", str(port)],
                               cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(base))
        yield root, base, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_rebuilds_on_change_and_keeps_last_good_site_on_error(server):
    root, base, process = server
    article = root / "content/articles/first.md"
    assert "First article" in fetch(base + "articles/first/")
    # Links use the server's own base path, not site.yaml's /tiny/.
    assert 'href="/actors/putin/"' in fetch(base + "articles/first/")
    article.write_text(article.read_text().replace("title: First article", "title: Edited title"))
    wait_for(lambda: "Edited title" in fetch(base + "articles/first/"))
    article.write_text(article.read_text().replace("stance: pro", "stance: nonsense"))
    time.sleep(2.0)
    assert "Edited title" in fetch(base + "articles/first/")
    process.terminate()
    output = process.communicate(timeout=10)[0]
    assert "unknown stance 'nonsense'" in output
    assert "still serving the last good site" in output
