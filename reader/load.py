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

`serve` passes a `ParseCache`, so that a rebuild costs in proportion to what
changed: a file whose `lstat` (mtime, size, inode, ctime, device) is the one it
had when it was last read is not read again, as git trusts its index, unless it
was changed within RACY_NS of that read; a file read again whose text is
unchanged is not parsed again; a folder whose `stat` is the same is not listed
again (any entry created, removed or renamed in it changes its mtime and
ctime). Either way the records and the diagnostics are the ones a fresh load
gives: every check above runs on every load, and what a symbolic link leads to
is looked at every time.
"""
from __future__ import annotations

import contextlib
import os
import stat as stat_mode
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, Diagnostics, Source, relative_path
from .yamlsource import Positions, YamlDocument, read_yaml

MAX_FILE_BYTES = 10 * 1024 * 1024
FRONT_MATTER_FENCE = "---"
RACY_NS = 2_000_000_000
"""A file modified (or its inode changed) less than this before a load began may be written again
with the same timestamp (one clock tick; 2 s on FAT) and size: it is read again at every load until it
is older. The same rule as git's "racily clean" index entries."""
_STAT_IN_FOLDER = os.stat in os.supports_dir_fd and os.stat in os.supports_follow_symlinks
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


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What loading one file gave: its record and problems, from `text`, read when it had `signature`."""

    signature: tuple | None
    """The file's `_signature` just before it was read; None: read it again next time (see RACY_NS)."""
    shown: str
    """Its path as reported (a link's is its target's)."""
    text: str | None
    raw: RawFile | None
    diagnostics: tuple[Diagnostic, ...]


