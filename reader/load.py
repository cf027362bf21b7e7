"""Load stage: read a site folder into raw records with their sources; the only reader of content files.

Nothing is interpreted here beyond YAML and front matter syntax: a `RawFile`
holds the parsed front matter (with positions) and the Markdown body, and the
validate stage decides what they mean.

What a content file may be (each breach is an error naming the file):
- at most MAX_FILE_BYTES (10 MiB; a 5 MB article builds in seconds): larger
  files are refused unread, so a stray dump cannot stall a build;
- UTF-8, with or without a BOM; invalid bytes are reported with their byte
  offset (and line and column in the hint); LF, CRLF and CR line endings;
- a regular file inside the site: a symbolic link under content/ (or under
  the static folder of the templates in use) that points outside that folder
  is refused, and then nothing is loaded at all.
Files in a content folder that are hidden (".name") are skipped; a file whose
name looks like content with the wrong extension ("a.markdown", "a.MD") is a
warning, and so is a folder named like a content file. Two annotation files
for one article ("a.yaml" and "a.yml") are an error.

`serve` passes a `ParseCache`: a file whose text is the same as at the last
load is not parsed again (its record and its diagnostics are reused), since
parsing YAML is most of a load. Reading and the checks above run every time.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, Diagnostics, Source, relative_path
from .yamlsource import Positions, YamlDocument, read_yaml

MAX_FILE_BYTES = 10 * 1024 * 1024
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


class ParseCache:
    """Parsed files by path, each kept with the text it was parsed from (only the latest text per path)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[str, RawFile | None, tuple[Diagnostic, ...]]] = {}
        self.parsed = 0
        """How many files the last loads had to parse (the others were reused)."""

    def parse(self, kind: str, source: Source, text: str, diagnostics: Diagnostics,
              parse: Callable[[Diagnostics], RawFile | None]) -> RawFile | None:
        """`parse(diagnostics)` once per text of a file; later calls with the same text replay its result."""
        key = (kind, source.path)
        entry = self._entries.get(key)
        if entry is None or entry[0] != text:
            found = Diagnostics()
            entry = self._entries[key] = (text, parse(found), tuple(found.items))
            self.parsed += 1
        diagnostics.items.extend(entry[2])
        return entry[1]


def load_site(root: Path, diagnostics: Diagnostics, cache: ParseCache | None = None) -> RawSite:
    """Read site.yaml and every content file under `root`; problems go to `diagnostics`."""
    content = root / "content"
    site_file = root / "site.yaml"
    if refuse_outside_links(root, diagnostics):
        return RawSite(site=None, articles=(), actors=(), pages=())
    files = _Files(root, diagnostics, cache or ParseCache())
    if not site_file.is_file():
        diagnostics.error(Source(relative_path(site_file, root)), "site.yaml not found",
                          f"is {root} a site folder? pass --root DIR to build another one")
        site = None
    else:
        site = files.yaml(site_file)
    return RawSite(
        site=site,
        articles=files.folder(content / "articles"),
        actors=files.folder(content / "actors"),
        pages=tuple(f for f in [files.optional(content / "about.md")] if f),
        annotations=files.yaml_folder(content / "annotations"),
        claims=files.yaml(content / "claims.yaml") if (content / "claims.yaml").is_file() else None,
    )


def refuse_outside_links(root: Path, diagnostics: Diagnostics) -> bool:
    """Report every symbolic link under content/ or the static folder that leads out of it; True if any.

    The folders themselves may be links (a checkout assembled from links builds).
    """
    from .render import template_folder  # the folder the build will read its static files from

    before = len(diagnostics.errors)
    for top in (root / "content", template_folder(root) / "static"):
        for path in _links_under(top):
            _check_link(path, top, root, diagnostics)
    return len(diagnostics.errors) > before


def _links_under(top: Path) -> list[Path]:
    """Every symbolic link below `top` (links below are reported, not followed)."""
    found, folders = [], [top]
    while folders:  # os.scandir knows from the listing which entries are links: no lstat per file
        try:
            with os.scandir(folders.pop()) as listing:
                entries = list(listing)
        except OSError:  # as os.walk: a folder that cannot be listed has nothing to report
            continue
        found += [Path(e.path) for e in entries if e.is_symlink()]
        folders += [e.path for e in entries if not e.is_symlink() and e.is_dir(follow_symlinks=False)]
    return sorted(found)


def _check_link(path: Path, allowed: Path, root: Path, diagnostics: Diagnostics) -> None:
    try:
        target: Path | None = path.resolve()
        inside = target.is_relative_to(allowed.resolve())
    except (OSError, RuntimeError):  # a loop of links
        target, inside = None, False
    if not inside:
        name = Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
        where = Path(os.path.relpath(os.path.abspath(allowed), os.path.abspath(root))).as_posix()
        diagnostics.error(Source(name), f"symbolic link to {target or 'a loop of links'}, outside "
                          f"{'the site' if where == '.' else where + '/'}: refused",
                          "copy the file into the site instead of linking to it")


