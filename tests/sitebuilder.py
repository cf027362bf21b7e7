"""Build tiny sites inline from a dict of files (as MkDocs' tests do) and run the real command line on them."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

SITE_YAML = """\
title: Test site
base_url: https://example.org/test/
stances:
  pro: {label: For, description: Argues for.}
  contra: {label: Against, description: Argues against.}
"""

ARTICLE = """\
---
title: An article
date: 2020-01-02
author: Ann Writer
publication: The Paper
stance: pro
stance_note: Because.
---
Putin spoke.
"""

ACTOR = """\
---
name: Vladimir Putin
kind: person
aliases: [Putin]
---
President of Russia.
"""


def make_site(tmp_path: Path, files: dict[str, str], defaults: bool = True) -> Path:
    """A site folder with `files` (path -> text, dedented) over a valid default site."""
    base = {"site.yaml": SITE_YAML, "content/articles/an-article.md": ARTICLE, "content/actors/putin.md": ACTOR}
    for name, text in {**(base if defaults else {}), **files}.items():
        if text is None:
            continue
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def run(*args: str | Path) -> subprocess.CompletedProcess:
    """Run `python build.py ARGS` from the project folder and capture its output."""
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=PROJECT, timeout=120)
