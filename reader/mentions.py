"""Find actor aliases in plain text: one pass, leftmost-longest, word-bounded, diacritic-blind.

Contract: `AliasMatcher.build(aliases, unlinked_phrases)` compiles every alias
into a single regular expression shaped like a trie, so scanning a text costs
one pass whatever the number of aliases. `find(text)` returns non-overlapping
`AliasMatch`es in text order, with offsets into the text as given.

Matching rules:
- case-sensitive ("Russia" does not match "russia");
- the characters just before and after a match must not be letters or digits
  ("US" is not found in "USA" or "focus"; "Guaido" is found in "Guaido’s");
  an alias may itself begin or end with punctuation ("U.S.", "the “Empire”");
- combining marks are ignored on both sides after NFD ("Guaidó" ~ "Guaido");
- at a position the longest alias wins, and the leftmost match wins overall;
- unlinked phrases ("Latin America") consume text like aliases, so a shorter
  alias inside them ("America") is not found, but they are never returned.
The matcher is an immutable value; nothing is cached globally.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

# Letters and digits, i.e. \w without the underscore: a match must not touch them.
_BEFORE = r"(?<![^\W_])"
_AFTER = r"(?![^\W_])"


@dataclass(frozen=True)
class AliasMatch:
    """One alias found in a text."""

    start: int
    """Offset of the first character of the match in the original text."""
    end: int
    """Offset just past the match in the original text."""
    actor: str | None
    """The actor id; None only for unlinked phrases, which `find` never returns."""
    alias: str
    """The alias as the editor wrote it (which may differ in diacritics from the text)."""


@dataclass(frozen=True)
class _Folded:
    """A text with combining marks removed, and where each character came from."""

    text: str
    origin: tuple[int, ...] | None = None
    """origin[i] is the index in the original text of folded character i; None: the text is unchanged."""
    first: frozenset[int] = field(default_factory=frozenset)
    """Folded indices that begin an original character (a match may start there)."""

    def begins_character(self, index: int) -> bool:
        return self.origin is None or index in self.first

    def original(self, index: int, length: int) -> int:
        """The original offset of folded offset `index` (`length`: of the original text, for the end)."""
        if self.origin is None:
            return index
        return self.origin[index] if index < len(self.text) else length


def fold(text: str) -> str:
    """Remove combining marks after canonical decomposition ("Guaidó" -> "Guaido")."""
    return _fold(text).text


def _fold(text: str) -> _Folded:
    if text.isascii():
        return _Folded(text)
    table = {}
    for char in set(text):  # each distinct character once, not every character
        if char > "\x7f":
            folded = _fold_char(char)
            if len(folded) != 1:  # a lone combining mark, or a character that expands: map offsets
                return _fold_with_offsets(text)
            if folded != char:
                table[ord(char)] = folded
    # Every character folds to one character ("ó" -> "o", "’" stays): offsets are unchanged.
    return _Folded(text.translate(table) if table else text)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return "".join(part for part in unicodedata.normalize("NFD", char) if not unicodedata.combining(part))


def _fold_with_offsets(text: str) -> _Folded:
    chars: list[str] = []
    origin: list[int] = []
    first: set[int] = set()
    for index, char in enumerate(text):
        # NFD may expand one character into several (Hangul syllables), so
        # remember where each original character starts in the folded text.
        first.add(len(chars))
        for part in _fold_char(char):
            chars.append(part)
            origin.append(index)
    return _Folded("".join(chars), tuple(origin), frozenset(first))


def _trie_pattern(keys: Iterable[str]) -> str:
    """A regex matching any of `keys`, preferring the longest, built as a trie.

    A plain alternation of thousands of literals makes Python's regex engine
    try every branch at every position; a trie shares prefixes, so each
    position costs a walk down one path.
    """
    trie: dict = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = True
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    ends_here = "" in node
    branches = [re.escape(char) + _node_pattern(child)
                for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # A greedy optional tries the longer alias first, then backs off to the
    # shorter one, e.g. when the longer one fails the word-boundary check.
    if ends_here:
        return "(?:" + body + ")?"
    return body


@dataclass(frozen=True, eq=False)
class AliasMatcher:
    """All aliases of all actors, compiled for one-pass matching."""

    targets: Mapping[str, tuple[str | None, str]]
    """Folded alias -> (actor id or None for an unlinked phrase, alias as written)."""
    pattern: re.Pattern[str] | None
    """The compiled trie; None when there is nothing to match."""

    @classmethod
    def build(cls, aliases: Mapping[str, str],
              unlinked_phrases: Iterable[str] = ()) -> AliasMatcher:
        """Compile `aliases` (alias text -> actor id) and `unlinked_phrases`."""
        targets: dict[str, tuple[str | None, str]] = {}
        for alias, actor in aliases.items():
            # Conflicts between actors are reported by validation; here the
            # first spelling of a folded form wins, deterministically.
            targets.setdefault(fold(alias), (actor, alias))
        for phrase in unlinked_phrases:
            targets.setdefault(fold(phrase), (None, phrase))
        targets.pop("", None)
        if not targets:
            return cls(MappingProxyType({}), None)
        pattern = re.compile(_BEFORE + "(?:" + _trie_pattern(targets) + ")" + _AFTER)
        return cls(MappingProxyType(targets), pattern)

    def find(self, text: str) -> list[AliasMatch]:
        """Every alias in `text`, non-overlapping, in order (unlinked phrases left out)."""
        if self.pattern is None:
            return []
        folded = _fold(text)
        matches = []
        for found in self.pattern.finditer(folded.text):
            start, end = found.span()
            # A match must begin and end on whole original characters.
            if not folded.begins_character(start) or (end < len(folded.text) and not folded.begins_character(end)):
                continue
            actor, alias = self.targets[found.group()]
            if actor is not None:
                # The end is where the next kept character starts, so that
                # combining marks written after the last letter stay inside.
                stop = folded.original(end, len(text))
                matches.append(AliasMatch(folded.original(start, len(text)), stop, actor, alias))
        return matches
