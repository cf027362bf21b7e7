"""With JavaScript off, an article is fully readable: its text and its actor links (DESIGN §9)."""
from __future__ import annotations

from _support import open_page


def _paragraphs(page) -> list[str]:
    return page.locator("main p").all_inner_texts()


def test_article_body_and_actor_links_show_with_javascript_off(browser, site_urls):
    url = site_urls["article"]
    with_js = browser.new_context()
    without_js = browser.new_context(java_script_enabled=False)
    try:
        page = with_js.new_page()
        open_page(page, url, "article", wait_until="networkidle")
        expected = _paragraphs(page)

        page = without_js.new_page()
        open_page(page, url, "article")
        shown = _paragraphs(page)
        text = " ".join(shown)
        assert len(text) > 500, f"{url} without JavaScript shows little text: {text[:300]!r}"
        assert page.locator("h1").first.is_visible(), f"{url} without JavaScript: no visible h1"
        missing = [p for p in expected if p.strip() and p not in shown]
        assert not missing, (
            f"{url}: paragraphs shown with JavaScript but not without it: {missing[:3]}")
        mentions = page.locator("a.mention")
        assert mentions.count() > 0, f"{url} without JavaScript: no a.mention actor links"
        hidden = [mentions.nth(i).inner_text() for i in range(mentions.count())
                  if not mentions.nth(i).is_visible()]
        assert not hidden, f"{url} without JavaScript: actor links not visible: {hidden}"
        for i in range(mentions.count()):
            assert "/actors/" in mentions.nth(i).evaluate("a => a.href")
    finally:
        with_js.close()
        without_js.close()
