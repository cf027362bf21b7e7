"""Bring an output folder from the outputs it holds to new ones, touching only the files whose bytes changed.

`serve` uses this after its first full write: each changed file is written to a
temporary name beside it and renamed over the old one, so a browser never reads
half a file, and a file that did not change keeps its bytes and its mtime.
Files of outputs that are gone are removed, with the folders they leave empty.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .dictdiff import differing_keys
from .render import Output
from .urls import output_path


class OutsideOutputFolder(Exception):
    """An output URL that would land outside the output folder (a bug, never content)."""


def sync_outputs(previous: dict[str, bytes], outputs: Iterable[Output], out: Path) -> list[str]:
    """Write the outputs whose bytes differ from `previous` (url -> bytes, what `out` holds now),
    delete those no longer produced; return the changed URLs, sorted."""
    current = {o.url: o.data for o in outputs}
    differing, _ = differing_keys(previous, current)  # unchanged pages are the very same bytes objects
    changed = sorted(url for url in differing if url in current)
    removed = sorted(url for url in differing if url not in current)
    for url in changed:
        _replace(_file(out, url), current[url])
    for url in removed:
        _remove(_file(out, url), out)
    return sorted([*changed, *removed])


def _file(out: Path, url: str) -> Path:
    folder = out.resolve()
    target = (folder / output_path(url)).resolve()
    if not target.is_relative_to(folder) or target == folder:
        raise OutsideOutputFolder(f"refusing to write outside {out}: {url!r}")
    return target


def _replace(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def _remove(target: Path, out: Path) -> None:
    target.unlink(missing_ok=True)
    folder, top = target.parent, out.resolve()
    while folder != top and folder.is_relative_to(top) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
