"""Comparing articles in a real browser: an actor's passages per stance, a stance's claims with our verdicts,
backlinks between articles, and link previews (keyboard, mouse, touch, a 375 px phone, axe with one open).

Expected values come from the built site (its article pages and annotation files), not from constants.
"""
from __future__ import annotations

import contextlib
import re
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest
import yaml

from _support import open_page, without_fragment
from test_accessibility import _axe_script, _describe

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ACTOR = "rosneft"  # content/actors/rosneft.md: named by articles of several stances
PREVIEW = "#link-preview"
STANCE_OF_ARTICLE = re.compile(r'<div class="stance-box"[^>]*>\s*<p><a class="stance stance-([a-z0-9-]+)"')


# --- what the built site says ------------------------------------------------------------------

def article_pages(served_site) -> dict[str, str]:
    return {p.parent.name: p.read_text(encoding="utf-8") for p in sorted((served_site.out / "articles").glob("*/index.html"))}


def stance_of(html: str) -> str:
    return STANCE_OF_ARTICLE.search(html).group(1)


def names_actor(html: str, base_path: str, actor_id: str) -> bool:
    """The article lists the actor under "Actors in this article" (named or implied by front matter)."""
    aside = html[html.index('<aside class="mentioned"'):]
    return f'href="{base_path}actors/{actor_id}/"' in aside[:aside.index("</aside>")]


def stance_labels() -> dict[str, str]:
    site = yaml.safe_load((PROJECT_ROOT / "site.yaml").read_text(encoding="utf-8"))
    return {key: value["label"] for key, value in site["stances"].items()}


def see_references() -> set[tuple[str, str, str]]:
    """(referring slug, annotation id, target slug) for every `see:` of content/annotations/*.yaml."""
    found = set()
    for path in sorted((PROJECT_ROOT / "content/annotations").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for target in item.get("see") or []:
                found.add((path.stem, item["id"], target.partition("#")[0]))
    return found


def path_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"#{parts.fragment}" if parts.fragment else "")


