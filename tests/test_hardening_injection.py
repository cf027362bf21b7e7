"""Injection: a payload in any text, Markdown or URL field is shown as text or refused, never run.

Text and Markdown payloads are built once per payload, placed in every field at once and tagged with
the field's name, so each (field, payload) case can prove that its own payload was shown as escaped
text while the whole site stays free of scripts, handlers and script URLs. URL fields must refuse
every scheme but http(s) (and mailto in an actor's links) with an error at the value's line and column.
"""
from __future__ import annotations

import functools
import json

import pytest

from reader.render import make_environment
from test_hardening_support import (DEFAULTS, MARKDOWN_DEFAULTS, NOT_SHOWN, assert_error, build,  # noqa: F401
                                    fast_templates, messages, rich_site, texts, unsafe)

pytestmark = pytest.mark.usefixtures("fast_templates")

URL_FIELDS = ("source_url", "link_url", "annotation_url")
TEXT_FIELDS = tuple(key for key in DEFAULTS if key not in URL_FIELDS)
MARKDOWN_FIELDS = tuple(MARKDOWN_DEFAULTS)

TEXT_PAYLOADS = {
    "script": "<script>window.__pwned='{f}'</script>",
    "double-quote breakout": '"><img src=x onerror="window.__pwned=\'{f}\'">',
    "single-quote breakout": "'><svg onload=window.__pwned='{f}'>",
    "script and comment breakout": "</script><script>window.__pwned='{f}'</script>\u2028\u2029<!--",
    "template syntax": "{{{{ 7*7 }}}}{{% if true %}}{f}{{% endif %}}{{# c #}}",
    "xml and cdata breakout": "]]></title><entry><id>{f}</id></entry><![CDATA[&amp;\x0c]]><!--",  # feeds
}

MARKDOWN_PAYLOADS = {
    "raw script block": "<script>window.__pwned='{f}'</script>",
    "raw inline handler": "Text <img src=x onerror=\"window.__pwned='{f}'\"> more.",
    "raw link": "<a href=\"javascript:window.__pwned='{f}'\">{f}</a>",
    "raw iframe": "<iframe src=\"https://evil.example/{f}\"></iframe>",
    "javascript link": "[{f}](javascript:window.__pwned=1)",
    "mixed-case scheme": "[{f}](JaVaScRiPt:window.__pwned=1)",
    "entity-encoded scheme": "[{f}](&#106;avascript:window.__pwned=1)",
    "tab in scheme": "[{f}](java&#9;script:window.__pwned=1)",
    "vbscript link": "[{f}](vbscript:msgbox)",
    "data html link": "[{f}](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "javascript autolink": "<javascript:window.__pwned='{f}'> and {f}",
    "javascript image": "![{f}](javascript:window.__pwned=1)",
    "reference definition": "[{f}][r]\n\n[r]: javascript:window.__pwned=1",
    "title attribute breakout": "[{f}](https://example.org/ \"\\\" onmouseover=\\\"window.__pwned=1\")",
    "template syntax": "{{{{ 7*7 }}}} {{% raw %}}{f}",
}


@functools.cache
def _built(kind: str, payload: str, tmp_root) -> tuple[list[str], list[str], str]:
    """(messages, safety problems, shown text) of the rich site with `payload` in every field of `kind`."""
    fields = TEXT_FIELDS if kind == "text" else MARKDOWN_FIELDS
    result = build(rich_site(tmp_root, **{key: payload.format(f=key) for key in fields}))
    return messages(result), unsafe(result.outputs), texts(result.outputs)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """One folder per payload build, shared by the cases of that payload."""
    made = {}

    def get(kind: str, name: str):
        if (kind, name) not in made:
            made[(kind, name)] = tmp_path_factory.mktemp(f"{kind}-{len(made)}")
        return made[(kind, name)]

    return get


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("payload", TEXT_PAYLOADS, ids=str)
def test_a_payload_in_a_text_field_is_shown_as_text(folder, payload, field):
    diagnostics, problems, shown = _built("text", TEXT_PAYLOADS[payload], folder("text", payload))
    assert diagnostics == []
    assert problems == []
    if field not in NOT_SHOWN:
        assert TEXT_PAYLOADS[payload].format(f=field) in shown
    assert "49" not in shown.replace("2049", "")  # {{ 7*7 }} was never evaluated


