"""Shared helpers of the hardening suite (tests/test_hardening_*.py), and tests that the safety checker
itself catches what it must (a checker that sees nothing would make every injection test pass).

- `rich_site(tmp_path, **values)`: a site that uses every text and URL field (site, stances, article,
  actor, about page, claims, an annotation); a keyword replaces the value of one field.
- `build(root)`: the pipeline in process (fast); `messages(result)`: its diagnostics, formatted.
- `unsafe(outputs, base_path)`: every way the outputs could run a script or leave the site: a <script>
  that is not ours, on* attributes, javascript:/vbscript:/data: URLs, frames, forms, <base>; JSON that
  does not parse; XML that is not well-formed, and in a feed, escaped HTML (type="html") that a page could
  not hold. Empty means safe.
- `fast_templates` (fixture): compiled templates are kept between the builds of a test session (a
  Jinja bytecode cache keyed by each template's source), which makes a build ten times faster; what is
  rendered is unchanged.
- `texts(outputs)`: every text node and attribute value of the HTML outputs and every string of the
  JSON outputs, to prove that a payload was shown as text (escaped), not dropped.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

import reader.render
from reader.pipeline import BuildResult, build_outputs
from sitebuilder import make_site

BASE_URL = "https://example.org/test/"
BASE_PATH = "/test/"

DEFAULTS = {
    "site_title": "Test site", "site_description": "A site for tests.", "language": "en",
    "stance_label": "For", "stance_description": "Argues for.",
    "title": "An article", "author": "Ann Writer", "publication": "The Paper",
    "source_url": "https://example.org/source", "stance_note": "Because.", "summary": "In short.",
    "standfirst": "The standfirst.", "section": "World", "image_caption": "A caption.",
    "author_bio": "Ann writes.", "related": "See: another story", "title_note": "Title as printed.",
    "date_note": "Estimated.", "author_note": "Byline checked.", "publication_note": "Confirmed.",
    "raw": "content/raw/an-article.txt", "raw_sha256": "0" * 64,
    "name": "Vladimir Putin", "alias": "Mr Putin", "role": "President of Russia",
    "link_title": "Wikipedia", "link_url": "https://en.wikipedia.org/wiki/Vladimir_Putin",
    "page_title": "About", "page_menu": "About",
    "claim_title": "How many troops", "claim_description": "The number of soldiers.",
    "editor": "Ed", "source_title": "A source", "annotation_url": "https://example.org/evidence",
}
NOT_SHOWN = ("language", "raw_sha256", "section", "image_caption")  # kept for provenance, not displayed
MARKDOWN_DEFAULTS = {"body": "The body speaks.", "actor_body": "President of Russia.",
                     "page_body": "About this site.", "note": "A note."}


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(value)


def rich_site(tmp_path: Path, **values: str) -> Path:
    v = {**DEFAULTS, **MARKDOWN_DEFAULTS, **values}
    q = {key: _q(value) for key, value in v.items() if key not in MARKDOWN_DEFAULTS}
    site = (f"title: {q['site_title']}\ndescription: {q['site_description']}\nbase_url: {BASE_URL}\n"
            f"language: {q['language']}\nstances:\n  pro: {{label: {q['stance_label']}, description: {q['stance_description']}}}\n"
            "  contra: {label: Against, description: Argues against.}\n")
    article = ("---\n" + "".join(f"{key}: {q[key]}\n" for key in (
        "title", "author", "publication", "source_url", "stance_note", "summary", "standfirst", "section",
        "image_caption", "author_bio", "title_note", "date_note", "author_note", "publication_note", "raw",
        "raw_sha256")) + f"related: [{q['related']}]\ndate: 2020-01-02\ndate_precision: approximate\nstance: pro\n"
               f"---\n{v['body']}\n\nPutin said their presence was a provocation.\n")
    actor = (f"---\nname: {q['name']}\nkind: person\naliases: [Putin, {q['alias']}]\nrole: {q['role']}\n"
             f"links:\n  - {{title: {q['link_title']}, url: {q['link_url']}}}\n---\n{v['actor_body']}\n")
    about = f"---\ntitle: {q['page_title']}\nmenu: {q['page_menu']}\n---\n{v['page_body']}\n"
    claims = f"troops:\n  title: {q['claim_title']}\n  description: {q['claim_description']}\n"
    annotation = (f"- id: n1\n  quote: \"their presence was a provocation\"\n  kind: fact_check\n  verdict: accurate\n"
                  f"  claim: troops\n  actors: [putin]\n  editor: {q['editor']}\n  date: 2026-11-21\n"
                  f"  sources:\n    - {{title: {q['source_title']}, url: {q['annotation_url']}}}\n"
                  f"  note: {_q(v['note'])}\n")
    return make_site(tmp_path, {"site.yaml": site, "content/articles/an-article.md": article,
                                "content/actors/putin.md": actor, "content/about.md": about,
                                "content/claims.yaml": claims, "content/annotations/an-article.yaml": annotation},
                     defaults=False)


class _CompiledTemplates(jinja2.BytecodeCache):
    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


@pytest.fixture
def fast_templates(monkeypatch):
    make = reader.render.make_environment

    def with_cache(folder, linked):
        env = make(folder, linked)
        env.bytecode_cache = _COMPILED
        return env

    monkeypatch.setattr(reader.render, "make_environment", with_cache)


def build(root: Path) -> BuildResult:
    return build_outputs(root)


def messages(result: BuildResult) -> list[str]:
    return [d.format() for d in result.diagnostics.sorted()]


def assert_reported(result: BuildResult, *expected: str) -> None:
    """Exactly these problems are reported, in file order, and nothing is built. Each expected item is a
    whole report (head and hints) when it has a line break, else the head line alone."""
    reported = messages(result)
    assert len(reported) == len(expected), reported
    for got, want in zip(reported, expected):
        assert (got if "\n" in want else got.split("\n")[0]) == want, reported
    assert result.outputs == []


def assert_error(result: BuildResult, expected: str) -> None:
    """`expected` (a 'path:line:col: error: message' head, maybe with hints) is reported, and nothing is built."""
    assert any(m.startswith(expected) for m in messages(result)), messages(result)
    assert result.diagnostics.errors and result.outputs == []


# --- the safety checker ------------------------------------------------------------------------------

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "cite", "background",
                   "srcset", "ping", "manifest", "codebase"}
_FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "form", "base", "math",
                   "template", "textarea", "portal", "noscript"}
_SCRIPT_SCHEMES = re.compile(r"^(javascript|vbscript|livescript|data):", re.IGNORECASE)
_SAFE_DATA = re.compile(r"^data:image/(gif|png|jpeg|webp);", re.IGNORECASE)
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")  # browsers drop these before reading a scheme


class _Checker(HTMLParser):
    def __init__(self, base_path: str):
        super().__init__(convert_charrefs=True)
        self.base_path = base_path
        self.problems: list[str] = []
        self.script: list[str] | None = None  # the text of an inline JSON script being read
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.texts += [value for _, value in attrs if value]
        if tag in _FORBIDDEN_TAGS and not self._our_search_form(tag, attributes):
            self.problems.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append(f"<meta http-equiv={attributes['http-equiv']}>")
        if tag == "script":
            self._script(attributes)
        for name, value in attrs:
            if name.startswith("on") or name == "srcdoc" or name.startswith("formaction"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in _URL_ATTRIBUTES and value:
                url = _IGNORED_IN_URLS.sub("", value)
                if _SCRIPT_SCHEMES.match(url) and not (tag == "img" and _SAFE_DATA.match(url)):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    def _our_search_form(self, tag: str, attributes: dict) -> bool:
        """The header's search box (templates/base.html): a GET form to our own /search/ page, no other."""
        return (tag == "form" and attributes.get("action") == self.base_path + "search/"
                and attributes.get("method") == "get" and set(attributes) <= {"class", "role", "aria-label", "action", "method"})

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def _script(self, attributes: dict):
        src = attributes.get("src")
        if src is not None:
            if not (src in (self.base_path + "pagefind/pagefind-ui.js",)
                    or src.startswith(self.base_path + "static/") and src.endswith(".js")):
                self.problems.append(f"<script src={src!r}>")
            return
        if attributes.get("type") in ("application/ld+json", "application/json"):
            self.script = []
        else:
            self.problems.append(f"inline <script> of type {attributes.get('type')!r}")

    def handle_data(self, data):
        if self.script is not None:
            self.script.append(data)
        else:
            self.texts.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            text, self.script = "".join(self.script), None
            try:
                self.texts += list(_strings(json.loads(text)))
            except ValueError:
                self.problems.append(f"inline JSON that does not parse: {text[:80]!r}")


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _check(output, base_path: str) -> tuple[list[str], list[str]]:
    """(problems, texts) of one output."""
    name = output.url
    if name.endswith(".json") or name.endswith(".jsonld"):
        try:
            return [], _strings(json.loads(output.data))
        except ValueError as exc:
            return [f"{name}: JSON does not parse: {exc}"], []
    if name.endswith(".xml"):
        return _check_xml(name, output.data, base_path)
    if name == "" or name.endswith("/") or name.endswith(".html"):
        checker = _Checker(base_path)
        checker.feed(output.data.decode("utf-8"))
        checker.close()
        return [f"{name or '/'}: {p}" for p in checker.problems], checker.texts
    return [], []


