"""Typed reading of one YAML mapping: each accessor returns a clean value or None plus a diagnostic.

No silent type guessing: `stance: no` is reported as "got boolean false (quote
it?)", a date must be a real ISO date (ASCII digits, a day that exists), text
must be text. Every problem is reported at the file and line of the offending
value; values quoted in messages are shortened and their control characters
escaped.

URLs are allow-listed after removing whitespace and control characters
(which browsers ignore inside a scheme, so "java\tscript:" is "javascript:"):
http and https with a host, and mailto with an address only where a field
allows it (an actor's links). Anything else is an error.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .diagnostics import Diagnostics, did_you_mean
from .load import RawFile

KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
"""Ids and slugs (matched whole: `fullmatch`)."""
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")
_MAILTO = re.compile(r"mailto:[^@\s]+@[^@\s]+\.[^@\s]+", re.IGNORECASE)
WEB_SCHEMES = ("http", "https")
SHOWN_CHARS = 60  # of a value quoted in a message


def describe(value: object) -> str:
    """How a YAML value looks to an editor, for messages."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if value is None:
        return "nothing (null)"
    if isinstance(value, (int, float)):
        return f"number {shorten(str(value))}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{shorten(str(value))}'"


def shorten(text: str) -> str:
    """`text` cut to SHOWN_CHARS characters for a message."""
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


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
        if value is None and (not required or key not in self.data):
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
            self.error(key, f"unknown {what} '{shorten(value)}'",
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
        if value is None and (not required or key not in self.data):
            if required:
                self.missing(key)
            return None
        text = value if isinstance(value, str) else ""
        try:
            if not ISO_DATE.fullmatch(text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error(key, f"'{key}' must be a real date YYYY-MM-DD, got {describe(value)}",
                       "for an uncertain date give the best estimate and add 'date_precision: approximate'")
            return None

    def url(self, key: str, mailto: bool = False, bare: bool = False) -> str | None:
        """An http(s) URL with a host (or, with `mailto`, a mailto: address), after removing
        whitespace and control characters; `bare`: no query or fragment (a base URL)."""
        value = self.get(key)
        if value is None:
            return None
        cleaned = web_address(value, mailto)
        if cleaned and bare and ("?" in cleaned or "#" in cleaned):
            self.error(key, f"a base URL has no query or fragment: {describe(value)}",
                       "write the address of the site's folder, e.g. https://example.org/reader/")
            return None
        if cleaned:
            return cleaned
        self.error(key, f"not a web address: {describe(value)}",
                   "write a full http:// or https:// URL" + (" (or mailto:name@example.org)" if mailto else ""))
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

    def key_pattern(self, value: str, key: object, *, at_key: tuple = ()) -> bool:
        """Is `value` an id? Reported at the value of `key`, or with `at_key` (a path below this
        mapping) at that key itself: an id that is a mapping key ('stances: {Pro_2: ...}')."""
        if KEY_PATTERN.fullmatch(value):
            return True
        where = self.raw.positions.key_of(*self.path, *at_key) if at_key else self.where(key)
        self.diagnostics.error(where, f"'{shorten(value)}' is not a valid id", "use lowercase letters, digits and hyphens, e.g. united-states")
        return False

    def warn_unknown(self, allowed) -> None:
        for key in self.data:
            if key not in allowed:
                guess = did_you_mean(key, list(allowed))
                self.diagnostics.warning(self.raw.positions.key_of(*self.path, key), f"unknown field '{key}'",
                                         f"did you mean '{guess}'?" if guess else f"known fields: {', '.join(sorted(allowed))}")


def web_address(value: object, mailto: bool = False) -> str | None:
    """`value` as an allowed address (see the module docstring), or None."""
    if not isinstance(value, str):
        return None
    cleaned = _CONTROL.sub("", value)
    if mailto and _MAILTO.fullmatch(cleaned):
        return cleaned
    try:
        parts = urlsplit(cleaned)
        parts.port  # noqa: B018 -- raises ValueError for a malformed port
    except ValueError:  # e.g. an unclosed IPv6 bracket: "https://[x"
        return None
    return cleaned if parts.scheme in WEB_SCHEMES and parts.hostname else None
