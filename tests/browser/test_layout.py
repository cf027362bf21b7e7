"""Pages fit a phone screen (no sideways scrolling); screenshots for humans to look at."""
from __future__ import annotations

import pytest

from _support import PAGE_TYPES, open_page


@pytest.mark.parametrize("width,height", [(375, 812), (1280, 800)])
def test_article_page_has_no_horizontal_overflow_and_is_screenshotted(
        browser, site_urls, results_dir, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        open_page(page, site_urls["article"], "article")
        page.screenshot(path=str(results_dir / f"article-{width}.png"))
        page.screenshot(path=str(results_dir / f"article-{width}-full.png"), full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, (
            f"{site_urls['article']} at {width}px is {scroll_width}px wide: "
            f"{_widest(page, width)}")
    finally:
        context.close()


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_page_type_fits_a_375px_phone_screen(browser, site_urls, kind):
    context = browser.new_context(viewport={"width": 375, "height": 812})
    try:
        page = context.new_page()
        open_page(page, site_urls[kind], kind)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 375, (
            f"{kind} page {site_urls[kind]} is {scroll_width}px wide at 375px: "
            f"{_widest(page, 375)}")
    finally:
        context.close()


def _widest(page, width: int) -> str:
    """The elements sticking out past `width`, to say what overflows."""
    return page.evaluate("""(width) => {
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > width + 0.5 && r.width > 0) {
                const id = el.id ? '#' + el.id : '';
                const cls = el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
                out.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`);
            }
        }
        return out.slice(0, 8).join('; ') || '(no element found)';
    }""", width)
