"""Write stage: put the rendered outputs on disk as a whole, or not at all.

The site is written into a staging folder beside the output folder, then
swapped into place, so a failed or killed build leaves the previous site
intact. We only ever replace a folder that we created: it carries a marker file.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from .render import Output

MARKER = ".reader-output"


class OutputFolderError(Exception):
    """The output folder is not one we may replace; the message says why."""


def check_output_folder(out: Path, root: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputFolderError(f"{out} is a symlink or a file, not a folder")
    resolved = out.resolve()
    if resolved in (root.resolve(), *root.resolve().parents) or (out / "content").exists():
        raise OutputFolderError(f"{out} holds the site's sources; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise OutputFolderError(f"{out} is not empty and was not written by this tool; refusing to replace it")


def write_site(outputs: list[Output], out: Path) -> None:
    """Write every output under `out`, replacing the previous build atomically."""
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for output in outputs:
        target = _inside(staging, output.url)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.data)
    (staging / MARKER).write_text("Written by the annotated reader; replaced whole on each build.\n")
    _swap(staging, out)


def _inside(folder: Path, url: str) -> Path:
    """The file for `url`, refusing any path that would land outside `folder`."""
    from .urls import output_path

    target = (folder / output_path(url)).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise OutputFolderError(f"refusing to write outside the output folder: {url}")
    return target


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old)
