"""Reading annotations in a real browser (DESIGN §9): every note opens from the keyboard on a phone,
the popover, keys and filter work with JavaScript, notes sit in the margin and open by :target without
it, permalinks, print, accessibility, the claims pages, and the editors' "Copy annotation YAML".

Deterministic cases run on the tiny fixture site (tests/sites/tiny), built here and served under
/tiny/; the rest run on every annotated article of the real site (`served_site`).
(Named test_reading_annotations.py: tests/test_annotations.py already owns the module name.)
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import re
import sys
import threading
from pathlib import Path

import pytest
import yaml

from _support import open_page
from test_accessibility import _axe_script, _describe

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sitebuilder import run  # noqa: E402

from reader.anchor import Found, Selector, anchor  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TINY = PROJECT_ROOT / "tests" / "sites" / "tiny"
ANNOTATE_DEV = PROJECT_ROOT / "templates" / "static" / "annotate-dev.js"
PHONE, WIDE = 375, 1280

MARKER_IDS = "() => [...document.querySelectorAll('.article-body a.note-ref')].map(a => a.dataset.annotation)"
FOCUSED = "() => document.activeElement ? document.activeElement.id : null"

# How a note shows: displayed, its text rendered, inside the viewport, on top, focused.
NOTE_STATE = """(id) => {
    const note = document.getElementById(id);
    const box = note.getBoundingClientRect();
    const text = note.querySelector('.note-text') || note;
    const t = text.getBoundingClientRect();
    const hit = t.width ? document.elementFromPoint(t.left + Math.min(t.width / 2, 20), t.top + 4) : null;
    return {
        shown: getComputedStyle(note).display !== 'none' && box.width > 0 && box.height > 0,
        text: text.innerText.trim(),
        inView: t.top >= 0 && t.top < innerHeight && t.left >= 0 && t.right <= innerWidth + 0.5,
        onTop: Boolean(hit && note.contains(hit)),
        focused: note === document.activeElement || note.contains(document.activeElement),
    };
}"""

# Where the margin notes are, against the text column (the article body's right edge).
MARGIN = """() => {
    const body = document.querySelector('.article-body').getBoundingClientRect();
    return [...document.querySelectorAll('.article-body .sidenote')].map(note => {
        const r = note.getBoundingClientRect();
        return {id: note.id, shown: getComputedStyle(note).display !== 'none' && r.height > 0,
                left: r.left, right: r.right, top: r.top + scrollY, bottom: r.bottom + scrollY,
                column: body.right, width: innerWidth};
    });
}"""

# Each paragraph's text as the build anchors against it: markers and notes left out, whitespace collapsed.
BLOCKS = """() => [...document.querySelectorAll('.article-body [id^="p-"]')]
    .filter(p => /^p-\\d+$/.test(p.id))
    .map(p => {
        const copy = p.cloneNode(true);
        copy.querySelectorAll('.note-ref, .sidenote').forEach(e => e.remove());
        return copy.textContent.replace(/[ \\t\\n\\r\\f]+/g, ' ').trim();
    })"""

# Select the n-th (0-based) occurrence of `word` that lies inside one text node of the article's text.
SELECT_WORD = """([word, n]) => {
    const hits = [];
    for (const p of document.querySelectorAll('.article-body [id^="p-"]')) {
        if (!/^p-\\d+$/.test(p.id)) continue;
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT, {acceptNode: node =>
            node.parentElement.closest('.note-ref, .sidenote') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let at = node.data.indexOf(word); at >= 0; at = node.data.indexOf(word, at + 1)) hits.push([node, at]);
        }
    }
    const [node, at] = hits[n];
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + word.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return hits.length;
}"""


# --- sites and pages -------------------------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> str:
    """The tiny fixture site, built for and served at `http://127.0.0.1:<port>/tiny/`; its base URL."""
    www = tmp_path_factory.mktemp("tiny-www")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(www)))
    base = f"http://127.0.0.1:{server.server_address[1]}/tiny/"
    result = run("build", "--root", TINY, "--out", www / "tiny", "--base-url", base)
    if result.returncode != 0:
        server.server_close()
        pytest.fail(f"tiny build failed:\n{result.stdout}\n{result.stderr}")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def annotated(served_site) -> list[str]:
    """The URL of every article of the real site that shows notes in its text."""
    urls = [served_site.url(f"articles/{path.parent.name}/")
            for path in sorted((served_site.out / "articles").glob("*/index.html"))
            if 'class="note-ref"' in path.read_text(encoding="utf-8")]
    assert urls, "no article of the real site shows an annotation (content/annotations/*.yaml)"
    return urls


@pytest.fixture(scope="module")
def richest(served_site, annotated) -> str:
    """The real article with the most notes."""
    return max(annotated, key=lambda url: (served_site.file(url).read_text(encoding="utf-8")
                                           .count('class="note-ref"'), url))


@contextlib.contextmanager
def opened(browser, url: str, width: int = PHONE, js: bool = True, scheme: str = "light", **options):
    """A page at `url` in a fresh context `width` px wide; the context is closed afterwards."""
    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=js,
                                  color_scheme=scheme, **options)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        open_page(page, url, "article")
        yield page
        assert not errors, f"{url}: JavaScript errors: {errors}"
    finally:
        context.close()


def sites(request, which: str) -> list[str]:
    """The article URLs to test: the tiny site's first article, or every annotated real article."""
    if which == "tiny":
        return [request.getfixturevalue("tiny") + "articles/first/"]
    return request.getfixturevalue("annotated")


# --- with JavaScript ---------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["tiny", "real"])
def test_every_note_opens_from_the_keyboard_alone_on_a_phone(browser, request, which):
    for url in sites(request, which):
        # Reduced motion: the note scrolls into view at once instead of smoothly.
        with opened(browser, url, reduced_motion="reduce") as page:
            expected = page.evaluate(MARKER_IDS)
            reached, problems = [], []
            for _ in range(3000):
                page.keyboard.press("Tab")
                where = page.evaluate("""() => {
                    const a = document.activeElement, body = document.querySelector('.article-body');
                    return {marker: a.matches('a.note-ref') ? a.dataset.annotation : null,
                            past: !body.contains(a) && Boolean(body.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING)};
                }""")
                if where["past"] or where["marker"] in reached:
                    break
                if where["marker"] is None:
                    continue
                note = where["marker"]
                reached.append(note)
                page.keyboard.press("Enter")
                state = page.evaluate(NOTE_STATE, note)
                if not (state["shown"] and state["text"] and state["inView"] and state["onTop"] and state["focused"]):
                    problems.append(f"{note} after Enter: {state}")
                page.keyboard.press("Escape")
                if page.evaluate(FOCUSED) != f"ref-{note}" or page.evaluate(NOTE_STATE, note)["shown"]:
                    problems.append(f"{note}: Esc did not close it and return focus to its marker")
            assert reached == expected, f"{url}: Tab reached markers {reached}, expected {expected}"
            assert not problems, f"{url}:\n" + "\n".join(problems)


def test_a_marker_click_opens_a_popover_under_it_and_esc_click_outside_or_back_close_it(browser, tiny):
    with opened(browser, tiny + "articles/first/") as page:
        marker, note = page.locator("#ref-met"), page.locator("#met")
        assert not note.is_visible()
        assert marker.get_attribute("aria-expanded") == "false"
        marker.click()
        assert note.is_visible() and "no record" in note.inner_text()
        assert marker.get_attribute("aria-expanded") == "true"
        # Both boxes in one evaluation: the note may still be scrolling into view (smooth scrolling).
        under, box = page.evaluate("""() => [document.querySelector('#ref-met'), document.querySelector('#met')]
            .map((e) => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; })""")
        assert box["y"] >= under["y"] + under["height"] - 1, f"popover {box} is not under its marker {under}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE
        page.wait_for_function(f"() => ({NOTE_STATE})('met').onTop")  # once scrolled into view, if it had to be
        page.keyboard.press("Escape")
        assert not note.is_visible()
        assert page.evaluate(FOCUSED) == "ref-met"
        assert marker.get_attribute("aria-expanded") == "false"

        marker.click()
        page.locator("h1").click()
        assert not note.is_visible(), "a click outside the popover does not close it"

        marker.click()
        page.locator("#met .note-back").click()
        assert not note.is_visible()
        assert page.evaluate(FOCUSED) == "ref-met"

        marker.click()
        page.locator("#ref-across").focus()  # the popover covers the text below; Tab or a tap elsewhere closes it
        assert not note.is_visible(), "moving focus out of the popover does not close it"
        page.keyboard.press("Enter")
        assert page.locator("#across").is_visible()