class ParseCache:
    """Loaded files by kind and path (only the latest version of each): see the module docstring.

    Each file's record is its own, even when two files are one (a link to another content file): the
    record of a file, whether loaded afresh or not, has that file's name as its stem.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], dict[str, _Loaded]] = {}
        self.parsed = 0
        """How many files the loads so far had to parse (the others were reused)."""
        self.read = 0
        """How many files the loads so far had to read (the others were known by their lstat)."""
        self.listings: dict[str, _Listing] = {}
        """Folders by path, as last listed."""
        self.listed = 0
        """How many folders the loads so far had to list."""

    def in_folder(self, kind: str, folder: str) -> dict[str, _Loaded]:
        """The files of `folder` loaded as `kind` ("markdown", "dict" or "list"), by name."""
        return self._entries.setdefault((kind, folder), {})

    def load(self, kind: str, path: str, shown: str, signature: tuple | None, diagnostics: Diagnostics) -> RawFile | None:
        """The file at `path` (reported as `shown`) read and parsed as `kind`, or as it was when last read
        if its `signature` is the same; its problems go to `diagnostics` either way."""
        folder, name = os.path.split(path)
        known = self.in_folder(kind, folder)
        entry = known.get(name)
        if entry is None or signature is None or entry.signature != signature or entry.shown != shown:
            entry = known[name] = self.fresh(kind, path, shown, signature, entry)
        diagnostics.items.extend(entry.diagnostics)
        return entry.raw

    def fresh(self, kind: str, path: str, shown: str, signature: tuple | None, previous: _Loaded | None) -> _Loaded:
        """The file read now (and parsed, unless its text is `previous`'s)."""
        self.read += 1
        source, found = Source(shown), Diagnostics()
        try:
            data = _read_bytes(path)
        except OSError as exc:  # perhaps passing (a file being replaced): never trusted by its signature
            found.error(source, f"cannot read the file: {exc.strerror or exc}")
            return _Loaded(None, shown, None, None, tuple(found.items))
        text = decode_text(data, source, found)
        if text is None:
            return _Loaded(signature, shown, None, None, tuple(found.items))
        if previous is not None and previous.text == text and previous.shown == shown:
            return _Loaded(signature, shown, previous.text, previous.raw, previous.diagnostics)
        self.parsed += 1
        raw = _PARSERS[kind](_stem(os.path.basename(path)), text, source, found)
        return _Loaded(signature, shown, text, raw, tuple(found.items))


def _signature(status: os.stat_result, checked_ns: int, is_kind: Callable[[int], bool] = stat_mode.S_ISREG) -> tuple | None:
    """What tells a file's (or a folder's) versions apart without reading it; None for one that must be
    read (not of the kind expected, or changed too recently to be trusted: RACY_NS)."""
    limit = checked_ns - RACY_NS
    if not is_kind(status.st_mode) or status.st_mtime_ns > limit or status.st_ctime_ns > limit:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino, status.st_ctime_ns, status.st_dev


def load_site(root: Path, diagnostics: Diagnostics, cache: ParseCache | None = None) -> RawSite:
    """Read site.yaml and every content file under `root`; problems go to `diagnostics`."""
    content = root / "content"
    site_file = root / "site.yaml"
    cache = cache or ParseCache()
    folders = _Folders(cache, time.time_ns())  # the time before the first stat: see RACY_NS
    if refuse_outside_links(root, diagnostics, folders):
        return RawSite(site=None, articles=(), actors=(), pages=())
    files = _Files(root, diagnostics, cache, folders)
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


def refuse_outside_links(root: Path, diagnostics: Diagnostics, folders: _Folders | None = None) -> bool:
    """Report every symbolic link under content/ or the static folder that leads out of it; True if any.

    The folders themselves may be links (a checkout assembled from links builds). `folders` lists
    them (the load passes its own, which keeps the listings for the rest of the load).
    """
    from .render import template_folder  # the folder the build will read its static files from

    folders = folders or _Folders(ParseCache(), time.time_ns())
    before = len(diagnostics.errors)
    for top in (root / "content", template_folder(root) / "static"):
        for path in _links_under(str(top), folders):
            _check_link(path, top, root, diagnostics)
    return len(diagnostics.errors) > before


def _links_under(top: str, folders: _Folders) -> list[Path]:
    """Every symbolic link below `top` (links below are reported, not followed)."""
    found, below = [], [top]
    while below:
        folder = below.pop()
        listing = folders.listing(folder)
        if listing is None:  # as os.walk: a folder that cannot be listed has nothing to report
            continue
        found += [Path(f"{folder}/{name}") for name in listing.links]
        below += [f"{folder}/{name}" for name in listing.folders]
    return sorted(found)


@dataclass(frozen=True, slots=True)
class _Listing:
    """A folder's entries by name, as `os.scandir` gave them (its `DirEntry` knows, without a stat, which
    are links, folders or regular files)."""

    signature: tuple | None
    """The folder's `_signature` just before it was listed (None: list it again next time)."""
    names: tuple[str, ...]
    """Every entry but hidden ones, sorted."""
    links: frozenset[str]
    folders: tuple[str, ...]
    regular: frozenset[str]
    """Regular files (not links)."""
    plans: dict = field(default_factory=dict)
    """(suffixes, lookalikes) -> `_plan`, made once per listing."""

    @staticmethod
    def of(signature: tuple | None, entries: list[os.DirEntry]) -> _Listing:
        links = frozenset(e.name for e in entries if e.is_symlink())
        return _Listing(signature, tuple(sorted(e.name for e in entries if not e.name.startswith("."))), links,
                        tuple(e.name for e in entries if e.name not in links and e.is_dir(follow_symlinks=False)),
                        frozenset(e.name for e in entries if e.name not in links and e.is_file(follow_symlinks=False)))


@dataclass
class _Folders:
    """Lists folders for one load, reusing the cache's listing of a folder whose stat is unchanged."""

    cache: ParseCache
    checked_ns: int
    """When the load began (`time.time_ns()`), for `_signature`."""
    seen: dict[str, _Listing] = field(default_factory=dict)
    """The folders listed in this load."""

    def listing(self, folder: str) -> _Listing | None:
        """`folder`'s entries, or None if it cannot be listed (not a folder, gone, not readable)."""
        try:
            signature = _signature(os.stat(folder), self.checked_ns, stat_mode.S_ISDIR)
        except OSError:
            return None
        listing = self.cache.listings.get(folder)
        if listing is None or signature is None or listing.signature != signature:
            try:
                with os.scandir(folder) as entries:
                    listing = _Listing.of(signature, list(entries))
            except OSError:
                return None
            self.cache.listings[folder] = listing
            self.cache.listed += 1
        self.seen[folder] = listing
        return listing


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
    """Loads the files of one site, reporting into one `Diagnostics`, through `cache`."""

    root: Path
    diagnostics: Diagnostics
    cache: ParseCache
    folders: _Folders
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

    def _load_all(self, kind: str, folder: str, listing: _Listing, names: Sequence[str]) -> tuple[RawFile, ...]:
        """Each named file's record: `ParseCache.load` written out, for this loop runs once per content file."""
        known, fresh, links = self.cache.in_folder(kind, folder), self.cache.fresh, listing.links
        prefix, limit = self.shown_folder(folder), self.folders.checked_ns - RACY_NS
        problems, found = self.diagnostics.items, []
        with _opened(folder) as handle:  # lstat by name in the folder: the kernel walks one name, not the path
            for name in names:
                if name in links:
                    shown, signature = self.shown(f"{folder}/{name}", True), None
                else:
                    shown, signature = prefix + name, None
                    try:
                        status = (os.stat(name, dir_fd=handle, follow_symlinks=False) if handle is not None
                                  else os.lstat(f"{folder}/{name}"))
                        if status.st_mtime_ns <= limit and status.st_ctime_ns <= limit:  # else racy: see RACY_NS
                            signature = (status.st_mtime_ns, status.st_size, status.st_ino, status.st_ctime_ns, status.st_dev)
                    except OSError:  # gone since the listing: reading it reports why
                        pass
                loaded = known.get(name)
                if loaded is None or signature is None or loaded.signature != signature or loaded.shown != shown:
                    loaded = known[name] = fresh(kind, f"{folder}/{name}", shown, signature, loaded)
                if loaded.diagnostics:
                    problems.extend(loaded.diagnostics)
                if loaded.raw is not None:
                    found.append(loaded.raw)
        return tuple(found)

    def optional(self, path: Path) -> RawFile | None:
        return self.single("markdown", path) if path.is_file() else None

    def single(self, kind: str, path: Path) -> RawFile | None:
        """One named file (site.yaml, claims.yaml, about.md), known to be a file or a link to one."""
        name = str(path)
        try:
            status = os.lstat(name)
        except OSError:  # gone since it was seen: reading it reports why
            status = None
        link = status is None or stat_mode.S_ISLNK(status.st_mode)
        signature = None if link else _signature(status, self.folders.checked_ns)
        return self.cache.load(kind, name, self.shown(name, link), signature, self.diagnostics)

    def _content_files(self, folder: str, suffixes: tuple[str, ...],
                       lookalikes: tuple[str, ...]) -> tuple[_Listing, Sequence[str]]:
        """The files of `folder` ending in `suffixes` (regular files, or links to one), by name; near misses
        are warnings (an editor's file would vanish)."""
        listing = self.folders.seen.get(folder)
        if listing is None:  # not listed while looking for links: a link itself, or not there
            if not os.path.isdir(folder):
                return _NO_LISTING, ()
            with os.scandir(folder) as entries:
                listing = _Listing.of(None, list(entries))
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


_NO_LISTING = _Listing(None, (), frozenset(), (), frozenset())


@contextlib.contextmanager
def _opened(folder: str) -> Iterator[int | None]:
    """A descriptor of `folder` for `os.stat(name, dir_fd=..., follow_symlinks=False)`; None where that cannot
    be (then paths are used)."""
    try:
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if _STAT_IN_FOLDER else None
    except OSError:
        handle = None
    try:
        yield handle
    finally:
        if handle is not None:
            os.close(handle)


def _plan(listing: _Listing, suffixes: tuple[str, ...], lookalikes: tuple[str, ...]) -> tuple[str, ...] | list[tuple[str, str]]:
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