@pytest.mark.parametrize("field", MARKDOWN_FIELDS)
@pytest.mark.parametrize("payload", MARKDOWN_PAYLOADS, ids=str)
def test_a_payload_in_markdown_is_text_or_an_inert_link(folder, payload, field):
    diagnostics, problems, shown = _built("markdown", MARKDOWN_PAYLOADS[payload], folder("markdown", payload))
    assert diagnostics == []
    assert problems == []
    assert field in shown  # the field's own marker is still on the page


# --- URL fields -----------------------------------------------------------------------------------------

REFUSED_URLS = [
    ("javascript:alert(1)", "'javascript:alert(1)'"),
    ("JaVaScRiPt:alert(1)", "'JaVaScRiPt:alert(1)'"),
    ("  javascript:alert(1)", "'  javascript:alert(1)'"),
    ("java\tscript:alert(1)", "'java\tscript:alert(1)'"),
    ("java\x00script:alert(1)", "'java\\x00script:alert(1)'"),
    ("vbscript:msgbox(1)", "'vbscript:msgbox(1)'"),
    ("data:text/html;base64,PHNjcmlwdD4=", "'data:text/html;base64,PHNjcmlwdD4='"),
    ("//evil.example/x", "'//evil.example/x'"),
    ("ftp://example.org/x", "'ftp://example.org/x'"),
    ("file:///etc/passwd", "'file:///etc/passwd'"),
    ("https://", "'https://'"),
    ("http:evil.example", "'http:evil.example'"),
    ("https://[::1", "'https://[::1'"),
    ("https://example.org:99999/", "'https://example.org:99999/'"),
    ("\u202ehttps://example.org/", "'\\u202ehttps://example.org/'"),
]


def _position(root, path: str, value: str) -> tuple[int, int]:
    """Line and column of `value` (as written by rich_site, JSON-quoted) in the file at `path`."""
    written = json.dumps(value)
    for number, line in enumerate((root / path).read_text(encoding="utf-8").split("\n"), start=1):
        if written in line:
            return number, line.index(written) + 1
    raise AssertionError(f"{written} not in {path}")


URL_FILES = {"source_url": "content/articles/an-article.md", "link_url": "content/actors/putin.md",
             "annotation_url": "content/annotations/an-article.yaml"}


@pytest.mark.parametrize("field", URL_FIELDS)
@pytest.mark.parametrize("url, shown", REFUSED_URLS, ids=[u for u, _ in REFUSED_URLS])
def test_a_url_field_refuses_anything_but_a_web_address(tmp_path, field, url, shown):
    root = rich_site(tmp_path, **{field: url})
    line, col = _position(root, URL_FILES[field], url)
    assert_error(build(root), f"{URL_FILES[field]}:{line}:{col}: error: not a web address: {shown}")


@pytest.mark.parametrize("field", ("source_url", "annotation_url"))
def test_mailto_is_a_web_address_only_in_an_actors_links(tmp_path, field):
    root = rich_site(tmp_path, **{field: "mailto:press@example.org"})
    line, col = _position(root, URL_FILES[field], "mailto:press@example.org")
    assert_error(build(root), f"{URL_FILES[field]}:{line}:{col}: error: not a web address: 'mailto:press@example.org'\n"
                              "    write a full http:// or https:// URL")


def test_an_actor_link_may_be_a_mailto_address_but_not_a_malformed_one(tmp_path):
    result = build(rich_site(tmp_path / "ok", link_url="mailto:press@example.org"))
    assert messages(result) == [] and unsafe(result.outputs) == []
    assert 'href="mailto:press@example.org"' in next(o.data.decode() for o in result.outputs if o.url == "actors/putin/")
    root = rich_site(tmp_path / "bad", link_url="mailto:javascript:alert(1)")
    line, col = _position(root, URL_FILES["link_url"], "mailto:javascript:alert(1)")
    assert_error(build(root), f"content/actors/putin.md:{line}:{col}: error: not a web address: 'mailto:javascript:alert(1)'\n"
                              "    write a full http:// or https:// URL (or mailto:name@example.org)")


