"""Typed reading of one YAML mapping: each accessor returns a clean value or None plus a diagnostic.

No silent type guessing: `stance: no` is reported as "got boolean false (quote
it?)", a date must be a real ISO date, a URL must be http(s). Every problem is
reported at the file and line of the offending value.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .diagnostics import Diagnostics, did_you_mean
from .load import RawFile

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def describe(value: object) -> str:
    """How a YAML value looks to an editor, for messages."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if value is None:
        return "nothing (null)"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"


@dataclass
class Fields:
    """Reads the fields of `raw.data` (or of a nested mapping at `path`), reporting problems."""

    raw: RawFile
    diagnostics: Diagnostics
    path: tuple = ()
    used: set = field(default_factory=set)

    @property
    def data(self) -> dict:
        value = self.raw.data
        for key in self.path:
            value = value[key]
        return value

    def where(self, key: object):
        return self.raw.positions.of(*self.path, key)

    def error(self, key: object, message: str, *hints: str) -> None:
        self.diagnostics.error(self.where(key), message, *hints)

    def get(self, key: str) -> object:
        self.used.add(key)
        return self.data.get(key)

    def string(self, key: str, required: bool = True) -> str | None:
        value = self.get(key)
        if value is None:
            if required:
                self.missing(key)
            return None
        if not isinstance(value, str) or not value.strip():
            hint = "quote it" if isinstance(value, (bool, int, float)) else "write some text"
            self.error(key, f"'{key}' must be text, got {describe(value)}", f"{hint}: {key}: \"...\"")
            return None
        return value.strip()

    def missing(self, key: str) -> None:
        self.diagnostics.error(self.raw.positions.of(*self.path), f"missing required field '{key}'",
                               f"add '{key}: ...' to this entry")

    def strings(self, key: str) -> tuple[str, ...]:
        """A string or a list of strings."""
        value = self.get(key)
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            self.error(key, f"'{key}' must be text or a list of texts, got {describe(value)}")
            return ()
        return tuple(i.strip() for i in items)

    def choice(self, key: str, choices, what: str, required: bool = True) -> str | None:
        value = self.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            self.error(key, f"expected {what}, got {describe(value)}" + (" (quote it?)" if isinstance(value, bool) else ""),
                       f"one of: {', '.join(choices)}")
            return None
        if value not in choices:
            guess = did_you_mean(value, list(choices))
            self.error(key, f"unknown {what} '{value}'",
                       f"did you mean '{guess}'?" if guess else f"one of: {', '.join(choices)}")
            return None
        return value

    def text(self, key: str) -> str | None:
        """Optional text kept exactly as written (a quote's prefix or suffix, where spaces count)."""
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(key, f"'{key}' must be text, got {describe(value)}", f"quote it: {key}: \"...\"")
            return None
        return value

    def date(self, key: str, required: bool = True) -> dt.date | None:
        value = self.get(key)
        if value is None:
            if required:
                self.missing(key)
            return None
        text = value if isinstance(value, str) else ""
        try:
            if not ISO_DATE.match(text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error(key, f"'{key}' must be a real date YYYY-MM-DD, got {describe(value)}",
                       "for an uncertain date give the best estimate and add 'date_precision: approximate'")
            return None

    def url(self, key: str) -> str | None:
        """An http(s) URL, after stripping whitespace and control characters."""
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            cleaned = _CONTROL.sub("", value)
            parts = urlsplit(cleaned)
            if parts.scheme in ("http", "https") and parts.netloc:
                return cleaned
        self.error(key, f"not a web address: {describe(value)}", "write a full http:// or https:// URL")
        return None

    def entries(self, key: str, what: str) -> list[tuple[object, "Fields"]]:
        """Each mapping inside the list or mapping `key`, as (its key or index, its own Fields).

        An entry that is not a mapping is reported at its own line, saying it needs `what`.
        """
        value = self.get(key)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        entries = []
        for name, item in items:
            if isinstance(item, dict):
                entries.append((name, Fields(self.raw, self.diagnostics, self.path + (key, name))))
            else:
                self.diagnostics.error(self.raw.positions.of(*self.path, key, name),
                                       f"each entry of '{key}' needs {what}, got {describe(item)}")
        return entries

    def entries_of_mapping(self, what: str) -> list[tuple[object, "Fields"]]:
        """Each entry of this mapping whose value is itself a mapping (content/claims.yaml)."""
        entries = []
        for name, item in self.data.items():
            self.used.add(name)
            if isinstance(item, dict):
                entries.append((name, Fields(self.raw, self.diagnostics, self.path + (name,))))
            else:
                self.diagnostics.error(self.raw.positions.of(*self.path, name),
                                       f"'{name}' needs {what}, got {describe(item)}")
        return entries

    def key_pattern(self, value: str, key: str) -> bool:
        if KEY_PATTERN.match(value):
            return True
        self.error(key, f"'{value}' is not a valid id", "use lowercase letters, digits and hyphens, e.g. united-states")
        return False

    def warn_unknown(self, allowed) -> None:
        for key in self.data:
            if key not in allowed:
                guess = did_you_mean(key, list(allowed))
                self.diagnostics.warning(self.raw.positions.key_of(*self.path, key), f"unknown field '{key}'",
                                         f"did you mean '{guess}'?" if guess else f"known fields: {', '.join(sorted(allowed))}")
