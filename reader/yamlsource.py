"""Strict YAML reading that keeps line numbers: text -> (plain value, positions) or diagnostics.

Only the YAML core of a content file is accepted: one document of mappings,
sequences, strings, numbers, booleans and null. Refused, each with an error
at its line: duplicate keys, keys that are not text, anchors and aliases
(`&a`, `*a`: they hide repetition and open the door to alias bombs), merge
keys (`<<`), explicit tags (`!!float`, `!python/object`, `!custom`), several
documents, and nesting deeper than MAX_DEPTH. Timestamps are kept as the text
the editor wrote, so that the validator decides what a date is.

The value is built from PyYAML's event stream with an explicit stack (no
recursion, and PyYAML's own composer, which can crash on deep nesting, is never
used); the parse stops at the first nesting error, so a hostile file costs
little. A document that does not parse at all is one error at its position.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

import yaml

from .diagnostics import Diagnostics, Source

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SAFE = yaml.constructor.SafeConstructor()
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
# Resolved tag of a plain scalar -> how to build the value; None keeps the text as written.
_SCALAR_TAGS = {
    _STR: None,
    "tag:yaml.org,2002:timestamp": None,
    "tag:yaml.org,2002:value": None,  # a lone '=' is text
    "tag:yaml.org,2002:int": _SAFE.construct_yaml_int,
    "tag:yaml.org,2002:float": _SAFE.construct_yaml_float,
    "tag:yaml.org,2002:bool": _SAFE.construct_yaml_bool,
    "tag:yaml.org,2002:null": _SAFE.construct_yaml_null,
}
_MERGE = "tag:yaml.org,2002:merge"
MAX_DEPTH = 50
"""Mappings and lists nested deeper than this are an error (content needs three or four levels)."""
MAX_ERRORS = 20
"""A document stops being read after this many errors (a hostile file cannot flood the report)."""

YamlPath = tuple  # a path into the document: keys and list indexes


@dataclass(frozen=True)
class Positions:
    """Where each value of a YAML document stands in its file."""

    source: Source
    marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)

    def of(self, *path: object) -> Source:
        """The position of the value at `path`, or of its nearest ancestor."""
        key = tuple(path)
        while key and key not in self.marks:
            key = key[:-1]
        line, col = self.marks.get(key, (self.source.line, self.source.col))
        return self.source.at(line, col)

    def key_of(self, *path: object) -> Source:
        """The position of the key that introduces the value at `path`."""
        mark = self.marks.get(tuple(path) + ("<key>",))
        return self.source.at(*mark) if mark else self.of(*path)


def _too_deep(text: str) -> int | None:
    """Offset of the first '[' or '{' that opens a value deeper than MAX_DEPTH (the document's own
    mapping or list counted), as `_Builder` would have found it had the parser got that far."""
    depth = 1
    for offset, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return offset
        elif char in "]}":
            depth = max(depth - 1, 1)
    return None


@dataclass(frozen=True)
class YamlDocument:
    value: object
    positions: Positions


def read_yaml(text: str, source: Source, diagnostics: Diagnostics) -> YamlDocument | None:
    """Parse `text`, which starts at `source.line` of its file; None if it is not valid YAML."""
    lines = _Lines(source, text)
    builder = _Builder(lines, diagnostics)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if not builder.feed(event):
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = lines.at(mark.index) if mark else source
        if "maximum nesting depth" in str(exc.problem):  # libyaml (PyYAML >= 6.0.4) looks ahead and stops first
            too_deep = _too_deep(text)
            diagnostics.error(lines.at(too_deep) if too_deep is not None else where,
                              f"YAML nested deeper than {MAX_DEPTH} levels")
            return None
        diagnostics.error(where, f"invalid YAML: {exc.problem or exc.context}",
                          "check indentation, and quote values that contain ': ' or start with a special character")
        return None
    except yaml.reader.ReaderError as exc:
        offset = exc.position  # libyaml counts bytes of UTF-8 here, characters everywhere else
        if _Loader is not yaml.SafeLoader:
            offset = len(text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
        diagnostics.error(lines.at(offset),
                          f"invalid YAML: character U+{exc.character:04X} is not allowed" if isinstance(exc.character, int)
                          else f"invalid YAML: {exc.reason}",
                          "remove it: content files hold no invisible control characters")
        return None
    except (yaml.YAMLError, UnicodeError, RecursionError, MemoryError) as exc:
        diagnostics.error(source, f"invalid YAML: {exc.__class__.__name__}")
        return None
    if builder.failed:
        return None
    return YamlDocument(builder.result, Positions(source, builder.marks))


@dataclass(frozen=True)
class _Lines:
    """Positions in the file from character offsets: lines end at '\\n' only, as editors count them
    (YAML's own marks also break lines at U+0085, U+2028 and U+2029)."""

    source: Source
    text: str

    @functools.cached_property
    def starts(self) -> list[int]:
        return [0] + [m.end() for m in re.finditer("\n", self.text)]

    def position(self, index: int) -> tuple[int, int]:
        line0 = bisect.bisect_right(self.starts, index) - 1
        return self.source.line + line0, index - self.starts[line0] + 1

    def at(self, index: int) -> Source:
        return self.source.at(*self.position(index))


_NO_KEY = object()  # a mapping waiting for its next key
_BAD_KEY = object()  # a refused key: its value is read and dropped
_MERGE_KEY = object()  # the plain scalar '<<'
_TOP = "top"  # the slot of the document's own value


@dataclass
class _Frame:
    """An open mapping or sequence: the value being built, its path, where it goes, and its pending key."""

    value: dict | list
    path: tuple
    slot: object
    key: object = _NO_KEY


@dataclass
class _Builder:
    lines: _Lines
    diagnostics: Diagnostics
    marks: dict = field(default_factory=dict)
    stack: list[_Frame] = field(default_factory=list)
    result: object = None
    documents: int = 0
    errors: int = 0

    @property
    def failed(self) -> bool:
        return self.errors > 0

    def error(self, mark, message: str, *hints: str) -> None:
        self.errors += 1
        if self.errors <= MAX_ERRORS:
            self.diagnostics.error(self.lines.at(mark.index), message, *hints)
        if self.errors == MAX_ERRORS:
            self.diagnostics.error(self.lines.at(mark.index),
                                   f"stopped reading this file after {MAX_ERRORS} errors", "fix these first")

    def feed(self, event: yaml.Event) -> bool:
        """Take one event; False to stop parsing (the document is refused as a whole)."""
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.error(event.start_mark, "a file holds one YAML document; found a second one",
                           "remove the second '---' line")
                return False
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            return self.open(event)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = self.stack.pop()
            self.store(frame.slot, frame.value)
        elif isinstance(event, yaml.AliasEvent):
            self.error(event.start_mark, "YAML anchors and aliases (&name, *name) are not allowed",
                       "write the value out in full")
            self.value(None, event.start_mark)
        elif isinstance(event, yaml.ScalarEvent):
            self.value(self.scalar(event), event.start_mark)
        return self.errors < MAX_ERRORS

    def open(self, event) -> bool:
        if len(self.stack) >= MAX_DEPTH:
            self.error(event.start_mark, f"YAML nested deeper than {MAX_DEPTH} levels")
            return False
        self.refused(event)
        if self.expects_key():
            self.error(event.start_mark, "keys must be plain words", "a key is a word followed by ':'")
            self.stack[-1].key = _BAD_KEY
            slot, path = None, self.stack[-1].path + ("<bad key>",)
        else:
            slot, path = self.slot(event.start_mark)
        self.stack.append(_Frame({} if isinstance(event, yaml.MappingStartEvent) else [], path, slot))
        return True

    def expects_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].value, dict) and self.stack[-1].key is _NO_KEY

    def value(self, value: object, mark) -> None:
        """A scalar (or refused alias): a key of the open mapping, or a value."""
        if self.expects_key():
            self.stack[-1].key = self.key(self.stack[-1], value, mark)
        else:
            self.store(self.slot(mark)[0], value)

    def slot(self, mark) -> tuple[object, tuple]:
        """Where the next value goes, and its path; its position is recorded."""
        if not self.stack:
            slot, path = _TOP, ()
        else:
            frame = self.stack[-1]
            if isinstance(frame.value, list):
                slot, path = (frame.value, len(frame.value)), frame.path + (len(frame.value),)
                frame.value.append(None)
            else:
                key, frame.key = frame.key, _NO_KEY
                if key is _BAD_KEY:
                    return None, frame.path + ("<bad key>",)
                slot, path = (frame.value, key), frame.path + (key,)
                frame.value[key] = None
        self.marks[path] = self.lines.position(mark.index)
        return slot, path

    def store(self, slot: object, value: object) -> None:
        if slot is _TOP:
            self.result = value
        elif slot is not None:
            container, key = slot
            container[key] = value

    def key(self, frame: _Frame, key: object, mark) -> object:
        if key is _MERGE_KEY:
            self.error(mark, "YAML merge keys (<<) are not allowed", "write the fields out in full")
            return _BAD_KEY
        if not isinstance(key, str):
            self.error(mark, "keys must be plain words", "quote the key if it is a number or true/false")
            return _BAD_KEY
        where = frame.path + (key, "<key>")
        if key in frame.value:
            self.error(mark, f"duplicate key '{key}' (first given on line {self.marks[where][0]})", "keep one of the two")
            return _BAD_KEY
        self.marks[where] = self.lines.position(mark.index)
        return key

    def refused(self, event) -> bool:
        """Anchors and explicit tags are refused wherever they appear."""
        if event.anchor is not None:
            self.error(event.start_mark, "YAML anchors and aliases (&name, *name) are not allowed",
                       "write the value out in full")
            return True
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!", 1)
            self.error(event.start_mark, f"YAML tag {tag} is not allowed",
                       "remove the !tag; content files hold plain values")
            return True
        return False

    def scalar(self, event: yaml.ScalarEvent) -> object:
        if self.refused(event):
            return None
        if not event.implicit[0]:  # quoted: always text
            return event.value
        tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, (True, False))
        if tag == _MERGE:
            return _MERGE_KEY
        construct = _SCALAR_TAGS.get(tag)
        if construct is None:
            return event.value
        try:
            return construct(yaml.ScalarNode(tag, event.value))
        except (ValueError, KeyError, OverflowError):
            self.error(event.start_mark, f"'{event.value[:40]}' is too large a number",
                       "quote it to keep it as text")
            return None
