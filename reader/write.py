"""Write stage: put the rendered outputs on disk as a whole, or not at all.

Contract:
- `check_output_folder(out, root)` raises `OutputFolderError` for a folder we
  may not replace: a symlink, a file, the site root or one of its parents, a
  folder holding `content/`, or a non-empty folder without our marker file.
- `check_outputs(outputs, diagnostics)` reports outputs that must not be
  written: a URL that is not a plain relative path inside the output folder
  (absolute, `..`, backslashes, control characters), and two outputs with the
  same URL (naming the source of each).
- `write_site(outputs, out, finish=None)` writes every output into a fresh
  staging folder beside `out` (`.<out>.staging-<pid>-<random>`, marker file
  first), calls `finish(staging)` if given (buildcache's manifest, which must
  describe the complete folder), then swaps it into place. On Linux the swap is
  one `renameat2(RENAME_EXCHANGE)` call, so at every instant `out` holds either
  the previous complete site or the new one, even if the build is killed with
  SIGKILL; elsewhere it is two renames, with an instant in between where `out`
  is missing. The previous site is then deleted.
Nothing is deleted that we did not create: besides the previous site (which
carries the marker), only staging folders left by killed builds, recognised
by their name, the marker inside (or being empty), and their process being gone.
A folder of ours loses its marker last, so a build killed while deleting one
leaves it recognisable for the next build to finish the job.
"""
from __future__ import annotations

import ctypes
import errno
import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostics, Source, relative_path

if TYPE_CHECKING:  # not at run time: render imports Jinja, and `build` checks its cache before needing it
    from .render import Output

MARKER = ".reader-output"
_SAFE_URL = re.compile(r"(?:[^/\\\x00-\x1f\x7f]+/)*[^/\\\x00-\x1f\x7f]*")
_STAGING = re.compile(r"\.(?P<name>.+)\.(?:staging|old)-(?P<pid>\d+)(?:-[0-9a-f]+)?")


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


def check_outputs(outputs: list[Output], root: Path, diagnostics: Diagnostics) -> None:
    """Unsafe or duplicate output URLs, as errors at the source of each output."""
    first: dict[str, Output] = {}
    for output in outputs:  # every build checks every output: the source's path is worked out only for a problem
        if not safe_url(output.url):
            diagnostics.error(Source(_shown(output, root)), f"refusing to write outside the output folder: {output.url!r}")
            continue
        other = first.setdefault(output.url, output)
        if other is not output:
            where = Source(_shown(output, root))
            diagnostics.error(where, f"two outputs have the URL /{output.url}: {_shown(other, root)} and {where.path}",
                              "rename one of them")


def _shown(output: Output, root: Path) -> str:
    source = getattr(output, "source", "")
    return relative_path(Path(source), root) if source else "templates"


def safe_url(url: str) -> bool:
    """A relative path of plain names: no leading '/', no '.' or '..', no empty or control-character names."""
    return bool(_SAFE_URL.fullmatch(url)) and not any(part in (".", "..") for part in url.split("/"))


def write_site(outputs: list[Output], out: Path, finish: Callable[[Path], None] | None = None) -> None:
    """Write every output under `out`, replacing the previous build atomically; `finish(staging)` runs
    after the last output is written and before the swap."""
    out = Path(os.path.abspath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_staging(out)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        (staging / MARKER).write_text("Written by the annotated reader; replaced whole on each build.\n")
        for output in outputs:
            target = _inside(staging, output.url)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(output.data)
        if finish is not None:
            finish(staging)
    except BaseException:
        remove_ours(staging, ignore_errors=True)
        raise
    _swap(staging, out)


def _inside(folder: Path, url: str) -> Path:
    """The file for `url`, refusing any path that would land outside `folder`."""
    from .urls import output_path

    if not safe_url(url):
        raise OutputFolderError(f"refusing to write outside the output folder: {url!r}")
    target = (folder / output_path(url)).resolve()
    if not target.is_relative_to(folder.resolve()) or target == folder.resolve():
        raise OutputFolderError(f"refusing to write outside the output folder: {url!r}")
    return target


def _swap(staging: Path, out: Path) -> None:
    """Put `staging` at `out`; the previous `out`, if any, is deleted afterwards."""
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):
        remove_ours(staging)  # now the previous site
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
    out.rename(old)
    staging.rename(out)
    remove_ours(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _remove_abandoned_staging(out: Path) -> None:
    """Staging folders of builds that were killed: ours by name and marker, their process gone."""
    for path in out.parent.glob(f".{out.name}.*-*"):
        match = _STAGING.fullmatch(path.name)
        if not match or match["name"] != out.name or not path.is_dir() or path.is_symlink():
            continue
        if _running(int(match["pid"])):  # including ours: a write in progress
            continue
        if (path / MARKER).is_file() or not any(path.iterdir()):
            remove_ours(path, ignore_errors=True)


def remove_ours(folder: Path, ignore_errors: bool = False) -> None:
    """Delete a folder we wrote, its marker last: a build killed halfway through leaves a folder
    that still carries the marker, which the next build recognises and removes."""
    for child in folder.iterdir() if folder.is_dir() else ():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=ignore_errors)
        else:
            _unlink(child, ignore_errors)
    _unlink(folder / MARKER, True)
    shutil.rmtree(folder, ignore_errors=ignore_errors)


def _unlink(path: Path, ignore_errors: bool) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        if not ignore_errors:
            raise


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
