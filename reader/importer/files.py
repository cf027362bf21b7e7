"""`import_files`: raw files -> `content/articles/<slug>.md` + byte-exact `content/raw/<slug>.txt`, with a per-file report."""
from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from pathlib import Path

import yaml

from ..diagnostics import Diagnostics, Source
from .convert import import_text
from .text import decode_raw


def import_files(paths: list[Path], root: Path, force: bool) -> int:
    """Import each FILE into `root/content`; report per file; exit code 0, or 1 if any failed."""
    diagnostics, used = Diagnostics(), set()
    for path in paths:
        import_one(Path(path), Path(root), force, diagnostics, used)
    for problem in diagnostics.sorted():
        print(problem.format(), file=sys.stderr)
    return 1 if diagnostics.has_errors() else 0


def import_one(path: Path, root: Path, force: bool, diagnostics: Diagnostics, used: set) -> None:
    """Import one file, or add an error and write nothing."""
    source = Source(path.as_posix())
    try:
        data = path.read_bytes()
    except OSError as error:
        diagnostics.error(source, f"cannot read the file: {error.strerror or error}")
        return
    text = decode_raw(data, source, diagnostics)
    if text is None:
        return
    result = import_text(text, path.as_posix())
    slug = unique_slug(choose_slug(result.front_matter.get("title"), path.stem), used)
    article, raw = root / "content" / "articles" / f"{slug}.md", root / "content" / "raw" / f"{slug}.txt"
    existing = [p for p in (article, raw) if p.exists()]
    if existing and not force:
        for target in existing:
            diagnostics.error(source, f"{target.relative_to(root).as_posix()} exists; pass --force to overwrite")
        return
    front_matter = with_provenance(result.front_matter, raw.relative_to(root).as_posix(), data)
    write_file(raw, data)
    write_file(article, render_article(front_matter, result.body).encode("utf-8"))
    used.add(slug)
    print_report(path, article.relative_to(root).as_posix(), front_matter, result.notes)


def with_provenance(front_matter: dict, raw_path: str, data: bytes) -> dict:
    """The front matter plus where the raw copy is and its sha256, so edits to it can be detected."""
    return {**front_matter, "raw": raw_path, "raw_sha256": hashlib.sha256(data).hexdigest()}


SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/article.schema.json"
"""Lets an editor's YAML extension check the front matter as it is typed."""


def render_article(front_matter: dict, body: str) -> str:
    dumped = yaml.safe_dump(front_matter, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{SCHEMA_LINE}\n{dumped}---\n{body}"


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def print_report(path: Path, article: str, front_matter: dict, notes: tuple[str, ...]) -> None:
    nulls = [key for key in ("title", "date", "author", "publication") if front_matter.get(key) is None]
    print(f"{path.as_posix()}: wrote {article} (raw copy: {front_matter['raw']})")
    if nulls:
        print(f"  could not infer (written as null): {', '.join(nulls)}")
    for note in notes:
        print(f"  {note}")


def choose_slug(title: str | None, stem: str) -> str:
    """From the detected title when there is one, else from the file name; always `^[a-z0-9][a-z0-9-]*$`."""
    return slugify(title or "") or slugify(stem) or "article"


def slugify(text: str, limit: int = 60) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.replace("'", "")).strip("-")
    if len(slug) > limit:
        # Cut at a word boundary so the slug never ends in half a word.
        cut = slug[: limit + 1].rsplit("-", 1)[0]
        slug = cut if cut else slug[:limit]
    return slug.strip("-")


def unique_slug(slug: str, used: set) -> str:
    """Two files of one run that would share a slug get -2, -3, ... instead of overwriting each other."""
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate
