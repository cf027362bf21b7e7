#!/usr/bin/env python3
"""The "how fast can plain Python be" baseline: front matter + markdown-it-py + a trivial Jinja template, per article.

    python bench/baseline_plain.py --root /tmp/corpus-1k --out /tmp/plain-1k

Reads content/articles/*.md of a corpus, parses the front matter with PyYAML's
C loader, renders the body with markdown-it-py (CommonMark, no raw HTML, as the
reader does), renders one small template and writes articles/<slug>/index.html,
plus a home page listing every article. No actors, annotations, links or
validation: the floor under which the reader cannot go in one Python process.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import jinja2
import yaml
from markdown_it import MarkdownIt

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ARTICLE = jinja2.Template("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ front.title }}</title></head>
<body><article><h1>{{ front.title }}</h1>
<p>{{ front.author if front.author is string else front.author | join(", ") }} · {{ front.publication }} · {{ front.date }}</p>
{{ body | safe }}</article></body></html>
""", autoescape=True)

HOME = jinja2.Template("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Articles</title></head>
<body><ol>{% for slug, title in items %}<li><a href="articles/{{ slug }}/">{{ title }}</a></li>{% endfor %}</ol></body></html>
""", autoescape=True)


def split(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.load(front, Loader=LOADER), body


def build(root: Path, out: Path) -> int:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    shutil.rmtree(out, ignore_errors=True)
    items = []
    for path in sorted((root / "content" / "articles").glob("*.md")):
        front, body = split(path.read_text(encoding="utf-8"))
        html = ARTICLE.render(front=front, body=md.render(body))
        target = out / "articles" / path.stem / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        items.append((path.stem, front["title"]))
    (out / "index.html").write_text(HOME.render(items=items), encoding="utf-8")
    return len(items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True, help="corpus folder (holding content/articles)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (replaced)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    count = build(args.root, args.out)
    print(f"plain baseline: {count} articles in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