def read_text(path: Path, source: Source, diagnostics: Diagnostics) -> str | None:
    """UTF-8 (BOM allowed), any line ending, at most MAX_FILE_BYTES; None with an error otherwise."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        diagnostics.error(source, f"cannot read the file: {exc.strerror or exc}")
        return None
    if len(data) > MAX_FILE_BYTES:
        limit = f"{MAX_FILE_BYTES // 2**20} MiB" if MAX_FILE_BYTES % 2**20 == 0 else f"{MAX_FILE_BYTES} bytes"
        diagnostics.error(source, f"file is larger than the limit of {limit}",
                          "split it, or remove what does not belong in the site")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_and_column(data, exc.start)
        diagnostics.error(source, f"file is not valid UTF-8 (byte {exc.start})",
                          f"line {line}, column {col}: save the file as UTF-8")
        return None
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset, whatever the line endings."""
    before = data[:offset].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    line_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before[line_start:].decode("utf-8", "replace")) + 1


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


@dataclass(frozen=True)
class _Files:
    """Loads the files of one site, reporting into one `Diagnostics`, parsing through `cache`."""

    root: Path
    diagnostics: Diagnostics
    cache: ParseCache
    folders: dict[Path, str] = field(default_factory=dict)
    """Folder -> its `relative_path`, resolved once per load rather than once per file."""

    def shown(self, path: Path) -> str:
        """`relative_path(path, root)`: a plain file's name needs no resolving, only its folder does."""
        if path.is_symlink() or path.name in ("", ".", ".."):
            return relative_path(path, self.root)
        folder = self.folders.get(path.parent)
        if folder is None:
            folder = self.folders[path.parent] = relative_path(path.parent, self.root)
        return path.name if folder == "." else f"{folder}/{path.name}"

    def folder(self, folder: Path) -> tuple[RawFile, ...]:
        files = _content_files(folder, (".md",), (".md", ".markdown", ".mdown", ".mkd", ".txt"),
                               self.root, self.diagnostics)
        loaded = (self.markdown(p) for p in files)
        return tuple(f for f in loaded if f is not None)

    def yaml_folder(self, folder: Path) -> tuple[RawFile, ...]:
        files = _content_files(folder, (".yaml", ".yml"), (".yaml", ".yml", ".json"), self.root, self.diagnostics)
        first: dict[str, Path] = {}
        for path in files:
            other = first.setdefault(path.stem, path)
            if other is not path:
                self.diagnostics.error(Source(self.shown(path)),
                                       f"two files for '{path.stem}': {other.name} and {path.name}",
                                       "merge them into one")
        loaded = (self.yaml(p, expect=list) for p in files if first[p.stem] is p)
        return tuple(f for f in loaded if f is not None)

    def optional(self, path: Path) -> RawFile | None:
        return self.markdown(path) if path.is_file() else None

    def markdown(self, path: Path) -> RawFile | None:
        source = Source(self.shown(path))
        text = read_text(path, source, self.diagnostics)
        if text is None:
            return None
        return self.cache.parse("markdown", source, text, self.diagnostics,
                                lambda found: _parse_markdown(path, text, source, found))

    def yaml(self, path: Path, expect: type = dict) -> RawFile | None:
        source = Source(self.shown(path))
        text = read_text(path, source, self.diagnostics)
        if text is None:
            return None
        return self.cache.parse(expect.__name__, source, text, self.diagnostics,
                                lambda found: _parse_yaml(path, text, source, found, expect))


def _content_files(folder: Path, suffixes: tuple[str, ...], lookalikes: tuple[str, ...], root: Path,
                   diagnostics: Diagnostics) -> list[Path]:
    """The regular files of `folder` ending in `suffixes`; near misses are warnings (an editor's file would vanish)."""
    if not folder.is_dir():
        return []
    files = []
    with os.scandir(folder) as listing:  # DirEntry.is_file() needs no stat for a plain file
        entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    for entry in entries:
        path = Path(entry.path)
        matches = path.suffix in suffixes
        if matches and entry.is_file():
            files.append(path)
        elif path.suffix.lower() in lookalikes:
            expected = " or ".join(suffixes)
            diagnostics.warning(Source(relative_path(path, root)),
                                f"ignored: not a {expected} file" if not matches else "ignored: not a regular file",
                                f"rename it to {path.stem}{suffixes[0]}" if not matches else "content files are plain files")
    return files


def _parse_markdown(path: Path, text: str, source: Source, diagnostics: Diagnostics) -> RawFile | None:
    parts = split_front_matter(text, source, diagnostics)
    if parts is None:
        return None
    yaml_text, body, body_line = parts
    document = read_yaml(yaml_text, source.at(2), diagnostics)
    return _as_raw_file(path, document, body, body_line, source, diagnostics)


def _parse_yaml(path: Path, text: str, source: Source, diagnostics: Diagnostics, expect: type) -> RawFile | None:
    document = read_yaml(text, source, diagnostics)
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
