"""Strict YAML reading that keeps line numbers: text -> (plain value, positions) or diagnostics.

Only the YAML core of a content file is accepted: mappings, sequences, strings,
numbers, booleans and null. Duplicate keys, anchors/aliases and custom tags are
refused (they hide typos or open the door to alias bombs). Timestamps are kept
as the text the editor wrote, so that the validator decides what a date is.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from .diagnostics import Diagnostics, Source

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SAFE = yaml.constructor.SafeConstructor()
# Resolved tag -> how to build the value; None keeps the text as written.
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str": None,
    "tag:yaml.org,2002:timestamp": None,
    "tag:yaml.org,2002:int": _SAFE.construct_yaml_int,
    "tag:yaml.org,2002:float": _SAFE.construct_yaml_float,
    "tag:yaml.org,2002:bool": _SAFE.construct_yaml_bool,
    "tag:yaml.org,2002:null": _SAFE.construct_yaml_null,
}
MAX_DEPTH = 50

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


@dataclass(frozen=True)
class YamlDocument:
    value: object
    positions: Positions


def read_yaml(text: str, source: Source, diagnostics: Diagnostics) -> YamlDocument | None:
    """Parse `text`, which starts at `source.line` of its file; None if it is not valid YAML."""
    positions = Positions(source)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _shift(source, mark.line, mark.column) if mark else source
        diagnostics.error(where, f"invalid YAML: {exc.problem or exc.context}",
                          "check indentation, and quote values that contain ': ' or start with a special character")
        return None
    except (yaml.YAMLError, RecursionError) as exc:
        diagnostics.error(source, f"invalid YAML: {exc.__class__.__name__}")
        return None
    if node is None:
        return YamlDocument(None, positions)
    builder = _Builder(source, positions.marks, diagnostics)
    value = builder.build(node, (), 0)
    return YamlDocument(value, positions) if not builder.failed else None


def _shift(source: Source, line0: int, col0: int) -> Source:
    """A 0-based YAML mark as a position in the whole file."""
    return source.at(source.line + line0, col0 + 1)


@dataclass
class _Builder:
    source: Source
    marks: dict
    diagnostics: Diagnostics
    failed: bool = False
    seen: set = field(default_factory=set)

    def error(self, node: yaml.Node, message: str, *hints: str) -> None:
        self.failed = True
        where = _shift(self.source, node.start_mark.line, node.start_mark.column)
        self.diagnostics.error(where, message, *hints)

    def build(self, node: yaml.Node, path: tuple, depth: int) -> object:
        self.marks[path] = (self.source.line + node.start_mark.line, node.start_mark.column + 1)
        if id(node) in self.seen:
            self.error(node, "YAML anchors and aliases (&name, *name) are not allowed", "write the value out in full")
            return None
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self.error(node, f"YAML nested deeper than {MAX_DEPTH} levels")
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: tuple, depth: int) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.error(key_node, "keys must be plain words", "quote the key if it is a number or true/false")
                continue
            if key in result:
                first = self.marks[path + (key, "<key>")][0]
                self.error(key_node, f"duplicate key '{key}' (first given on line {first})", "keep one of the two")
                continue
            self.marks[path + (key, "<key>")] = (self.source.line + key_node.start_mark.line, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def scalar(self, node: yaml.ScalarNode) -> object:
        if node.tag not in _SCALAR_TAGS:
            self.error(node, f"YAML tag {node.tag} is not allowed", "remove the !tag; content files hold plain values")
            return None
        construct = _SCALAR_TAGS[node.tag]
        return node.value if construct is None else construct(node)
