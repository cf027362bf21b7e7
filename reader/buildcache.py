"""Build cache: OUT/.reader-build.json names the inputs that built its folder; same inputs, untouched folder: reuse it.

Contract:
- `input_key(root, base_url)` is a sha256 of everything a build's output depends
  on: this cache's format, Python, SOURCE_DATE_EPOCH, the libraries that shape
  output (their installed versions), every file of the `reader` package,
  `--base-url`, the site folder's path, the template folder in use and every file in
  it, `site.yaml` and every file under `content/` (symbolic links by target and bytes).
- `write_manifest(staging, key, diagnostics, summary)` records the key, every
  file and folder of `staging` (size, mtime, ctime, inode; the bytes' hash of
  the files written in the last clock tick) and the build's diagnostics and
  summary. `write_site` calls it last, before the swap: the manifest moves with
  the folder it describes, and a failed build writes neither.
- `reusable(out, key)` returns the stored `Reused` build when the key matches
  and `out` holds exactly the recorded files, unchanged; None otherwise,
  including for a missing, unreadable, corrupt or older-format manifest.
Only the standard library is imported, so a build that can be skipped costs a
few hashes and a folder walk, not the import of the whole pipeline.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, Diagnostics, Severity, Source

FORMAT = 1
"""Raise when the key's inputs or the manifest's layout change: older manifests then mean 'no cache'."""
MANIFEST = ".reader-build.json"
"""A dotfile: upload-pages-artifact leaves hidden files out, so it is never deployed."""
PACKAGE = Path(__file__).resolve().parent
PROJECT_TEMPLATES = PACKAGE.parent / "templates"
LIBRARIES = ("jinja2", "markdown_it_py", "mdurl", "mdit_py_plugins", "pyyaml", "markupsafe", "rapidfuzz",
             "pagefind", "pagefind_bin", "pagefind_bin_extended", "tornado")
"""pyproject.toml's dependencies and what they bring that shapes output (mdurl normalises
Markdown links, MarkupSafe escapes, the pagefind_bin packages are the indexer itself)."""


@dataclass(frozen=True)
class Reused:
    """What the build that wrote the folder reported: its diagnostics and its summary numbers."""

    diagnostics: Diagnostics
    summary: dict[str, int]


# --- the key: every input of a build ---------------------------------------------------------


def input_key(root: Path, base_url: str | None) -> str:
    digest = hashlib.sha256()

    def add(*parts: object) -> None:  # length-prefixed, so no two sequences of parts hash alike
        for part in parts:
            data = part if isinstance(part, bytes) else repr(part).encode()
            digest.update(len(data).to_bytes(8, "big") + data)

    add("format", FORMAT, "python", sys.version, sys.implementation.cache_tag)
    add("SOURCE_DATE_EPOCH", os.environ.get("SOURCE_DATE_EPOCH"))  # the one clock a build may read
    add("libraries", *library_versions())
    add("code", *tree_records(code_folder()))
    add("base_url", base_url, "root", str(root.resolve()))
    templates = template_folder(root)
    add("templates", str(templates.resolve()), *tree_records(templates))
    add("site.yaml", *tree_records(root / "site.yaml"))
    add("content", *tree_records(root / "content"))
    return digest.hexdigest()


def code_folder() -> Path:
    """The package's own source: a change to the code may change every page (tests point it elsewhere)."""
    return PACKAGE


def template_folder(root: Path) -> Path:
    """render.template_folder's choice, without importing Jinja (tests check they agree)."""
    own = root / "templates"
    return own if own.is_dir() else PROJECT_TEMPLATES


def library_versions() -> list[str]:
    """The *.dist-info folders on sys.path of the LIBRARIES, whose names carry their versions
    (importlib.metadata would cost more to import than the rest of the check takes)."""
    found = []
    for folder in sys.path:
        try:
            entries = os.scandir(folder or ".")
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = entry.name.partition("-")[0]
                if entry.name.endswith((".dist-info", ".egg-info")) and _normalised(name) in LIBRARIES:
                    found.append(entry.name)
    return sorted(set(found))


