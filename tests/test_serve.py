"""`build.py serve` really serves, rebuilds on change, and keeps the last good site when a rebuild fails."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from sitebuilder import fetch, serving, wait_for

TINY = Path(__file__).parent / "sites" / "tiny"


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    with serving(root) as (base, process):
        yield root, base, process


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