@pytest.mark.parametrize("base_url, message", [
    ("javascript:alert(1)//", "site.yaml:1:1"),
    ("https://example.org/reader/?x=1", "a base URL has no query or fragment"),
    ("https://example.org/reader/#top", "a base URL has no query or fragment"),
    ("/reader/", "not a web address"),
])
def test_base_url_must_be_an_absolute_web_address_of_a_folder(tmp_path, base_url, message):
    root = rich_site(tmp_path)
    site = (root / "site.yaml").read_text().replace("base_url: https://example.org/test/", f"base_url: {json.dumps(base_url)}")
    (root / "site.yaml").write_text(site)
    result = build(root)
    assert result.outputs == []
    expected = f"site.yaml:3:11: error: {'not a web address' if message.startswith('site.yaml') else message}"
    assert any(m.startswith(expected) for m in messages(result)), messages(result)


ACCEPTED_URLS = [
    ('https://example.org/"><script>window.__pwned=1</script>', 'https://example.org/"><script>window.__pwned=1</script>'),
    ("  https://example.org/padded  ", "https://example.org/padded"),
    ("https://example.org/a\nb\tc", "https://example.org/abc"),
    ("HTTPS://EXAMPLE.ORG/LOUD", "HTTPS://EXAMPLE.ORG/LOUD"),
    ("https://es.wikipedia.org/wiki/Nicolás_Maduro", "https://es.wikipedia.org/wiki/Nicolás_Maduro"),
    ("https://example.org/?q='onmouseover='x'&a=<b>", "https://example.org/?q='onmouseover='x'&a=<b>"),
]


@pytest.mark.parametrize("url, cleaned", ACCEPTED_URLS, ids=[u for u, _ in ACCEPTED_URLS])
def test_a_web_address_with_odd_characters_is_kept_inside_its_attribute(tmp_path, url, cleaned):
    result = build(rich_site(tmp_path, source_url=url, link_url=url, annotation_url=url))
    assert messages(result) == []
    assert unsafe(result.outputs) == []
    hrefs = texts(result.outputs)
    assert cleaned in hrefs


# --- templates and data islands ---------------------------------------------------------------------------

def test_every_template_autoescapes_and_refuses_undefined_names(tmp_path):
    from reader.link import link_site
    from reader.load import load_site
    from reader.render import PROJECT_TEMPLATES
    from reader.validate import validate_site
    from reader.diagnostics import Diagnostics
    import jinja2

    diagnostics = Diagnostics()
    linked = link_site(validate_site(load_site(rich_site(tmp_path), diagnostics), diagnostics), diagnostics)
    env = make_environment(PROJECT_TEMPLATES, linked)
    assert env.undefined is jinja2.StrictUndefined
    for name in env.list_templates():
        if not name.startswith("static/"):
            assert env.autoescape is True or env.autoescape(name), name
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ no_such_name }}").render()


def test_tojson_cannot_close_a_script_element_or_break_a_line(tmp_path):
    from reader.diagnostics import Diagnostics
    from reader.link import link_site
    from reader.load import load_site
    from reader.render import PROJECT_TEMPLATES
    from reader.validate import validate_site

    diagnostics = Diagnostics()
    linked = link_site(validate_site(load_site(rich_site(tmp_path), diagnostics), diagnostics), diagnostics)
    env = make_environment(PROJECT_TEMPLATES, linked)
    text = "</script><!--<script>\u2028\u2029'&"
    rendered = env.from_string("{{ v|tojson }}").render(v={"a": text})
    assert "<" not in rendered and ">" not in rendered and "&" not in rendered and "'" not in rendered
    assert "\u2028" not in rendered and "\u2029" not in rendered
    assert json.loads(rendered) == {"a": text}


def test_every_inline_script_in_the_templates_goes_through_tojson():
    """An inline data island must be `{{ value|tojson }}`; anything else could be broken out of."""
    import re

    from reader.render import PROJECT_TEMPLATES

    for template in PROJECT_TEMPLATES.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        for script in re.findall(r"<script\b[^>]*>(.*?)</script>", source, re.DOTALL):
            for expression in re.findall(r"\{\{(.*?)\}\}", script):
                assert expression.strip().endswith("|tojson"), f"{template.name}: {{{{{expression}}}}}"