def _normalised(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def tree_records(top: Path) -> list[tuple]:
    """(relative path, what it is) for `top` and everything under it, in a fixed order: a file's
    bytes' hash, a link's target (and, followed, what it leads to), 'unreadable' (or missing) or
    'special' (a pipe is not read: it could block). A folder reached twice through links is
    described once, so a loop of links ends; the walk keeps its own stack, so no depth overflows."""
    records: list[tuple] = []
    seen: set[tuple[int, int]] = set()
    pending = [(os.fspath(top), "")]
    while pending:  # plain strings and one stat per file: this runs on every build
        path, name = pending.pop()
        children = _describe(path, name, records, seen)
        pending += [(os.path.join(path, child), f"{name}/{child}" if name else child) for child in reversed(children)]
    return records


def _describe(path: str, name: str, records: list[tuple], seen: set[tuple[int, int]]) -> list[str]:
    """Record `path`; the names of its children to describe next (a folder's, sorted)."""
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            records.append((name, "link", os.readlink(path)))
            info = os.stat(path)
        if stat.S_ISDIR(info.st_mode) and (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            children = sorted(child for child in os.listdir(path) if child != "__pycache__")  # Python's cache
            records.append((name, "folder"))
            return children
    except OSError as exc:  # missing, a link leading nowhere (its text is recorded above), unreadable
        records.append((name, "unreadable", exc.errno))
        return []
    if stat.S_ISDIR(info.st_mode):
        records.append((name, "folder seen"))
    elif stat.S_ISREG(info.st_mode):
        records.append((name, "file", _file_hash(path, info.st_size)))
    else:
        records.append((name, "special"))
    return []


def _file_hash(path: str | Path, size: int) -> str:
    try:
        with open(path, "rb") as file:
            if size <= 1 << 24:  # read in one go; a larger file (a stray dump) in chunks
                return hashlib.sha256(file.read()).hexdigest()
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError as exc:  # unreadable: the build reports it; the key must still differ from a readable file's
        return f"unreadable {exc.errno}"


# --- the folder: what the build wrote ----------------------------------------------------------


def folder_state(folder: Path) -> tuple[dict[str, list], list[str]] | None:
    """Every file under `folder` but the manifest as [size, mtime_ns, ctime_ns, inode], and every
    subfolder; None if anything else is there (a link, a device: we never write those)."""
    files: dict[str, list] = {}
    folders: list[str] = []
    pending = [("", str(folder))]
    while pending:
        prefix, path = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = prefix + entry.name
                if entry.is_symlink():
                    return None
                if entry.is_dir():
                    folders.append(name)
                    pending.append((name + "/", entry.path))
                elif entry.is_file():
                    if name != MANIFEST:
                        info = entry.stat()
                        files[name] = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
                else:
                    return None
    return files, sorted(folders)


def write_manifest(staging: Path, key: str, diagnostics: Diagnostics, summary: dict[str, int]) -> None:
    with open(staging / MANIFEST, "x", encoding="utf-8") as manifest:  # "x": never over an output
        # Files changed later within the clock tick that wrote them keep their times ("racy git");
        # the manifest's own creation time is now: files stamped at it or after are recorded by their
        # bytes too, and compared by their bytes when the cache is checked.
        now = os.fstat(manifest.fileno()).st_mtime_ns
        state = folder_state(staging)
        if state is None:
            return  # cannot happen for a folder we just wrote; an empty manifest means "no cache"
        files, folders = state
        for name, record in files.items():
            if record[2] >= now or record[1] >= now:
                record.append(_file_hash(staging / name, record[0]))
        json.dump({"format": FORMAT, "key": key, "files": files, "folders": folders,
                   "diagnostics": [_diagnostic_record(d) for d in diagnostics.items],
                   "summary": summary}, manifest, separators=(",", ":"), sort_keys=True)


def _diagnostic_record(diagnostic: Diagnostic) -> dict:
    return {"severity": diagnostic.severity.value, "path": diagnostic.source.path, "line": diagnostic.source.line,
            "col": diagnostic.source.col, "message": diagnostic.message, "hints": list(diagnostic.hints)}


SUMMARY = ("pages", "articles", "actors", "annotations", "warnings")


def reusable(out: Path, key: str) -> Reused | None:
    """The stored build, if `out` is exactly what the build with inputs `key` wrote; any doubt is None."""
    try:
        manifest = json.loads((out / MANIFEST).read_bytes())
        if manifest["format"] != FORMAT or manifest["key"] != key:
            return None
        if not _same_folder(out, manifest["files"], manifest["folders"]):
            return None
        return Reused(Diagnostics([_diagnostic(d) for d in manifest["diagnostics"]]),
                      {name: int(manifest["summary"][name]) for name in SUMMARY})
    except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError):
        return None  # missing, unreadable, corrupt or of another layout: build


def _same_folder(out: Path, files: dict, folders: list) -> bool:
    state = folder_state(out)
    if state is None or state[1] != folders or state[0].keys() != files.keys():
        return False
    for name, current in state[0].items():
        recorded = files[name]
        if current != recorded[:4]:
            return False
        if len(recorded) > 4 and _file_hash(out / name, current[0]) != recorded[4]:
            return False
    return True


def _diagnostic(record: dict) -> Diagnostic:
    source = Source(str(record["path"]), int(record["line"]), int(record["col"]))
    return Diagnostic(Severity(record["severity"]), source, str(record["message"]),
                      tuple(str(h) for h in record["hints"]))
