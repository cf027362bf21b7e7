"""Site search in a real browser (Pagefind's Default UI over the index of reader/search.py), on the
real site served under /reader/: results for articles and actor pages, filters, editors' notes as
sub-results at their permalinks, the header's box, keyboard, phone, axe, and the page without JavaScript.
"""
from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
import yaml

from _support import open_page
from test_accessibility import _axe_script, _describe

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTENT = PROJECT_ROOT / "content"
RESULT = ".pagefind-ui__result"
RESULT_TITLE = ".pagefind-ui__result-inner > .pagefind-ui__result-title > a"  # a sub-result's title has the class too
SUB_RESULT = ".pagefind-ui__result-nested .pagefind-ui__result-title > a"


def search(page, site_urls, query: str) -> None:
    """Open /search/?q=<query> and wait until Pagefind has shown its results."""
    open_page(page, site_urls["search"] + "?q=" + urllib.parse.quote(query), "search")
    page.wait_for_selector(RESULT_TITLE)


def result_count(page) -> int:
    """The number of results Pagefind reports ("57 results for Russia")."""
    return int(re.match(r"(\d+) results?", page.inner_text(".pagefind-ui__message")).group(1))


def all_result_links(page) -> list[str]:
    """The links of every result, after asking for more until Pagefind has shown them all."""
    total = result_count(page)
    for _ in range(total):
        # Wait for the list to settle: all results there, or the "Load more" button to ask for the rest
        # (right after a filter changes, the list is redrawn and may briefly hold neither).
        page.wait_for_function("([selector, n]) => document.querySelectorAll(selector).length >= n"
                               " || document.querySelector('.pagefind-ui__button')", arg=[RESULT, total])
        if page.locator(RESULT).count() >= total:
            break
        page.locator(".pagefind-ui__button").click()
    # A result shows its link once its fragment has loaded: read them all at once, when all are there.
    page.wait_for_function("([selector, n]) => document.querySelectorAll(selector).length === n", arg=[RESULT_TITLE, total])
    return page.eval_on_selector_all(RESULT_TITLE, "links => links.map(a => a.getAttribute('href'))")


def base_path(served_site) -> str:
    return urllib.parse.urlsplit(served_site.base).path


