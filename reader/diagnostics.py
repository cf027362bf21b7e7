"""Diagnostics: one format for every content problem, collected and reported together.

A stage never raises on bad content; it appends a `Diagnostic` and carries on,
so that an editor sees every problem of a run at once:

    path:line:col: error: message
        hint
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Source:
    """Where a value came from: a file (relative to the site root when possible) and a 1-based position."""

    path: str
    line: int = 1
    col: int = 1

    def at(self, line: int, col: int = 1) -> "Source":
        return Source(self.path, line, col)


@dataclass(frozen=True)
class Diagnostic:
    """One problem, with where it is and what to do about it."""

    severity: Severity
    source: Source
    message: str
    hints: tuple[str, ...] = ()

    def format(self) -> str:
        """The report line and its hints; content quoted in them cannot move the cursor or recolour a
        terminal: control and bidi characters are shown as escapes (hints keep their line breaks)."""
        head = f"{self.source.path}:{self.source.line}:{self.source.col}: {self.severity.value}: {self.message}"
        return "\n".join([_UNPRINTABLE.sub(_escape, head),
                          *(f"    {_UNPRINTABLE_IN_HINT.sub(_escape, hint)}" for hint in self.hints)])


_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_UNPRINTABLE_IN_HINT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


@dataclass
class Diagnostics:
    """An append-only collector passed through the stages of one run."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, source: Source, message: str, *hints: str) -> None:
        self.items.append(Diagnostic(Severity.ERROR, source, message, tuple(hints)))

    def warning(self, source: Source, message: str, *hints: str) -> None:
        self.items.append(Diagnostic(Severity.WARNING, source, message, tuple(hints)))

    def extend(self, other: "Diagnostics") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def as_strict(self) -> "Diagnostics":
        """--strict: every warning becomes an error, and is reported as one."""
        return Diagnostics([Diagnostic(Severity.ERROR, d.source, d.message, d.hints) for d in self.items])

    def has_errors(self, strict: bool = False) -> bool:
        return bool(self.errors) or (strict and bool(self.warnings))

    def sorted(self) -> list[Diagnostic]:
        """Problems in file order, so an editor can walk through them top to bottom."""
        return sorted(self.items, key=lambda d: (d.source, d.severity.value, d.message))


def relative_path(path: Path, root: Path) -> str:
    """A path as editors see it: relative to the site root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def did_you_mean(word: str, choices: list[str] | set[str]) -> str | None:
    """The closest known key to a mistyped one, or None."""
    import difflib

    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return match[0] if match else None
