"""Load stage: read a site folder into raw records with their sources; the only reader of content files.

Nothing is interpreted here beyond YAML and front matter syntax: a `RawFile`
holds the parsed front matter (with positions) and the Markdown body, and the
validate stage decides what they mean.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostics, Source, relative_path
from .yamlsource import Positions, YamlDocument, read_yaml

FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True)
class RawFile:
    """A content file split into front matter and body (a YAML file: its value and no body).

    `data` is a mapping, except for annotation files, whose value is a list.
    """

    stem: str
    data: dict | list
    positions: Positions
    body: str
    body_line: int
    source: Source


@dataclass(frozen=True)
class RawSite:
    site: RawFile | None
    articles: tuple[RawFile, ...]
    actors: tuple[RawFile, ...]
    pages: tuple[RawFile, ...]
    annotations: tuple[RawFile, ...] = ()
    """content/annotations/<article-slug>.yaml, each a list of annotations."""
    claims: RawFile | None = None
    """content/claims.yaml, a mapping of claim ids."""


def load_site(root: Path, diagnostics: Diagnostics) -> RawSite:
    """Read site.yaml and every content file under `root`; problems go to `diagnostics`."""
    content = root / "content"
    site_file = root / "site.yaml"
    if not site_file.is_file():
        diagnostics.error(Source(relative_path(site_file, root)), "site.yaml not found",
                          f"is {root} a site folder? pass --root DIR to build another one")
        site = None
    else:
        site = _load_yaml_file(site_file, root, diagnostics)
    return RawSite(
        site=site,
        articles=_load_folder(content / "articles", root, diagnostics),
        actors=_load_folder(content / "actors", root, diagnostics),
        pages=tuple(f for f in [_load_optional(content / "about.md", root, diagnostics)] if f),
        annotations=_load_yaml_folder(content / "annotations", root, diagnostics),
        claims=_load_yaml_file(content / "claims.yaml", root, diagnostics) if (content / "claims.yaml").is_file() else None,
    )


def read_text(path: Path, source: Source, diagnostics: Diagnostics) -> str | None:
    """UTF-8 (BOM allowed), any line ending; None with an error for undecodable bytes."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        diagnostics.error(source, f"file is not valid UTF-8 (byte {exc.start})", "save the file as UTF-8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str, source: Source, diagnostics: Diagnostics) -> tuple[str, str, int] | None:
    """(front matter YAML, body, line the body starts on), or None if the file has no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FRONT_MATTER_FENCE:
        diagnostics.error(source, "missing front matter", "start the file with a line '---', the YAML fields, then '---'")
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == FRONT_MATTER_FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    diagnostics.error(source, "front matter is not closed", "add a line '---' after the YAML fields")
    return None


def _load_folder(folder: Path, root: Path, diagnostics: Diagnostics) -> tuple[RawFile, ...]:
    if not folder.is_dir():
        return ()
    files = sorted(p for p in folder.iterdir() if p.suffix == ".md" and not p.name.startswith("."))
    loaded = (_load_markdown_file(p, root, diagnostics) for p in files)
    return tuple(f for f in loaded if f is not None)


def _load_yaml_folder(folder: Path, root: Path, diagnostics: Diagnostics) -> tuple[RawFile, ...]:
    if not folder.is_dir():
        return ()
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))
    loaded = (_load_yaml_file(p, root, diagnostics, expect=list) for p in files)
    return tuple(f for f in loaded if f is not None)


def _load_optional(path: Path, root: Path, diagnostics: Diagnostics) -> RawFile | None:
    return _load_markdown_file(path, root, diagnostics) if path.is_file() else None


def _load_markdown_file(path: Path, root: Path, diagnostics: Diagnostics) -> RawFile | None:
    source = Source(relative_path(path, root))
    text = read_text(path, source, diagnostics)
    parts = split_front_matter(text, source, diagnostics) if text is not None else None
    if parts is None:
        return None
    yaml_text, body, body_line = parts
    document = read_yaml(yaml_text, source.at(2), diagnostics)
    return _as_raw_file(path, document, body, body_line, source, diagnostics)


def _load_yaml_file(path: Path, root: Path, diagnostics: Diagnostics, expect: type = dict) -> RawFile | None:
    source = Source(relative_path(path, root))
    text = read_text(path, source, diagnostics)
    document = read_yaml(text, source, diagnostics) if text is not None else None
    if expect is list and document is not None:
        if document.value is None:  # an empty file: no annotations yet
            return RawFile(path.stem, [], document.positions, "", 0, source)
        if not isinstance(document.value, list):
            diagnostics.error(source, "expected a list of annotations ('- id: ...'), "
                              f"found {type(document.value).__name__}", "start each annotation with '- id: '")
            return None
        return RawFile(path.stem, document.value, document.positions, "", 0, source)
    return _as_raw_file(path, document, "", 0, source, diagnostics)


def _as_raw_file(path: Path, document: YamlDocument | None, body: str, body_line: int,
                 source: Source, diagnostics: Diagnostics) -> RawFile | None:
    if document is None:
        return None
    if not isinstance(document.value, dict):
        diagnostics.error(source, "expected YAML fields (key: value), found "
                          f"{type(document.value).__name__ if document.value is not None else 'nothing'}")
        return None
    return RawFile(path.stem, document.value, document.positions, body, body_line, source)