def test_on_a_wide_screen_a_marker_click_focuses_its_margin_note_and_esc_returns(browser, tiny):
    with opened(browser, tiny + "articles/first/", width=WIDE) as page:
        page.locator("#ref-overlap").click()
        assert page.evaluate(FOCUSED) == "overlap"
        assert "is-current" in page.locator("#overlap").get_attribute("class")
        page.keyboard.press("Escape")
        assert page.evaluate(FOCUSED) == "ref-overlap"
        assert "is-current" not in page.locator("#overlap").get_attribute("class")


def test_j_and_k_move_between_markers_in_reading_order_and_ignore_typing(browser, tiny):
    with opened(browser, tiny + "articles/first/") as page:
        order = page.evaluate(MARKER_IDS)
        assert order == ["met", "nested", "overlap", "across"]
        for note in order:
            page.keyboard.press("j")
            assert page.evaluate(FOCUSED) == f"ref-{note}"
        page.keyboard.press("j")
        assert page.evaluate(FOCUSED) == "ref-across", "j past the last marker should stay on it"
        for note in reversed(order[:-1]):
            page.keyboard.press("k")
            assert page.evaluate(FOCUSED) == f"ref-{note}"
        assert "j next note" in page.locator(".note-keys").text_content(), "the keys are not documented on the page"

        page.locator("#ref-met").click()  # from inside an open note, j goes on and closes it
        page.keyboard.press("j")
        assert page.evaluate(FOCUSED) == "ref-nested" and not page.locator("#met").is_visible()

        page.evaluate("""() => { const i = document.createElement('input');
                                 i.id = 'typing'; document.querySelector('h1').after(i); }""")
        page.locator("#typing").focus()
        page.keyboard.press("j")
        assert page.evaluate(FOCUSED) == "typing" and page.locator("#typing").input_value() == "j"

        page.locator(".note-tools summary").click()  # folded on a phone
        page.get_by_role("checkbox", name="Use these keys").uncheck()
        page.locator("#ref-met").focus()
        page.keyboard.press("j")
        assert page.evaluate(FOCUSED) == "ref-met", "j still moves after the keys were turned off"


def test_the_filter_hides_a_kind_and_j_skips_it(browser, tiny):
    with opened(browser, tiny + "articles/first/") as page:
        assert not page.get_by_role("checkbox", name=re.compile(r"^Definition")).is_visible(), (
            "the filter should be folded away on a phone")
        page.locator(".note-tools summary").click()
        page.get_by_role("checkbox", name=re.compile(r"^Definition")).uncheck()
        assert not page.locator("#ref-nested").is_visible()
        assert not page.locator("#nested").is_visible()
        overlapping = page.locator("mark[data-annotations='overlap nested']")
        assert "hl-off" not in overlapping.get_attribute("class"), "a mark another shown note covers lost its style"
        page.locator("#ref-met").focus()
        page.keyboard.press("j")
        assert page.evaluate(FOCUSED) == "ref-overlap", "j did not skip the filtered kind"

        page.get_by_role("checkbox", name=re.compile(r"^Context")).uncheck()
        marks = page.locator("#p-2 mark.hl")
        assert all("hl-off" in marks.nth(i).get_attribute("class") for i in range(marks.count()))
        page.get_by_role("checkbox", name=re.compile(r"^Context")).check()
        assert page.locator("#ref-across").is_visible()
        assert "hl-off" not in marks.first.get_attribute("class")


# --- without JavaScript --------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["tiny", "real"])
def test_every_note_shows_in_the_margin_beside_the_text_without_javascript(browser, request, which):
    for url in sites(request, which):
        with opened(browser, url, width=WIDE, js=False) as page:
            notes = page.evaluate(MARGIN)
            assert notes, f"{url}: no sidenote"
            hidden = [n["id"] for n in notes if not n["shown"]]
            assert not hidden, f"{url} at {WIDE}px without JavaScript: notes not shown: {hidden}"
            inside = [n["id"] for n in notes if n["left"] < n["column"] or n["right"] > n["width"]]
            assert not inside, f"{url}: notes not in the right margin (beside the text, on screen): {inside}"
            ordered = sorted(notes, key=lambda n: n["top"])
            overlaps = [(a["id"], b["id"]) for a, b in zip(ordered, ordered[1:]) if b["top"] < a["bottom"] - 0.5]
            assert not overlaps, f"{url}: margin notes overlap: {overlaps}"


