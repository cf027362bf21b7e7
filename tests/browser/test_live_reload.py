"""`build.py serve` reloads an open page by itself after an edit is rebuilt, and only pages the edit changed."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitebuilder import serving  # noqa: E402

TINY = Path(__file__).resolve().parents[1] / "sites" / "tiny"


def open_listening(page, url: str) -> None:
    """Open `url` and wait until its dev client has heard the server's first status message."""
    with page.expect_websocket(lambda ws: ws.url.endswith("/__reader/events")) as connection:
        page.goto(url)
    connection.value.wait_for_event("framereceived")
    page.evaluate("window.__notReloaded = true")


def test_editing_an_article_reloads_the_open_page(page, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    with serving(root) as (base, _process):
        open_listening(page, base + "articles/first/")
        assert page.locator("h1").inner_text() == "First article"
        article = root / "content/articles/first.md"
        article.write_text(article.read_text().replace("title: First article", "title: Reloaded by itself"))
        page.wait_for_function("document.querySelector('h1').innerText === 'Reloaded by itself'", timeout=20_000)
        assert page.evaluate("window.__notReloaded === undefined")


def test_a_page_the_edit_did_not_change_is_not_reloaded(browser, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    context = browser.new_context()
    try:
        edited, other = context.new_page(), context.new_page()
        with serving(root) as (base, _process):
            open_listening(edited, base + "articles/first/")
            open_listening(other, base + "stances/")
            actor = root / "content/actors/guaido.md"
            actor.write_text(actor.read_text().replace("name: ", "name: Señor ", 1))
            edited.wait_for_function("window.__notReloaded === undefined", timeout=20_000)
            other.wait_for_timeout(500)
            assert other.evaluate("window.__notReloaded") is True
    finally:
        context.close()
