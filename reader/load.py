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

`serve` passes a `ParseCache` (filecache.py), so that a rebuild reads, parses
and lists only what changed. Either way the records and the diagnostics are the
ones a fresh load gives: every check above runs on every load, and what a
symbolic link leads to is looked at every time.
"""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostics, Source, relative_path
from .filecache import EMPTY_LISTING, CachedLoad, FileReader, Listing, ParseCache  # ParseCache: imported from here too
from .yamlsource import Positions, YamlDocument, read_yaml

MAX_FILE_BYTES = 10 * 1024 * 1024
FRONT_MATTER_FENCE = "---"
MARKDOWN_LOOKALIKES = (".md", ".markdown", ".mdown", ".mkd", ".txt")
YAML_LOOKALIKES = (".yaml", ".yml", ".json")


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


def load_site(root: Path, diagnostics: Diagnostics, cache: ParseCache | None = None) -> RawSite:
    """Read site.yaml and every content file under `root`; problems go to `diagnostics`."""
    content = root / "content"
    site_file = root / "site.yaml"
    cached = CachedLoad(cache or ParseCache(), time.time_ns(), _READER)  # the time before the first stat: see RACY_NS
    if refuse_outside_links(root, diagnostics, cached):
        return RawSite(site=None, articles=(), actors=(), pages=())
    files = _Files(root, diagnostics, cached)
    if not site_file.is_file():
        diagnostics.error(Source(relative_path(site_file, root)), "site.yaml not found",
                          f"is {root} a site folder? pass --root DIR to build another one")
        site = None
    else:
        site = files.single("dict", site_file)
    return RawSite(
        site=site,
        articles=files.folder(content / "articles"),
        actors=files.folder(content / "actors"),
        pages=tuple(f for f in [files.optional(content / "about.md")] if f),
        annotations=files.yaml_folder(content / "annotations"),
        claims=files.single("dict", content / "claims.yaml") if (content / "claims.yaml").is_file() else None,
    )


def refuse_outside_links(root: Path, diagnostics: Diagnostics, cached: CachedLoad | None = None) -> bool:
    """Report every symbolic link under content/ or the static folder that leads out of it; True if any.

    The folders themselves may be links (a checkout assembled from links builds). `cached` lists
    them (the load passes its own, which keeps the listings for the rest of the load).
    """
    from .render import template_folder  # the folder the build will read its static files from

    cached = cached or CachedLoad(ParseCache(), time.time_ns(), _READER)
    before = len(diagnostics.errors)
    for top in (root / "content", template_folder(root) / "static"):
        for path in _links_under(str(top), cached):
            _check_link(path, top, root, diagnostics)
    return len(diagnostics.errors) > before


def _links_under(top: str, cached: CachedLoad) -> list[Path]:
    """Every symbolic link below `top` (links below are reported, not followed)."""
    found, below = [], [top]
    while below:
        folder = below.pop()
        listing = cached.listing(folder)
        if listing is None:  # as os.walk: a folder that cannot be listed has nothing to report
            continue
        found += [Path(f"{folder}/{name}") for name in listing.links]
        below += [f"{folder}/{name}" for name in listing.folders]
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


def _read_bytes(path: str) -> bytes:
    """The file's bytes, or its first MAX_FILE_BYTES + 1 (`decode_text` refuses it then)."""
    with open(path, "rb") as file:
        return file.read(MAX_FILE_BYTES + 1)


def _read_text(path: str, source: Source, diagnostics: Diagnostics) -> tuple[str | None, bool]:
    """The file's text as `decode_text` gives it, and False if it could not be read at all."""
    try:
        data = _read_bytes(path)
    except OSError as exc:
        diagnostics.error(source, f"cannot read the file: {exc.strerror or exc}")
        return None, False
    return decode_text(data, source, diagnostics), True


def decode_text(data: bytes, source: Source, diagnostics: Diagnostics) -> str | None:
    """UTF-8 (BOM allowed), any line ending, at most MAX_FILE_BYTES; None with an error otherwise."""
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


def _suffix(name: str) -> str:
    """`PurePath(name).suffix`, without making a path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _stem(name: str) -> str:
    """`PurePath(name).stem`, without making a path."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


