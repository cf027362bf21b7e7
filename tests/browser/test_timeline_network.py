"""The timeline's and the actor network's SVG marks are working, focusable links, legible in light and dark mode."""
from __future__ import annotations

import html.parser
import urllib.parse

import pytest

from _support import open_page

CHARTS = {"timeline": ["svg.timeline-chart", "svg.per-year-chart"], "actors": ["svg.network"]}


def inside(kind: str, what: str) -> str:
    """A selector for `what` inside the charts of the `kind` page."""
    return ", ".join(f"{chart} {what}" for chart in CHARTS[kind])


class _Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id" and value)


def _chart_links(page, kind: str) -> list[dict]:
    return page.eval_on_selector_all(inside(kind, "a"), """links => links.map(a => ({
        href: new URL(a.getAttribute('href'), document.baseURI).href,
        name: a.getAttribute('aria-label') || ''}))""")


@pytest.mark.parametrize("kind", CHARTS)
def test_every_mark_in_the_charts_opens_a_real_page_at_an_existing_id(page, site_urls, kind):
    open_page(page, site_urls[kind], kind)
    links = _chart_links(page, kind)
    assert len(links) >= (5 if kind == "timeline" else 60), f"{kind}: only {len(links)} links in the chart"
    assert all(link["name"].strip() for link in links), f"{kind}: a mark without an accessible name"
    pages: dict[str, set[str]] = {}
    for link in links:
        target = urllib.parse.urlsplit(link["href"])
        assert target.path.startswith("/reader/"), f"{link['href']} leaves the site's sub-path"
        url = urllib.parse.urlunsplit((target.scheme, target.netloc, target.path, "", ""))
        if url not in pages:
            response = page.request.get(url)
            assert response.status == 200, f"{kind}: {link['href']} answers {response.status}"
            parser = _Ids()
            parser.feed(response.text())
            pages[url] = parser.ids
        if target.fragment:
            assert target.fragment in pages[url], f"{kind}: {link['href']}: no element with that id"


@pytest.mark.parametrize("kind", CHARTS)
def test_chart_marks_are_reached_by_the_keyboard(page, site_urls, kind):
    open_page(page, site_urls[kind], kind)
    first = page.locator(inside(kind, "a")).first
    # The link just before the chart in the page's order: one Tab from it must land on the first mark.
    before = page.evaluate("""(selector) => {
        const mark = document.querySelector(selector);
        const all = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')];
        const i = all.indexOf(mark);
        all[i - 1].focus();
        return all[i - 1].outerHTML.slice(0, 80);
    }""", inside(kind, "a"))
    page.keyboard.press("Tab")
    assert first.evaluate("a => document.activeElement === a"), f"{kind}: Tab from {before} does not reach the chart"
    focusable = page.eval_on_selector_all(
        inside(kind, "a"), "links => links.filter(a => (a.focus(), document.activeElement === a)).length")
    assert focusable == page.locator(inside(kind, "a")).count()


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, two: str) -> float:
    high, low = sorted((_luminance(one), _luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", CHARTS)
def test_chart_text_and_marks_contrast_with_the_page_in_both_schemes(browser, site_urls, results_dir, kind, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        open_page(page, site_urls[kind], kind)
        page.locator(CHARTS[kind][0]).scroll_into_view_if_needed()
        page.screenshot(path=str(results_dir / f"{kind}-chart-{scheme}.png"))
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        texts = page.eval_on_selector_all(inside(kind, "text"),
                                          "els => [...new Set(els.map(e => getComputedStyle(e).fill))]")
        assert texts and all(_contrast(fill, background) >= 4.5 for fill in texts), (
            f"{kind} ({scheme}): {texts} on {background}")
        marks = page.eval_on_selector_all(inside(kind, "a > :is(circle, rect, polygon)"),
                                          "els => [...new Set(els.map(e => { const s = getComputedStyle(e);"
                                          " return s.fill + '|' + s.stroke; }))]")
        assert marks, f"{kind}: no mark in the chart"
        for colours in marks:  # a mark stands out by its fill or by its outline (WCAG 1.4.11: 3:1)
            assert max(_contrast(c, background) for c in colours.split("|")) >= 3, (
                f"{kind} ({scheme}): {colours} on {background}")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("kind", CHARTS)
def test_charts_are_screenshotted_and_scroll_inside_their_frame_on_a_phone(
        browser, site_urls, results_dir, kind, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        open_page(page, site_urls[kind], kind)
        page.locator(CHARTS[kind][0]).scroll_into_view_if_needed()
        page.screenshot(path=str(results_dir / f"{kind}-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        text_px = page.eval_on_selector(inside(kind, "text"), "t => t.getBoundingClientRect().height")
        assert text_px >= 9, f"{kind} at {width}px: chart text only {text_px:.1f}px tall"
    finally:
        context.close()


@pytest.mark.parametrize("kind", CHARTS)
def test_charts_show_and_link_with_javascript_off(browser, site_urls, kind):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        open_page(page, site_urls[kind], kind)
        chart = page.locator(CHARTS[kind][0])
        assert chart.is_visible() and chart.bounding_box()["height"] > 100
        assert page.locator(inside(kind, "a")).count() == len(_chart_links(page, kind)) > 0
    finally:
        context.close()


def test_the_timeline_lists_every_chart_mark_as_text_in_date_order(page, site_urls):
    open_page(page, site_urls["timeline"], "timeline")
    in_chart = {link["href"] for link in page.eval_on_selector_all(
        "svg.timeline-chart a",
        "links => links.map(a => ({href: new URL(a.getAttribute('href'), document.baseURI).href}))")}
    listed = page.eval_on_selector_all(".timeline-list a:not(.stance)", "links => links.map(a => a.href)")
    assert set(listed) == in_chart
    dates = page.eval_on_selector_all(".timeline-list time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert dates == sorted(dates) and len(dates) == len(listed)


def test_the_nav_marks_the_timeline_as_the_current_page(page, site_urls):
    open_page(page, site_urls["timeline"], "timeline")
    current = page.locator("nav[aria-label='Site'] a[aria-current='page']")
    assert current.count() == 1 and current.inner_text() == "Timeline"