@contextlib.contextmanager
def browsing(browser, width: int = 1280, height: int = 800, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        assert not errors, f"JavaScript errors: {errors}"
    finally:
        context.close()


def land(page, url: str, kind: str = "article"):
    """Open `url` as a new load, even when only its fragment differs from the current page's."""
    page.goto("about:blank")
    open_page(page, url, kind)


def box(page, selector_or_handle):
    handle = page.locator(selector_or_handle) if isinstance(selector_or_handle, str) else selector_or_handle
    return handle.bounding_box()


def overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def tab_to(page, css: str, limit: int = 150):
    """Press Tab until the focused element matches `css`; return its locator (`:focus`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("css => document.activeElement && document.activeElement.matches(css)", css):
            return page.locator(":focus")
    pytest.fail(f"Tab never reached an element matching {css}")


# --- the actor page: one column per stance -----------------------------------------------------

def test_the_actor_page_counts_the_articles_of_each_stance_that_mention_the_actor(page, served_site):
    base_path = urllib.parse.urlsplit(served_site.base).path
    expected = Counter(stance_of(html) for html in article_pages(served_site).values()
                       if names_actor(html, base_path, ACTOR))
    assert len(expected) >= 2, "the test needs an actor named by articles of two stances"
    open_page(page, served_site.url(f"actors/{ACTOR}/"), "actor")
    columns = page.locator(".stance-column")
    shown = {}
    for i in range(columns.count()):
        column = columns.nth(i)
        key = column.get_attribute("data-stance")
        count = column.locator(".stance-column-articles > li").count()
        assert column.locator(".stance-column-count").inner_text() == f"{count} article{'s' if count != 1 else ''}"
        assert stance_labels()[key] in column.locator("h3").inner_text()  # named in words, not by colour
        shown[key] = count
    assert shown == dict(expected)
    absent = page.locator(".stance-absent .stance").all_inner_texts()
    assert sorted(a.removeprefix("Stance:").strip() for a in absent) == sorted(
        label for key, label in stance_labels().items() if key not in expected)


def test_on_a_phone_the_stance_columns_stack_and_on_a_wide_screen_they_sit_side_by_side(browser, served_site):
    url = served_site.url(f"actors/{ACTOR}/")
    for width, side_by_side in ((375, False), (1280, True)):
        with browsing(browser, width) as page:
            open_page(page, url, "actor")
            boxes = [c.bounding_box() for c in page.locator(".stance-column").all()]
            tops = {round(b["y"]) for b in boxes}
            assert (len(tops) < len(boxes)) == side_by_side, f"{width} px: {boxes}"
            assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_every_passage_link_of_a_stance_column_lands_on_its_paragraph_of_an_article_of_that_stance(page, served_site):
    open_page(page, served_site.url(f"actors/{ACTOR}/"), "actor")
    links = page.eval_on_selector_all(
        ".stance-column .kwic a",
        "links => links.map(a => ({href: a.href, match: a.querySelector('mark').textContent,"
        " stance: a.closest('.stance-column').dataset.stance}))")
    assert links
    for link in links:
        land(page, link["href"])
        fragment = urllib.parse.urlsplit(link["href"]).fragment
        target = page.locator(":target")
        assert target.get_attribute("id") == fragment
        assert link["match"] in target.inner_text()
        assert page.locator(f".stance-box .stance-{link['stance']}").count() == 1


# --- the stance page: claims and verdicts ------------------------------------------------------

def claimed_notes(html: str) -> dict[str, tuple[str, str]]:
    """Note id -> (claim id, its kind or verdict as shown: icon and text) for each note of an article page
    that names a claim."""
    found = {}
    for chunk in html.split('<span class="sidenote" id="')[1:]:
        note_id, rest = chunk.split('"', 1)
        rest = rest.split('class="note-line note-meta"', 1)[0]
        claim = re.search(r'class="note-line note-claim">Claim: <a href="[^"]*/claims/([^/"]+)/"', rest)
        kind = re.search(r'<span class="note-kind"><span aria-hidden="true">([^<]*)</span> ([^<]*)</span>', rest)
        if claim:
            found[note_id] = (claim.group(1), f"{kind.group(1)} {kind.group(2)}")
    return found


def test_a_stance_page_lists_the_claims_of_its_articles_with_verdicts_claim_pages_and_permalinks(page, served_site, site_urls):
    key = urllib.parse.urlsplit(site_urls["stance"]).path.rstrip("/").rsplit("/", 1)[-1]
    expected = {(claim, slug, note_id, verdict) for slug, html in article_pages(served_site).items()
                if stance_of(html) == key for note_id, (claim, verdict) in claimed_notes(html).items()}
    assert expected, f"no article of stance {key} makes a claim"
    open_page(page, site_urls["stance"], "stance")
    entries = page.eval_on_selector_all(".stance-claim", """claims => claims.flatMap(c => Array.from(
        c.querySelectorAll('.stance-claim-notes > li'), li => ({claim: c.dataset.claim,
        claimHref: c.querySelector('h3 a').href, claimTitle: c.querySelector('h3 a').textContent,
        permalink: li.querySelector('a.stance-claim-permalink').href,
        verdict: li.querySelector('.verdict').textContent.trim()})))""")
    shown = {(e["claim"], urllib.parse.urlsplit(e["permalink"]).path.rstrip("/").rsplit("/", 1)[-1],
              urllib.parse.urlsplit(e["permalink"]).fragment, e["verdict"]) for e in entries}
    assert shown == expected
    for claim_href, title in sorted({(e["claimHref"], e["claimTitle"]) for e in entries}):
        claim_page = page.request.get(claim_href)
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", claim_page.text()).group(1).replace("&#39;", "'")
        assert claim_page.ok and heading == title
    for entry in entries:
        land(page, entry["permalink"])
        note = page.locator(":target")
        assert note.get_attribute("role") == "note"
        assert " ".join(note.locator(".note-kind").inner_text().split()) == entry["verdict"]


# --- backlinks -----------------------------------------------------------------------------------

def test_an_article_lists_the_notes_of_other_articles_that_refer_to_it_and_they_open_at_the_note(page, served_site):
    references = see_references()
    targets = Counter(target for source, _, target in references if source != target)
    slug = max(targets, key=lambda s: (targets[s], s))
    base_path = urllib.parse.urlsplit(served_site.base).path
    expected = {f"{base_path}articles/{source}/#{note_id}" for source, note_id, target in references
                if target == slug and source != slug}
    open_page(page, served_site.url(f"articles/{slug}/"), "article")
    hrefs = page.eval_on_selector_all(".backlinks a.backlink", "links => links.map(a => a.href)")
    assert {path_of(h) for h in hrefs} == expected
    first = hrefs[0]
    page.locator(".backlinks a.backlink").first.click()
    page.wait_for_url(first)
    assert page.locator(":target").get_attribute("id") == urllib.parse.urlsplit(first).fragment
    assert without_fragment(page.url) != served_site.url(f"articles/{slug}/")


# --- previews --------------------------------------------------------------------------------------

def actor_name(served_site, href: str) -> str:
    html = served_site.file(href).read_text(encoding="utf-8")
    return re.search(r"<h1[^>]*>(.*?)</h1>", html).group(1).replace("&#39;", "'")


def assert_shown_beside(page, link):
    tip = page.locator(PREVIEW)
    tip.wait_for(state="visible")
    assert tip.get_attribute("role") == "tooltip"
    assert "link-preview" in (link.get_attribute("aria-describedby") or "").split()
    assert not overlaps(box(page, PREVIEW), link.bounding_box()), "the preview covers its link"


def test_keyboard_focus_opens_an_actor_preview_and_esc_closes_it_keeping_focus(page, served_site, site_urls):
    open_page(page, site_urls["article"], "article")
    link = tab_to(page, ".article-body a.mention")
    href = link.evaluate("a => a.href")
    assert_shown_beside(page, link)
    assert page.locator(f"{PREVIEW} .link-preview-title").inner_text() == actor_name(served_site, href)
    page.keyboard.press("Escape")
    page.locator(PREVIEW).wait_for(state="hidden")
    assert page.evaluate("document.activeElement.href") == href
    assert link.get_attribute("aria-describedby") is None
    page.wait_for_timeout(500)
    assert page.locator(PREVIEW).is_hidden(), "the preview came back after Esc"


def test_hovering_a_cross_reference_shows_its_note_and_leaving_closes_it(page, served_site):
    references = sorted((s, n, t) for s, n, t in see_references() if s != t)
    source = references[0][0]
    open_page(page, served_site.url(f"articles/{source}/"), "article")
    link = page.locator(".article-body .note-see a[href*='#']").first
    page.locator(".article-body .note-see").first.scroll_into_view_if_needed()
    href = link.evaluate("a => a.href")
    target = served_site.file(without_fragment(href)).read_text(encoding="utf-8")
    note_id = urllib.parse.urlsplit(href).fragment
    note_text = re.search(rf'id="{re.escape(note_id)}".*?<span class="note-text">(.*?)</span>', target, re.S).group(1)
    first_words = " ".join(re.sub(r"<[^>]+>", "", note_text).split()[:5])
    link.hover()
    assert_shown_beside(page, link)
    tip = page.locator(PREVIEW)
    assert first_words in " ".join(tip.locator(".link-preview-text").inner_text().split())
    assert tip.locator(".link-preview-quote").inner_text().startswith("“")
    page.mouse.move(5, 5)
    tip.wait_for(state="hidden")
    assert link.get_attribute("aria-describedby") is None


HOLD_CLICKS = """() => {
    window.clicks = []; window.holdClicks = true;
    window.addEventListener('click', event => {  // registered last: sees what every other listener did
        const link = event.target.closest('a');
        window.clicks.push({href: link && link.href, prevented: event.defaultPrevented});
        if (window.holdClicks) event.preventDefault();
    });
}"""


def test_on_a_touch_phone_a_tap_follows_the_link_and_leaves_no_preview(browser, site_urls):
    with browsing(browser, 375, 740, has_touch=True, is_mobile=True) as page:
        open_page(page, site_urls["article"], "article")
        link = page.locator(".article-body a.mention").first
        href = link.evaluate("a => a.href")
        page.evaluate(HOLD_CLICKS)  # hold the first tap's navigation, to see what it leaves on the page
        link.tap()
        page.wait_for_timeout(800)  # longer than the hover delay
        assert page.evaluate("window.clicks") == [{"href": href, "prevented": False}]
        assert page.locator(PREVIEW).is_hidden()
        assert link.get_attribute("aria-describedby") is None
        page.evaluate("window.holdClicks = false")
        link.tap()
        page.wait_for_url(href)
        assert page.locator(PREVIEW).is_hidden()


def test_on_a_375_px_screen_a_preview_fits_and_does_not_cover_its_link(browser, site_urls):
    with browsing(browser, 375, 740) as page:
        open_page(page, site_urls["article"], "article")
        link = tab_to(page, ".article-body a.mention")
        assert_shown_beside(page, link)
        tip = box(page, PREVIEW)
        assert tip["x"] >= 0 and tip["x"] + tip["width"] <= 375
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_external_links_and_same_page_links_get_no_preview(page, site_urls):
    open_page(page, site_urls["article"], "article")
    for css in (".byline a[href^='http']", ".article-body a.note-ref"):
        if page.locator(css).count():
            page.locator(css).first.hover()
            page.wait_for_timeout(700)
            assert page.locator(PREVIEW).is_hidden(), css


PREVIEWED = {"actor": ".co-mentions a", "stance": "a.stance-claim-permalink", "article": ".article-body a.mention"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", sorted(PREVIEWED))
def test_a_page_with_a_preview_open_has_no_axe_violations(page, site_urls, missing_tool, kind, scheme):
    script = _axe_script()
    if script is None:
        missing_tool("axe-core not found (node_modules/axe-core or axe-playwright-python)")
    page.emulate_media(color_scheme=scheme)
    open_page(page, site_urls[kind], kind, wait_until="networkidle")
    link = page.locator(PREVIEWED[kind]).first
    link.hover()
    assert_shown_beside(page, link)
    page.add_script_tag(path=str(script))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert page.locator(PREVIEW).is_visible()
    assert not result["violations"], f"{kind} page ({scheme}) with a preview open:\n{_describe(result['violations'])}"
