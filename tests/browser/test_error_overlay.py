"""While serving, a failed rebuild shows its errors over the open page (which keeps the last good site);
the fix removes them and reloads the page. The overlay shows text only, and Esc or its button dismisses it."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitebuilder import serving  # noqa: E402

TINY = Path(__file__).resolve().parents[1] / "sites" / "tiny"
STANCE_ERROR = "content/articles/first.md:6:9: error: unknown stance"


@pytest.fixture
def served(page, tmp_path):
    """The tiny site served, its first article open in `page` with the dev client listening."""
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    with serving(root) as (base, _process):
        with page.expect_websocket(lambda ws: ws.url.endswith("/__reader/events")) as connection:
            page.goto(base + "articles/first/")
        connection.value.wait_for_event("framereceived")
        page.evaluate("window.__notReloaded = true")
        yield root / "content/articles/first.md"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_broken_file_shows_its_error_over_the_page_and_the_fix_removes_it_and_reloads(page, served):
    edit(served, "stance: pro", "stance: nonsense")
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=20_000)
    assert STANCE_ERROR + " 'nonsense'" in alert.inner_text()
    assert "one of: pro, contra" in alert.inner_text()  # the hint comes along
    assert page.locator("h1").inner_text() == "First article"  # still the last good site
    assert page.evaluate("window.__notReloaded") is True  # a failed build does not reload

    edit(served, "stance: nonsense", "stance: contra")
    page.wait_for_function("window.__notReloaded === undefined", timeout=20_000)
    assert page.get_by_role("alert").count() == 0
    assert "Against" in page.locator(".stance-box").inner_text()


def test_the_overlay_shows_diagnostics_as_text_never_as_markup(page, served):
    edit(served, "stance: pro", 'stance: "<img src=x onerror=window.__pwned=1>"')
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=20_000)
    assert "'<img src=x onerror=window.__pwned=1>'" in alert.inner_text()
    assert alert.locator("img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_escape_or_the_button_dismisses_the_overlay_until_the_next_failure(page, served):
    edit(served, "stance: pro", "stance: nonsense")
    page.get_by_role("alert").wait_for(timeout=20_000)
    page.keyboard.press("Escape")
    assert page.get_by_role("alert").count() == 0

    edit(served, "stance: nonsense", "stance: still-nonsense")
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=20_000)
    assert "'still-nonsense'" in alert.inner_text()
    alert.get_by_role("button", name="Dismiss").click()
    assert page.get_by_role("alert").count() == 0


def test_a_page_opened_while_the_build_is_broken_shows_the_errors(page, served):
    edit(served, "stance: pro", "stance: nonsense")
    page.get_by_role("alert").wait_for(timeout=20_000)
    page.goto(page.url.replace("articles/first/", "actors/"))
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=10_000)
    assert STANCE_ERROR in alert.inner_text()
