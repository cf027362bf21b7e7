"""`build.py serve` reloads the open page by itself after an edit is rebuilt."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitebuilder import serving  # noqa: E402

TINY = Path(__file__).resolve().parents[1] / "sites" / "tiny"


def test_editing_an_article_reloads_the_open_page(page, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    with serving(root) as (base, _process):
        with page.expect_websocket() as connection:
            page.goto(base + "articles/first/")
        connection.value.wait_for_event("framereceived")  # livereload's handshake: the page is listening
        page.wait_for_timeout(300)
        assert page.locator("h1").inner_text() == "First article"
        article = root / "content/articles/first.md"
        article.write_text(article.read_text().replace("title: First article", "title: Reloaded by itself"))
        page.wait_for_function("document.querySelector('h1').innerText === 'Reloaded by itself'", timeout=20_000)