@dataclass(frozen=True)
class _Files:
    """Loads the files of one site, reporting into one `Diagnostics`, through `cached`."""

    root: Path
    diagnostics: Diagnostics
    cached: CachedLoad
    shown_folders: dict[str, str] = field(default_factory=dict)
    """Folder -> its `relative_path` and '/', resolved once per load rather than once per file."""

    def shown_folder(self, folder: str) -> str:
        """`relative_path(folder, root)` followed by '/' (nothing for the root itself)."""
        shown = self.shown_folders.get(folder)
        if shown is None:
            relative = relative_path(Path(folder), self.root)
            shown = self.shown_folders[folder] = "" if relative == "." else relative + "/"
        return shown

    def shown(self, path: str, link: bool) -> str:
        """`relative_path(path, root)`: a plain file's name needs no resolving, only its folder does."""
        folder, name = os.path.split(path)
        if link or name in ("", ".", ".."):
            return relative_path(Path(path), self.root)
        return self.shown_folder(folder) + name

    def folder(self, folder: Path) -> tuple[RawFile, ...]:
        listing, names = self._content_files(str(folder), (".md",), MARKDOWN_LOOKALIKES)
        return self._load_all("markdown", str(folder), listing, names)

    def yaml_folder(self, folder: Path) -> tuple[RawFile, ...]:
        listing, names = self._content_files(str(folder), (".yaml", ".yml"), YAML_LOOKALIKES)
        stems = [_stem(name) for name in names]
        if len(set(stems)) < len(stems):  # two files for one article: the first by name is loaded
            first: dict[str, str] = {}
            for stem, name in zip(stems, names):
                other = first.setdefault(stem, name)
                if other != name:
                    self.diagnostics.error(Source(self.shown(f"{folder}/{name}", name in listing.links)),
                                           f"two files for '{stem}': {other} and {name}", "merge them into one")
            names = [name for stem, name in zip(stems, names) if first[stem] == name]
        return self._load_all("list", str(folder), listing, names)

    def _load_all(self, kind: str, folder: str, listing: Listing, names: Sequence[str]) -> tuple[RawFile, ...]:
        """Each named file's record, read again only if the cache has to (a link is shown as what it leads to)."""
        return self.cached.load_files(kind, folder, names, self.diagnostics, links=listing.links,
                                      shown_prefix=self.shown_folder(folder), shown=self.shown)

    def optional(self, path: Path) -> RawFile | None:
        return self.single("markdown", path) if path.is_file() else None

    def single(self, kind: str, path: Path) -> RawFile | None:
        """One named file (site.yaml, claims.yaml, about.md), known to be a file or a link to one."""
        return self.cached.load_file(kind, str(path), self.shown, self.diagnostics)

    def _content_files(self, folder: str, suffixes: tuple[str, ...],
                       lookalikes: tuple[str, ...]) -> tuple[Listing, Sequence[str]]:
        """The files of `folder` ending in `suffixes` (regular files, or links to one), by name; near misses
        are warnings (an editor's file would vanish)."""
        listing = self.cached.seen_or_listed(folder)
        if listing is None:
            return EMPTY_LISTING, ()
        plan = listing.plans.get((suffixes, lookalikes))
        if plan is None:
            plan = listing.plans[(suffixes, lookalikes)] = _plan(listing, suffixes, lookalikes)
        if isinstance(plan, tuple):  # only regular files: nothing to look at again
            return listing, plan
        files = []
        for name, what in plan:
            if what == "file" or (what == "link" and os.path.isfile(f"{folder}/{name}")):
                files.append(name)
            elif _suffix(name).lower() in lookalikes:
                matches = _suffix(name) in suffixes
                self.diagnostics.warning(
                    Source(relative_path(Path(f"{folder}/{name}"), self.root)),
                    f"ignored: not a {' or '.join(suffixes)} file" if not matches else "ignored: not a regular file",
                    f"rename it to {_stem(name)}{suffixes[0]}" if not matches else "content files are plain files")
        return listing, files


def _plan(listing: Listing, suffixes: tuple[str, ...], lookalikes: tuple[str, ...]) -> tuple[str, ...] | list[tuple[str, str]]:
    """What `_Files._content_files` has to do with each entry of `listing`, by name: the names alone if
    every one is a regular content file, else (name, 'file', 'link' or 'other') for each that is a content
    file, a link (a content file if what it leads to is a file) or perhaps a near miss."""
    plan = []
    for name in listing.names:
        # (a name that does not start with "." ends with ".md" exactly when its suffix is ".md")
        if not name.endswith(suffixes):
            if _suffix(name).lower() in lookalikes:
                plan.append((name, "other"))
        elif name in listing.links:
            plan.append((name, "link"))
        else:
            plan.append((name, "file" if name in listing.regular else "other"))
    if all(what == "file" for _, what in plan):
        return tuple(name for name, _ in plan)
    return plan


def _parse_markdown(stem: str, text: str, source: Source, diagnostics: Diagnostics) -> RawFile | None:
    parts = split_front_matter(text, source, diagnostics)
    if parts is None:
        return None
    yaml_text, body, body_line = parts
    document = read_yaml(yaml_text, source.at(2), diagnostics)
    return _as_raw_file(stem, document, body, body_line, source, diagnostics)


def _parse_mapping(stem: str, text: str, source: Source, diagnostics: Diagnostics) -> RawFile | None:
    return _as_raw_file(stem, read_yaml(text, source, diagnostics), "", 0, source, diagnostics)


def _parse_list(stem: str, text: str, source: Source, diagnostics: Diagnostics) -> RawFile | None:
    document = read_yaml(text, source, diagnostics)
    if document is None:
        return None
    if document.value is None:  # an empty file: no annotations yet
        return RawFile(stem, [], document.positions, "", 0, source)
    if not isinstance(document.value, list):
        diagnostics.error(source, "expected a list of annotations ('- id: ...'), "
                          f"found {type(document.value).__name__}", "start each annotation with '- id: '")
        return None
    return RawFile(stem, document.value, document.positions, "", 0, source)


_PARSERS = {"markdown": _parse_markdown, "dict": _parse_mapping, "list": _parse_list}
"""How each kind of file is parsed once read."""


def _as_raw_file(stem: str, document: YamlDocument | None, body: str, body_line: int,
                 source: Source, diagnostics: Diagnostics) -> RawFile | None:
    if document is None:
        return None
    if not isinstance(document.value, dict):
        diagnostics.error(source, "expected YAML fields (key: value), found "
                          f"{type(document.value).__name__ if document.value is not None else 'nothing'}")
        return None
    return RawFile(stem, document.value, document.positions, body, body_line, source)


def _parse(kind: str, path: str, text: str, source: Source, diagnostics: Diagnostics) -> RawFile | None:
    """The record of the file at `path` parsed as `kind`, named by that file's own stem (a link's too)."""
    return _PARSERS[kind](_stem(os.path.basename(path)), text, source, diagnostics)


_READER = FileReader(_read_text, _parse)
"""The load stage's steps that the cache runs on a file it has to read again."""
