"""Which parts of the linked site each page reads, and which of them changed between two builds.

`TrackedLinkedSite(linked, reads)` is what the render stage gets in `serve`: it
behaves like the `LinkedSite` and records in `reads.current` every
(table, key) a page reads: `mentions["putin"]`, `paragraphs[("x", 3)]`, a field
of a record (`articles_by_slug`, (slug, "title")), or a whole table (`ALL`:
iterating `pages`, `content.articles`). `changed_entries(old, new, names)`
lists, per table, the keys whose value differs; a page must be made again
exactly when it read one of them. Values are compared with `==` (frozen
dataclasses compare by value), after an identity check that makes unchanged
entries cheap.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from .dictdiff import differing_keys
from .link import LinkedSite
from .model import Content


class _All:
    """The key recorded when a page reads a whole table (iterates it, takes its length)."""

    def __repr__(self) -> str:
        return "ALL"


ALL = _All()
_MISSING = object()


class Reads:
    """Where tracked tables record what is read: the page being made sets `current`."""

    def __init__(self) -> None:
        self.current: set[tuple[str, Any]] = set()


class TrackedMapping(Mapping):
    """A read-only view of one of the linked site's tables that records each key read."""

    __slots__ = ("_name", "_data", "_reads")

    def __init__(self, name: str, data: Mapping, reads: Reads):
        self._name, self._data, self._reads = name, data, reads

    def __getitem__(self, key):
        self._reads.current.add((self._name, key))
        return self._data[key]

    def get(self, key, default=None):
        self._reads.current.add((self._name, key))
        return self._data.get(key, default)

    def __contains__(self, key) -> bool:
        self._reads.current.add((self._name, key))
        return key in self._data

    def __iter__(self) -> Iterator:
        self._reads.current.add((self._name, ALL))
        return iter(self._data)

    def __len__(self) -> int:
        self._reads.current.add((self._name, ALL))
        return len(self._data)

    def copy(self) -> dict:
        """The whole table as a plain dict, read as a whole: a page that reads every entry depends on
        every entry, which `ALL` says in one read (reader.json reads 150,000 entries at 10k articles)."""
        self._reads.current.add((self._name, ALL))
        return dict(self._data)


# Tables of records (frozen dataclasses) whose fields are tracked one by one: a page that shows an
# article's title does not depend on its body. Content's tuples of the same records are tracked as
# their order of keys (`content.articles`) plus each record's fields.
RECORD_TABLES = {"articles_by_slug": "slug", "actors_by_id": "id", "claims_by_id": "id", "pages_by_slug": "slug"}
CONTENT_RECORDS = {"articles": "articles_by_slug", "actors": "actors_by_id", "claims": "claims_by_id",
                   "pages": "pages_by_slug"}


def _field_names(value) -> frozenset[str]:
    return _fields_of(type(value))


@lru_cache(maxsize=None)
def _fields_of(kind: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(kind))


class TrackedRecord:
    """One record of a record table; each field read is recorded as (table, (key, field))."""

    __slots__ = ("_table", "_key", "_value", "_reads")

    def __init__(self, table: str, key, value, reads: Reads):
        self._table, self._key, self._value, self._reads = table, key, value, reads

    def __getattr__(self, name: str):
        known = name in _field_names(self._value)  # anything else (a property) may read every field
        self._reads.current.add((self._table, (self._key, name if known else ALL)))
        return getattr(self._value, name)

    def _whole(self):
        self._reads.current.add((self._table, (self._key, ALL)))
        return self._value

    def __eq__(self, other) -> bool:
        return self._whole() == (other._whole() if isinstance(other, TrackedRecord) else other)

    def __hash__(self) -> int:
        return hash(self._whole())

    def __repr__(self) -> str:
        return repr(self._whole())


class TrackedRecords(TrackedMapping):
    """A record table: reading `table[key]` records only that the key exists; fields are tracked on the record."""

    __slots__ = ()

    def __getitem__(self, key):
        self._reads.current.add((self._name, key))
        return TrackedRecord(self._name, key, self._data[key], self._reads)

    def get(self, key, default=None):
        return self[key] if key in self else default


class TrackedContent:
    """`Content` whose fields, read whole, are recorded as `content.<field>` (records: see RECORD_TABLES)."""

    def __init__(self, content: Content, reads: Reads):
        self._content, self._reads = content, reads

    def __getattr__(self, name: str):
        self._reads.current.add((f"content.{name}", ALL))
        value = getattr(self._content, name)
        if name not in CONTENT_RECORDS:
            return value
        table, key = CONTENT_RECORDS[name], RECORD_TABLES[CONTENT_RECORDS[name]]
        return tuple(TrackedRecord(table, getattr(record, key), record, self._reads) for record in value)


class TrackedLinkedSite:
    """A `LinkedSite` as the render stage sees it, recording what each page reads (tables by key)."""

    def __init__(self, linked: LinkedSite, reads: Reads):
        self._linked, self._reads = linked, reads
        self._views: dict[str, Any] = {"content": TrackedContent(linked.content, reads)}

    def __getattr__(self, name: str):
        if name not in self._views:
            value = getattr(self._linked, name)
            if not isinstance(value, dict):
                self._reads.current.add((name, ALL))
                return value
            kind = TrackedRecords if name in RECORD_TABLES else TrackedMapping
            self._views[name] = kind(name, value, self._reads)
        return self._views[name]


def table(linked: LinkedSite, name: str):
    """The value a recorded table name stands for (for `content.articles` and the like: the keys in order)."""
    if name.startswith("content."):
        field_name = name.removeprefix("content.")
        value = getattr(linked.content, field_name)
        if field_name in CONTENT_RECORDS:
            key = RECORD_TABLES[CONTENT_RECORDS[field_name]]
            return tuple(getattr(record, key) for record in value)
        return value
    return getattr(linked, name)


def _same(a, b) -> bool:
    return a is b or a == b


def changed_entries(old: LinkedSite, new: LinkedSite, names: set[str]) -> dict[str, set]:
    """Table name -> keys whose value differs between `old` and `new` (ALL among them if anything did)."""
    changes: dict[str, set] = {}
    for name in names:
        before, after = table(old, name), table(new, name)
        if before is after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            keys, in_order = differing_keys(before, after)
            if name in RECORD_TABLES:
                keys = _changed_fields(before, after, keys)
            if keys or not in_order:
                keys.add(ALL)
        else:
            keys = set() if _same(before, after) else {ALL}
        if keys:
            changes[name] = keys
    return changes


def _changed_fields(before: dict, after: dict, keys: set) -> set:
    """For records that differ: (key, field) for each field that changed and (key, ALL); the key itself
    when the record appeared or disappeared."""
    found: set = set()
    for key in keys:
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        found.add((key, ALL))
        if old is _MISSING or new is _MISSING:
            found.add(key)
            found.update((key, f) for f in _field_names(new if old is _MISSING else old))
        else:
            found.update((key, f) for f in _field_names(old) if getattr(old, f) != getattr(new, f))
    return found