def note_only_word() -> tuple[str, str, str]:
    """(word, article slug, annotation id): a word of one editor's note that no article, no actor page
    and no other note contains, found in the content rather than written here."""
    elsewhere = " ".join(p.read_text(encoding="utf-8") for p in [*CONTENT.glob("articles/*.md"),
                                                                   *CONTENT.glob("actors/*.md")]).lower()
    seen: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(CONTENT.glob("annotations/*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            words = set(re.findall(r"[a-z]{8,}", yaml.safe_dump(item).lower()))
            for word in words:
                seen.setdefault(word, []).append((path.stem, item["id"]))
    found = sorted((w, places[0]) for w, places in seen.items() if len(places) == 1 and w not in elsewhere)
    assert found, "no word of the content occurs in one note only"
    word, (slug, annotation_id) = found[0]
    return word, slug, annotation_id


def test_searching_rosneft_finds_the_articles_and_the_rosneft_actor_page(page, served_site, site_urls):
    search(page, site_urls, "Rosneft")
    links = all_result_links(page)
    prefix = base_path(served_site)
    assert links and all(link.startswith(prefix) for link in links), f"results outside {prefix}: {links}"
    assert prefix + "actors/rosneft/" in links
    naming = sorted(prefix + f"articles/{p.parent.name}/" for p in (served_site.out / "articles").glob("*/index.html")
                    if "Rosneft" in p.read_text(encoding="utf-8").split('class="article-body"', 1)[-1].split("</article>")[0])
    assert naming, "no article body names Rosneft"
    assert set(naming) <= set(links), f"articles naming Rosneft missing from the results: {set(naming) - set(links)}"


def test_a_stance_filter_narrows_the_results_to_that_stance(page, served_site, site_urls):
    search(page, site_urls, "Russia")
    before = all_result_links(page)
    page.locator("summary.pagefind-ui__filter-name", has_text="Stance").click()
    label = page.locator(".pagefind-ui__filter-block[open] .pagefind-ui__filter-label").first
    stance = re.sub(r"\s*\(\d+\)$", "", label.inner_text())
    label.click()
    page.wait_for_function("n => /^\\d+/.test(document.querySelector('.pagefind-ui__message').textContent)"
                           " && parseInt(document.querySelector('.pagefind-ui__message').textContent) < n",
                           arg=len(before))
    after = all_result_links(page)
    assert 0 < len(after) < len(before)
    for link in after:
        html = served_site.file(urllib.parse.urljoin(served_site.base, link)).read_text(encoding="utf-8")
        assert f'data-stance="{stance}"' in html, f"{link} is not of the stance {stance!r}"


def test_a_word_only_in_a_note_gives_a_sub_result_that_opens_the_note(page, served_site, site_urls):
    word, slug, annotation_id = note_only_word()
    search(page, site_urls, word)
    permalink = base_path(served_site) + f"articles/{slug}/#{annotation_id}"
    page.wait_for_selector(SUB_RESULT)
    subs = page.eval_on_selector_all(SUB_RESULT, "links => links.map(a => a.getAttribute('href'))")
    assert permalink in subs, f"searching {word!r}: no sub-result at {permalink}; sub-results: {subs}"
    page.locator(f"{SUB_RESULT}[href='{permalink}']").click()
    page.wait_for_url(re.compile(re.escape(annotation_id) + "$"))
    target = page.evaluate("() => { const t = document.querySelector(':target'); return t && [t.id, t.className] }")
    assert target and target[0] == annotation_id and "sidenote" in target[1], target
    assert page.locator(f"[id='{annotation_id}']").is_visible()
    assert word in page.locator(f"[id='{annotation_id}']").inner_text().lower()


def test_the_header_box_submits_to_the_search_page_and_results_appear(page, served_site, site_urls):
    open_page(page, site_urls["home"], "home")
    box = page.get_by_role("searchbox", name="Search the articles, notes and actors")
    box.fill("Rosneft")
    box.press("Enter")
    page.wait_for_url(re.compile(re.escape(site_urls["search"]) + r"\?q=Rosneft$"))
    page.wait_for_selector(RESULT)
    assert page.locator(".pagefind-ui__search-input").input_value() == "Rosneft"
    assert page.locator(RESULT_TITLE).count() > 0


def test_search_works_from_the_keyboard_alone(page, site_urls):
    open_page(page, site_urls["search"], "search")
    box = page.get_by_label("Search the articles, notes and actors", exact=True).last
    box.focus()
    page.keyboard.type("Rosneft")
    page.wait_for_selector(RESULT_TITLE)
    for _ in range(40):  # past the clear button and the filters to the first result
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", RESULT_TITLE):
            break
    else:
        pytest.fail("Tab never reached a result link")
    target = page.evaluate("() => document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url(target)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_results_with_open_filters_have_no_axe_violations(browser, site_urls, missing_tool, scheme, width):
    script = _axe_script()
    if script is None:
        missing_tool("axe-core not found (node_modules/axe-core or axe-playwright-python)")
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        search(page, site_urls, "Rosneft")
        page.locator("summary.pagefind-ui__filter-name", has_text="Stance").click()
        page.add_script_tag(path=str(script))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        assert not result["violations"], _describe(result["violations"])
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_without_javascript_the_search_page_explains_and_leads_to_the_indexes(browser, served_site, site_urls):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        open_page(page, site_urls["search"] + "?q=Rosneft", "search")
        assert page.get_by_text("Search needs JavaScript").is_visible()
        prefix = base_path(served_site)
        for name, url in [("every actor", "actors/"), ("the stances", "stances/"), ("the claims", "claims/")]:
            link = page.locator("main").get_by_role("link", name=name)
            assert link.is_visible() and link.get_attribute("href") == prefix + url, name
    finally:
        context.close()
