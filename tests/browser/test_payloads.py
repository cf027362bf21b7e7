"""In a real browser, no script from the content ever runs.

A site is built (by the real command line) with script payloads in every text field, every Markdown
body and every URL field that accepts odd characters, then served over HTTP the way GitHub Pages
serves it. Chromium loads every page and must see no dialog, no console marker, no page error from a
payload and no window global set by one; every link and element is inspected for handlers and script
URLs. A control page with a live payload proves that the harness would notice one.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from sitebuilder import run
from test_hardening_support import DEFAULTS, MARKDOWN_DEFAULTS, rich_site

MARK = "PWNED"
URL_FIELDS = ("source_url", "link_url", "annotation_url")


def text_payload(field: str) -> str:
    act = f"alert('{MARK}:{field}');console.log('{MARK}:{field}');window.__pwned='{field}'"
    return (f"<script>{act}</script>\"><img src=x onerror=\"{act}\">'><svg onload=\"{act}\">"
            f"</script><script>{act}</script><!--\u2028{{{{ 7*7 }}}}")


def markdown_payload(field: str) -> str:
    act = f"alert('{MARK}:{field}');window.__pwned='{field}'"
    return "\n\n".join([
        f"<script>{act}</script>",
        f"Text <img src=x onerror=\"{act}\"> and <a href=\"javascript:{act}\">raw link</a>.",
        f"[a link](javascript:{act.replace(' ', '')}) [mixed](JaVaScRiPt:alert(1)) [entity](&#106;avascript:alert(1))",
        "<javascript:alert(1)> ![image](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        f"[ref][r]\n\n[r]: javascript:{act.replace(' ', '')}",
        f"<iframe src=\"javascript:{act}\"></iframe><details open ontoggle=\"{act}\">x</details>",
        f"Putin and {field}.",
    ])


URL_PAYLOAD = "https://example.org/\"><script>alert('PWNED:url')</script>'onmouseover='alert(1)"


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    """The payload site, built with `build.py build` and served at http://127.0.0.1:<port>/."""
    tmp = tmp_path_factory.mktemp("payloads")
    out = tmp / "public"
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    values = {field: text_payload(field) for field in DEFAULTS if field not in URL_FIELDS}
    values.update({field: markdown_payload(field) for field in MARKDOWN_DEFAULTS})
    values.update({field: URL_PAYLOAD for field in URL_FIELDS})
    root = rich_site(tmp / "site", **values)
    result = run("build", "--root", root, "--out", out, "--base-url", base)
    if result.returncode != 0:
        server.server_close()
        pytest.fail(f"the payload site did not build:\n{result.stderr}")
    (out / "control").mkdir()
    (out / "control" / "index.html").write_text(
        "<!DOCTYPE html><title>control</title><script>alert('PWNED:control');window.__pwned='control'</script>")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, out
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _pages(out: Path, base: str) -> list[str]:
    pages = []
    for path in sorted(out.rglob("*.html")):
        relative = path.relative_to(out).as_posix()
        if relative.startswith("control/"):
            continue
        pages.append(base + (relative[: -len("index.html")] if relative.endswith("index.html") else relative))
    return pages


# Pagefind's search UI (the search page) is ours: its script, and the one form it draws with
# action="javascript:void(0);", which it submits from script.
INSPECT = """() => {
  const handlers = [], scriptUrls = [];
  const pagefindForm = el => el.tagName === 'FORM' && el.closest('.pagefind-ui')
      && el.getAttribute('action') === 'javascript:void(0);';
  for (const element of document.querySelectorAll('*')) {
    if (pagefindForm(element)) continue;
    for (const attribute of element.attributes) {
      if (attribute.name.startsWith('on')) handlers.push(element.tagName + ' ' + attribute.name);
      const value = attribute.value.replace(/[\\u0000-\\u0020\\u007f]/g, '').toLowerCase();
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(attribute.name)
          && /^(javascript|vbscript|data:text)/.test(value)) scriptUrls.push(element.tagName + ' ' + attribute.value);
    }
  }
  const ours = src => src.startsWith(location.origin + '/static/') || src === location.origin + '/pagefind/pagefind-ui.js';
  const foreignScripts = [...document.scripts].filter(s => !(s.src && ours(s.src))
      && s.type !== 'application/ld+json').map(s => s.outerHTML.slice(0, 120));
  return {pwned: window.__pwned ?? null, handlers, scriptUrls, foreignScripts,
          frames: document.querySelectorAll('iframe, frame, object, embed').length};
}"""


def _visit(page, url: str) -> dict:
    dialogs, console, errors = [], [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load")
    for link in page.query_selector_all("a[href], summary, button")[:40]:  # hover and focus what a reader would
        try:
            link.hover(timeout=500)
            link.focus()
        except Exception:  # hidden or covered: nothing to hover
            pass
    page.wait_for_timeout(100)
    found = page.evaluate(INSPECT)
    found.update(dialogs=dialogs, console=[m for m in console if MARK in m], errors=errors)
    return found


def test_the_harness_notices_a_live_payload(browser, payload_site):
    base, _ = payload_site
    page = browser.new_page()
    try:
        found = _visit(page, base + "control/")
    finally:
        page.close()
    assert found["dialogs"] == [f"{MARK}:control"] and found["pwned"] == "control"


def test_no_payload_runs_on_any_page(browser, payload_site):
    base, out = payload_site
    pages = _pages(out, base)
    assert len(pages) >= 9, pages
    context = browser.new_context()
    context.set_default_timeout(10_000)
    problems = {}
    try:
        for url in pages:
            page = context.new_page()
            try:
                found = _visit(page, url)
            finally:
                page.close()
            bad = {key: value for key, value in found.items() if value not in (None, [], 0)}
            if bad:
                problems[url] = bad
    finally:
        context.close()
    assert problems == {}


def test_the_payloads_are_on_the_pages_as_text(browser, payload_site):
    """The payloads were shown, not dropped: the title appears literally in the article's heading."""
    base, _ = payload_site
    page = browser.new_page()
    try:
        page.goto(base + "articles/an-article/")
        assert page.inner_text("h1") == text_payload("title")
        assert "{{ 7*7 }}" in page.inner_text("body")
    finally:
        page.close()