def _check_xml(name: str, data: bytes, base_path: str) -> tuple[list[str], list[str]]:
    """Well-formed, and the escaped HTML that Atom elements carry (type="html") is as safe as a page."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return [f"{name}: XML is not well-formed: {exc}"], []
    problems, shown = [], [data.decode()]
    for element in root.iter():
        if element.get("type") == "html":
            checker = _Checker(base_path)
            checker.feed(element.text or "")
            checker.close()
            problems += [f"{name} <{element.tag.split('}')[-1]}>: {p}" for p in checker.problems]
            shown += checker.texts
    return problems, shown


def unsafe(outputs, base_path: str = BASE_PATH) -> list[str]:
    return [p for o in outputs for p in _check(o, base_path)[0]]


def texts(outputs, base_path: str = BASE_PATH) -> str:
    """The text a reader is shown (the search bundle's ids and hashes are not: they only mimic numbers)."""
    return "\n".join(t for o in outputs if not o.url.startswith("pagefind/") for t in _check(o, base_path)[1])


def html_outputs(outputs):
    return [o for o in outputs if o.url == "" or o.url.endswith("/") or o.url.endswith(".html")]


# --- the checker checks -------------------------------------------------------------------------------

class _Out:
    def __init__(self, url: str, data: str):
        self.url, self.data = url, data.encode()


@pytest.mark.parametrize("html", [
    "<p><script>alert(1)</script></p>",
    "<img src=x onerror=alert(1)>",
    "<a href=' JaVa\tScRiPt:alert(1)'>x</a>",
    "<a href='vbscript:x'>x</a>",
    "<iframe src='https://evil.org'></iframe>",
    "<svg><a xlink:href='javascript:alert(1)'>x</a></svg>",
    "<base href='https://evil.org/'>",
    "<meta http-equiv=refresh content='0;url=https://evil.org'>",
    "<script src='https://evil.org/x.js'></script>",
    "<script type='application/ld+json'>{\"a\": \"</script><script>alert(1)</script>\"}</script>",
    "<form action='https://evil.org'><button formaction='javascript:x'>x</button></form>",
    "<object data='javascript:alert(1)'></object>",
    "<body onload=alert(1)>",
    "<img src='data:text/html,<script>alert(1)</script>'>",
])
def test_the_checker_finds_each_way_a_page_could_run_a_script(html):
    assert unsafe([_Out("x/", f"<!DOCTYPE html><html><body>{html}</body></html>")])


def test_the_checker_accepts_our_own_scripts_and_escaped_payloads():
    page = ('<script src="/test/static/reader.js" defer></script>'
            '<script type="application/ld+json">{"name": "\\u003c/script\\u003e"}</script>'
            '<p title="&quot;&gt;&lt;script&gt;">&lt;script&gt;alert(1)&lt;/script&gt;</p>'
            '<img src="data:image/png;base64,AAAA" alt="">')
    assert unsafe([_Out("x/", page)]) == []
    assert "<script>alert(1)</script>" in texts([_Out("x/", page)])
    assert "</script>" in texts([_Out("x/", page)])


def test_the_checker_refuses_json_and_xml_that_do_not_parse():
    assert unsafe([_Out("data/reader.json", '{"a": 1')])
    assert unsafe([_Out("feed.xml", "<feed><title>a</b></feed>")])


def test_the_checker_reads_the_escaped_html_of_a_feed_as_a_page():
    feed = ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">'
            '&lt;img src=x onerror=alert(1)&gt;</content><title type="text">&lt;b&gt;</title></entry></feed>')
    assert unsafe([_Out("annotations.xml", feed)]) == ["annotations.xml <content>: <img onerror=...>"]


def test_the_rich_site_builds_clean_and_uses_every_field(tmp_path, fast_templates):
    """The baseline of the injection tests: no diagnostics, safe, and every default value is shown."""
    result = build(rich_site(tmp_path))
    assert messages(result) == []
    assert unsafe(result.outputs) == []
    shown = texts(result.outputs)
    missing = [key for key, value in {**DEFAULTS, **MARKDOWN_DEFAULTS}.items()
               if value not in shown and key not in NOT_SHOWN]
    assert missing == []
