"""Which files and folders a load must read or list again (stat changed, or racily new); a `ParseCache` keeps the rest.

`serve` passes a `ParseCache` to `load_site`, so that a rebuild costs in
proportion to what changed: a file whose `lstat` (mtime, size, inode, ctime,
device) is the one it had when it was last read is not read again, as git
trusts its index, unless it was changed within RACY_NS of that read; a file
read again whose text is unchanged is not parsed again; a folder whose `stat`
is the same is not listed again (any entry created, removed or renamed in it
changes its mtime and ctime). A symbolic link is never trusted by its stat:
what it leads to is read every time. This module only decides when: reading
and parsing are the load stage's own steps (`FileReader`), and a record taken
from the cache comes with the diagnostics its reading gave.
"""
from __future__ import annotations

import contextlib
import os
import stat as stat_mode
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Diagnostics, Source

if TYPE_CHECKING:  # for annotations only: load.py imports this module
    from .load import RawFile

RACY_NS = 2_000_000_000
"""A file modified (or its inode changed) less than this before a load began may be written again
with the same timestamp (one clock tick; 2 s on FAT) and size: it is read again at every load until it
is older. The same rule as git's "racily clean" index entries."""
_STAT_IN_FOLDER = os.stat in os.supports_dir_fd and os.stat in os.supports_follow_symlinks


def stat_signature(status: os.stat_result, checked_ns: int,
                   is_kind: Callable[[int], bool] = stat_mode.S_ISREG) -> tuple | None:
    """What tells a file's (or a folder's) versions apart without reading it; None for one that must be
    read (not of the kind expected, or changed too recently to be trusted: RACY_NS)."""
    limit = checked_ns - RACY_NS
    if not is_kind(status.st_mode) or status.st_mtime_ns > limit or status.st_ctime_ns > limit:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino, status.st_ctime_ns, status.st_dev


@dataclass(frozen=True, slots=True)
class FileReader:
    """The load stage's own steps, which the cache runs on a file it has to read again."""

    read_text: Callable[[str, Source, Diagnostics], tuple[str | None, bool]]
    """(path, source, diagnostics) -> the file's text, or None with an error saying why it is refused;
    and False if it could not be read at all (then it is not trusted by its stat next time)."""
    parse: Callable[[str, str, str, Source, Diagnostics], RawFile | None]
    """(kind, path, text, source, diagnostics) -> the file's record, or None with errors saying why."""


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """What loading one file gave: its record and problems, from `text`, read when it had `signature`."""

    signature: tuple | None
    """The file's `stat_signature` just before it was read; None: read it again next time (see RACY_NS)."""
    shown: str
    """Its path as reported (a link's is its target's)."""
    text: str | None
    raw: RawFile | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True, slots=True)
class Listing:
    """A folder's entries by name, as `os.scandir` gave them (its `DirEntry` knows, without a stat, which
    are links, folders or regular files)."""

    signature: tuple | None
    """The folder's `stat_signature` just before it was listed (None: list it again next time)."""
    names: tuple[str, ...]
    """Every entry but hidden ones, sorted."""
    links: frozenset[str]
    folders: tuple[str, ...]
    regular: frozenset[str]
    """Regular files (not links)."""
    plans: dict = field(default_factory=dict)
    """For the load stage: (suffixes, lookalikes) -> what to do with each entry, made once per listing."""

    @staticmethod
    def of(signature: tuple | None, entries: list[os.DirEntry]) -> Listing:
        links = frozenset(e.name for e in entries if e.is_symlink())
        return Listing(signature, tuple(sorted(e.name for e in entries if not e.name.startswith("."))), links,
                       tuple(e.name for e in entries if e.name not in links and e.is_dir(follow_symlinks=False)),
                       frozenset(e.name for e in entries if e.name not in links and e.is_file(follow_symlinks=False)))


EMPTY_LISTING = Listing(None, (), frozenset(), (), frozenset())


