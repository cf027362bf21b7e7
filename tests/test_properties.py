"""Property tests: whatever an editor (or an attacker) writes, the only outcomes are a site or our diagnostics.

Random YAML, front matter, field values, annotation files and Markdown are fed to load -> validate ->
link -> render. No other exception may escape, a failed build produces no outputs, every diagnostic
is in the one format, and a successful build is safe (no script, handler or script URL).
"""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.diagnostics import Diagnostics, Source
from reader.fields import web_address
from reader.pipeline import build_outputs
from reader.yamlsource import read_yaml
from sitebuilder import ACTOR, ARTICLE, SITE_YAML, make_site
from test_hardening_support import fast_templates, unsafe  # noqa: F401

PROPERTY = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
REPORT = re.compile(r"^[^\n]+:\d+:\d+: (error|warning): [^\n]+(\n    [^\n]*|\n[^\n]*)*$")

YAML_PIECES = ["key: value", "title: x", "- item", "  nested: 1", "  - 2", "&a ", "*a", "!!str ", "!tag ", "<<: ",
               "[", "]", "{", "}", ", ", "'", '"', "---", "...", "? ", ": ", "\t", " ", "#", "|", ">", "%YAML 1.2",
               "yes", "no", "~", "null", "2020-01-02", "0x1F", "1e3", "1:30", ".inf", "\\u2028", "é", "\u2028", "\x85",
               "\ufeff", "\x00", "\x1b[31m", "é"]
MARKDOWN_PIECES = ["# ", "## ", "*", "**", "_", "[", "]", "(", ")", "](", "<", ">", "`", "```", "\n", "\n\n", "- ",
                   "1. ", "> ", "&amp;", "&#0;", "&#x6a;", "\\", "|", "---", "    ", "Putin", "Vladimir Putin", "\u0301",
                   "javascript:", "https://example.org/", "<script>", "</script>", "<img src=x onerror=alert(1)>",
                   "{{ 7*7 }}", "{% raw %}", "![", "\"", "'", "\u2028", "\x00", "\t", " ", "word", "é", "\U0001F600"]


def _joined(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(pieces), st.text(max_size=5)), max_size=40).map("".join)


def _build(files: dict[str, str | bytes]):
    with tempfile.TemporaryDirectory() as folder:
        root = make_site(Path(folder), {k: v for k, v in files.items() if isinstance(v, str)})
        for name, data in files.items():
            if isinstance(data, bytes):
                (root / name).parent.mkdir(parents=True, exist_ok=True)
                (root / name).write_bytes(data)
        result = build_outputs(root)
    for diagnostic in result.diagnostics.items:
        assert REPORT.match(diagnostic.format()), diagnostic.format()
    if result.diagnostics.errors:
        assert result.outputs == []
    else:
        assert result.outputs and unsafe(result.outputs, "/test/") == []
    return result


@PROPERTY
@given(text=st.one_of(st.text(max_size=200), _joined(YAML_PIECES)))
def test_any_text_read_as_yaml_is_a_value_or_diagnostics(text):
    diagnostics = Diagnostics()
    document = read_yaml(text, Source("x.yaml"), diagnostics)
    assert (document is None) == bool(diagnostics.errors)
    if document is not None:
        json.dumps(document.value)  # plain values only: no tags, dates, sets or aliases


@PROPERTY
@given(value=st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                          lambda children: st.lists(children, max_size=4)
                          | st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=12))
def test_yaml_that_pyyaml_writes_reads_back_as_plain_values(value):
    diagnostics = Diagnostics()
    document = read_yaml(yaml.safe_dump({"v": value}, allow_unicode=True), Source("x.yaml"), diagnostics)
    assert document is not None or diagnostics.errors


@PROPERTY
@given(data=st.one_of(st.binary(max_size=300), _joined(YAML_PIECES + ["---\n", "\r\n", "\r"]).map(str.encode)))
def test_any_bytes_as_an_article_build_or_report(fast_templates, data):
    _build({"content/articles/an-article.md": data})