@pytest.mark.parametrize("which", ["tiny", "real"])
def test_without_javascript_on_a_phone_a_marker_link_opens_its_note_and_back_closes_it(browser, request, which):
    for url in sites(request, which)[:2]:
        with opened(browser, url, js=False) as page:
            for note in page.evaluate(MARKER_IDS):
                assert not page.evaluate(NOTE_STATE, note)["shown"], f"{url}: note {note} shows before its marker is followed"
                page.locator(f"[id='ref-{note}']").click()
                state = page.evaluate(NOTE_STATE, note)
                assert page.url.endswith(f"#{note}") and state["shown"] and state["text"] and state["inView"], (
                    f"{url}: following marker {note} without JavaScript: {state}")
                page.locator(f"[id='{note}'] .note-back").click()
                assert page.url.endswith(f"#ref-{note}") and not page.evaluate(NOTE_STATE, note)["shown"]


@pytest.mark.parametrize("width,js", [(PHONE, True), (PHONE, False), (WIDE, True), (WIDE, False)])
def test_a_permalink_opens_the_article_with_that_note_visible(browser, served_site, richest, width, js):
    with opened(browser, richest, width=width, js=js) as page:
        notes = page.evaluate(MARKER_IDS)
    for note in sorted({notes[0], notes[len(notes) // 2], notes[-1]}):
        with opened(browser, f"{richest}#{note}", width=width, js=js) as page:
            state = page.evaluate(NOTE_STATE, note)
            assert state["shown"] and state["text"] and state["inView"], (
                f"{richest}#{note} at {width}px, JavaScript {'on' if js else 'off'}: {state}")
            if js:
                whole = page.evaluate("(id) => { const n = document.getElementById(id); "
                                      "return n.scrollHeight <= n.clientHeight + 1; }", note)
                assert state["focused"] and whole, f"{richest}#{note}: the note is not focused and shown whole"


# --- print -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["tiny", "real"])
def test_print_shows_numbered_endnotes_and_hides_sidenotes_and_the_legend(browser, request, which):
    url = sites(request, which)[0]
    with opened(browser, url, width=WIDE) as page:
        page.emulate_media(media="print")
        markers = page.evaluate(MARKER_IDS)
        assert page.locator(".endnotes").is_visible(), f"{url}: no endnotes in print"
        items = page.locator(".endnotes li")
        assert items.count() == len(markers)
        numbers = sorted(int(n) for n in page.locator(".article-body .note-ref .note-number").all_inner_texts())
        assert [int(items.nth(i).get_attribute("value")) for i in range(items.count())] == numbers
        shown = [n for n in markers if page.locator(f"[id='{n}']").is_visible()]
        assert not shown, f"{url}: sidenotes printed: {shown}"
        assert not page.locator(".annotation-legend").is_visible()
        assert page.locator(".article-body .note-ref .note-number").first.is_visible()
        page.emulate_media(media="screen")
        assert not page.locator(".endnotes").is_visible(), "endnotes show on screen"


# --- accessibility ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("which", ["tiny", "real"])
def test_an_article_with_a_note_open_and_the_filter_has_no_axe_violations(browser, request, missing_tool, which, scheme):
    script = _axe_script()
    if script is None:
        missing_tool("axe-core not found (node_modules/axe-core or axe-playwright-python)")
    url = sites(request, which)[0] if which == "tiny" else request.getfixturevalue("richest")
    for width in (PHONE, WIDE):
        with opened(browser, url, width=width, scheme=scheme) as page:
            first = page.evaluate(MARKER_IDS)[0]
            page.locator(f"[id='ref-{first}']").click()
            page.add_script_tag(path=str(script))
            result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            assert not result["violations"], (
                f"axe-core on {url} at {width}px ({scheme}) with note {first} open:\n"
                f"{_describe(result['violations'])}")


# --- claims ------------------------------------------------------------------------------------------------

def test_a_claim_page_sets_the_articles_side_by_side_on_wide_screens_and_stacks_them_on_phones(browser, site_urls):
    url = site_urls["claim"]
    for width in (WIDE, PHONE):
        with opened(browser, url, width=width) as page:
            cards = page.locator(".claim-card")
            assert cards.count() >= 2, f"{url}: fewer than two articles to compare"
            boxes = [cards.nth(i).bounding_box() for i in range(cards.count())]
            for i in range(cards.count()):
                text = cards.nth(i).inner_text()
                assert "Stance:" in text and re.search(r"\b(1[89]|20)\d\d\b", text), f"{url}: card {i}: {text[:200]!r}"
                assert cards.nth(i).locator(".verdict").inner_text().strip(), f"{url}: card {i} has no verdict text"
            if width == WIDE:
                assert abs(boxes[0]["y"] - boxes[1]["y"]) < 1 and boxes[1]["x"] > boxes[0]["x"] + boxes[0]["width"], (
                    f"{url} at {width}px: the first two cards are not side by side: {boxes[:2]}")
            else:
                assert all(abs(b["x"] - boxes[0]["x"]) < 1 for b in boxes), f"{url} at {width}px: cards not stacked"
                assert all(b["x"] + b["width"] <= PHONE for b in boxes)


# --- the editors' "Copy annotation YAML" -----------------------------------------------------------------------

def _copy_yaml(page) -> dict:
    page.locator(".annotate-dev button").click()
    page.wait_for_function("document.querySelector('.annotate-dev [role=status]').textContent === 'Copied'")
    text = page.evaluate("navigator.clipboard.readText()")
    assert text == page.locator(".annotate-dev").get_attribute("data-yaml")
    items = yaml.safe_load(text)
    assert isinstance(items, list) and len(items) == 1, text
    return items[0]


def _with_dev_script(browser, url: str):
    return opened(browser, url, width=WIDE, permissions=["clipboard-read", "clipboard-write"])


def test_copy_annotation_yaml_gives_a_repeated_quote_the_prefix_that_anchors_it_here(browser, tiny):
    with _with_dev_script(browser, tiny + "articles/first/") as page:
        page.add_script_tag(path=str(ANNOTATE_DEV))
        assert page.evaluate(SELECT_WORD, ["Putin", 1]) >= 3  # "Later Putin left."
        item = _copy_yaml(page)
        assert item["quote"] == "Putin" and item["prefix"] == "Later" and "suffix" not in item
        assert item["kind"] == "context" and re.fullmatch(r"\d{4}-\d\d-\d\d", str(item["date"]))
        blocks = page.evaluate(BLOCKS)
        found = anchor(Selector(item["quote"], item.get("prefix"), item.get("suffix")), blocks)
        assert found == Found(1, blocks[0].index("Later Putin") + 6, blocks[0].index("Later Putin") + 11, "exact")

        page.evaluate("""() => { const r = document.createRange();
            r.setStart(document.querySelector('#p-1').firstChild, 0);
            r.setEnd(document.querySelector('#p-2').lastChild, 1);
            getSelection().removeAllRanges(); getSelection().addRange(r); }""")
        page.wait_for_timeout(1700)  # "Copied" stays a moment
        page.evaluate("() => document.dispatchEvent(new Event('selectionchange'))")
        expect_message = page.locator(".annotate-dev [role=status]")
        expect_message.filter(has_text="one paragraph").wait_for()
        assert not page.locator(".annotate-dev button").is_visible()


def test_copy_annotation_yaml_on_a_real_article_anchors_to_the_selected_occurrence(browser, richest):
    with _with_dev_script(browser, richest) as page:
        page.add_script_tag(path=str(ANNOTATE_DEV))
        blocks = page.evaluate(BLOCKS)
        text = "\n\n".join(blocks)
        words = sorted({w for w in re.findall(r"[A-Z][a-z]{5,}", text)}, key=lambda w: (-text.count(w), w))
        for word in words[:10]:
            count = page.evaluate(SELECT_WORD, [word, 0])
            if count == text.count(word) and count >= 2:
                break
        else:
            pytest.fail(f"{richest}: no repeated word to select")
        target = count - 1  # the last occurrence: its prefix must tell it from all the others
        page.evaluate(SELECT_WORD, [word, target])
        starts = [m.start() for m in re.finditer(re.escape(word), text)]
        item = _copy_yaml(page)
        assert item["quote"] == word and ("prefix" in item or "suffix" in item), item
        found = anchor(Selector(item["quote"], item.get("prefix"), item.get("suffix")), blocks)
        assert isinstance(found, Found), found
        offset = sum(len(b) + 2 for b in blocks[:found.paragraph - 1]) + found.start
        assert offset == starts[target], f"{item} anchors at {offset}, the selection was at {starts[target]}"