class ParseCache:
    """Loaded files by kind and path (only the latest version of each), and folders as last listed: see
    the module docstring. `serve` keeps one across builds; `CachedLoad` uses it for one load.

    Each file's record is its own, even when two files are one (a link to another content file): the
    record of a file, whether loaded afresh or not, has that file's name as its stem.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], dict[str, LoadedFile]] = {}
        self.parsed = 0
        """How many files the loads so far had to parse (the others were reused)."""
        self.read = 0
        """How many files the loads so far had to read (the others were known by their lstat)."""
        self.listings: dict[str, Listing] = {}
        """Folders by path, as last listed."""
        self.listed = 0
        """How many folders the loads so far had to list."""

    def in_folder(self, kind: str, folder: str) -> dict[str, LoadedFile]:
        """The files of `folder` loaded as `kind` ("markdown", "dict" or "list"), by name."""
        return self._entries.setdefault((kind, folder), {})


@dataclass
class CachedLoad:
    """One load through a `ParseCache`: lists a folder, or reads a file, only if its stat (taken after
    `checked_ns`) is not the one it had when the cache last did, or is racily new (RACY_NS)."""

    cache: ParseCache
    checked_ns: int
    """When the load began (`time.time_ns()`), for `stat_signature`."""
    reader: FileReader
    seen: dict[str, Listing] = field(default_factory=dict)
    """The folders listed in this load."""

    def listing(self, folder: str) -> Listing | None:
        """`folder`'s entries, or None if it cannot be listed (not a folder, gone, not readable)."""
        try:
            signature = stat_signature(os.stat(folder), self.checked_ns, stat_mode.S_ISDIR)
        except OSError:
            return None
        listing = self.cache.listings.get(folder)
        if listing is None or signature is None or listing.signature != signature:
            try:
                with os.scandir(folder) as entries:
                    listing = Listing.of(signature, list(entries))
            except OSError:
                return None
            self.cache.listings[folder] = listing
            self.cache.listed += 1
        self.seen[folder] = listing
        return listing

    def seen_or_listed(self, folder: str) -> Listing | None:
        """`folder`'s listing in this load, or, for one not listed in it (a link itself), a listing made
        now and not kept; None if it is not a folder."""
        listing = self.seen.get(folder)
        if listing is None:
            if not os.path.isdir(folder):
                return None
            with os.scandir(folder) as entries:
                listing = Listing.of(None, list(entries))
        return listing

    def load_file(self, kind: str, path: str, shown: Callable[[str, bool], str],
                  diagnostics: Diagnostics) -> RawFile | None:
        """The file at `path` read and parsed as `kind`, or as it was when last read if its lstat is the
        same; reported as `shown(path, is_link)`; its problems go to `diagnostics` either way."""
        try:
            status = os.lstat(path)
        except OSError:  # gone since it was seen: reading it reports why
            status = None
        link = status is None or stat_mode.S_ISLNK(status.st_mode)
        signature = None if link else stat_signature(status, self.checked_ns)
        shown_as = shown(path, link)
        folder, name = os.path.split(path)
        known = self.cache.in_folder(kind, folder)
        entry = known.get(name)
        if entry is None or signature is None or entry.signature != signature or entry.shown != shown_as:
            entry = known[name] = self._fresh(kind, path, shown_as, signature, entry)
        diagnostics.items.extend(entry.diagnostics)
        return entry.raw

    def load_files(self, kind: str, folder: str, names: Sequence[str], diagnostics: Diagnostics, *,
                   links: frozenset[str], shown_prefix: str, shown: Callable[[str, bool], str]) -> tuple[RawFile, ...]:
        """The records of `folder`'s files `names`, each as `load_file` gives it (written out, for this loop
        runs once per content file): reported as `shown_prefix` + its name, or, one of `links`, as `shown`."""
        known, fresh = self.cache.in_folder(kind, folder), self._fresh
        limit, problems, found = self.checked_ns - RACY_NS, diagnostics.items, []
        with _opened(folder) as handle:  # lstat by name in the folder: the kernel walks one name, not the path
            for name in names:
                if name in links:
                    shown_as, signature = shown(f"{folder}/{name}", True), None
                else:
                    shown_as, signature = shown_prefix + name, None
                    try:
                        status = (os.stat(name, dir_fd=handle, follow_symlinks=False) if handle is not None
                                  else os.lstat(f"{folder}/{name}"))
                        if status.st_mtime_ns <= limit and status.st_ctime_ns <= limit:  # else racy: see RACY_NS
                            signature = (status.st_mtime_ns, status.st_size, status.st_ino, status.st_ctime_ns, status.st_dev)
                    except OSError:  # gone since the listing: reading it reports why
                        pass
                loaded = known.get(name)
                if loaded is None or signature is None or loaded.signature != signature or loaded.shown != shown_as:
                    loaded = known[name] = fresh(kind, f"{folder}/{name}", shown_as, signature, loaded)
                if loaded.diagnostics:
                    problems.extend(loaded.diagnostics)
                if loaded.raw is not None:
                    found.append(loaded.raw)
        return tuple(found)

    def _fresh(self, kind: str, path: str, shown: str, signature: tuple | None,
               previous: LoadedFile | None) -> LoadedFile:
        """The file read now (and parsed, unless its text is `previous`'s)."""
        self.cache.read += 1
        source, found = Source(shown), Diagnostics()
        text, readable = self.reader.read_text(path, source, found)
        if text is None:  # one that could not be read is perhaps passing (being replaced): never trusted
            return LoadedFile(signature if readable else None, shown, None, None, tuple(found.items))
        if previous is not None and previous.text == text and previous.shown == shown:
            return LoadedFile(signature, shown, previous.text, previous.raw, previous.diagnostics)
        self.cache.parsed += 1
        raw = self.reader.parse(kind, path, text, source, found)
        return LoadedFile(signature, shown, text, raw, tuple(found.items))


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