@PROPERTY
@given(front=_joined(YAML_PIECES + ["\n", "\n", "stance: pro\n", "title: T\n", "date: 2020-01-02\n"]))
def test_any_front_matter_builds_or_reports(fast_templates, front):
    _build({"content/articles/an-article.md": f"---\n{front}\n---\nPutin spoke.\n"})


FIELD_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                            | st.text(max_size=30) | st.sampled_from(["pro", "2020-01-02", "https://example.org/",
                                                                       "javascript:alert(1)", "putin", "person"]),
                            lambda children: st.lists(children, max_size=3)
                            | st.dictionaries(st.sampled_from(["title", "url", "label", "x"]), children, max_size=3),
                            max_leaves=6)
ARTICLE_KEYS = ["title", "date", "date_precision", "author", "publication", "source_url", "stance", "stance_note",
                "actors", "summary", "related", "author_note", "publication_note", "raw_sha256", "unknown_key"]
ACTOR_KEYS = ["name", "kind", "aliases", "role", "links", "unknown_key"]


@PROPERTY
@given(article=st.dictionaries(st.sampled_from(ARTICLE_KEYS), FIELD_VALUES, max_size=8),
       actor=st.dictionaries(st.sampled_from(ACTOR_KEYS), FIELD_VALUES, max_size=4))
def test_any_field_values_build_or_report(fast_templates, article, actor):
    base = yaml.safe_load(ARTICLE.split("---")[1])
    base_actor = yaml.safe_load(ACTOR.split("---")[1])
    dump = lambda data: yaml.safe_dump(data, allow_unicode=True, default_flow_style=False)  # noqa: E731
    _build({"content/articles/an-article.md": f"---\n{dump({**base, **article})}---\nPutin spoke.\n",
            "content/actors/putin.md": f"---\n{dump({**base_actor, **actor})}---\nPresident.\n"})


ANNOTATION_KEYS = ["id", "quote", "prefix", "suffix", "kind", "verdict", "claim", "actors", "see", "note", "sources",
                   "editor", "date"]
ANNOTATION_VALUES = FIELD_VALUES | st.sampled_from(["n1", "Putin", "spoke", "context", "fact_check", "accurate",
                                                    "troops", "an-article", "Ed"])


@PROPERTY
@given(items=st.lists(st.dictionaries(st.sampled_from(ANNOTATION_KEYS), ANNOTATION_VALUES, max_size=9), max_size=3),
       site_extra=st.dictionaries(st.sampled_from(["language", "link_mentions", "unlinked_phrases", "description"]),
                                  FIELD_VALUES, max_size=2))
def test_any_annotation_file_builds_or_reports(fast_templates, items, site_extra):
    _build({"content/annotations/an-article.yaml": yaml.safe_dump(items, allow_unicode=True),
            "content/claims.yaml": "troops:\n  title: T\n  description: D\n",
            "site.yaml": SITE_YAML + (yaml.safe_dump(site_extra, allow_unicode=True) if site_extra else "")})


@PROPERTY
@given(body=_joined(MARKDOWN_PIECES), actor_body=_joined(MARKDOWN_PIECES))
def test_any_markdown_renders_safely(fast_templates, body, actor_body):
    result = _build({"content/articles/an-article.md": ARTICLE.replace("Putin spoke.\n", body + "\n"),
                     "content/actors/putin.md": ACTOR.replace("President of Russia.\n", actor_body + "\n"),
                     "content/about.md": f"---\ntitle: About\n---\n{body}\n"})
    assert not result.diagnostics.errors


@PROPERTY
@given(text=st.one_of(st.text(max_size=60), _joined(["https://", "http:", "javascript:", "mailto:", "//", "[", "]", ":",
                                                     "@", "a.b", " ", "\t", "\x00", "%", "#", "?", "\u202e", "99999"])))
def test_a_web_address_is_http_https_or_mailto_or_nothing(text):
    for mailto in (False, True):
        address = web_address(text, mailto)
        assert address is None or re.match(r"(?i)(https?://|mailto:)", address), address
        if address is not None:
            assert not re.search(r"[\x00-\x20\x7f]", address)
