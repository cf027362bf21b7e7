"""Anchor a quote in an article's rendered text, as a W3C TextQuoteSelector: pure functions, no Markdown.

Contract: `anchor(selector, blocks)` takes the quote/prefix/suffix an editor
wrote and the plain text of each paragraph (what a reader sees), and returns
exactly one of:

- `Found`: where the quote is (paragraph, start, end), and how it was found:
  "exact"; "folded" (typographic differences ignored: curly and straight
  quotes, dashes, non-breaking and repeated spaces, NFKC); or "drifted" (the
  text changed, and the closest passage, scored on quote, prefix and suffix
  together as Hypothesis does, is similar enough to keep the note there);
- `Ambiguous`: the quote occurs more than once and prefix/suffix do not choose;
  each occurrence comes with the prefix that would pick it;
- `CrossesBlocks`: the quote runs over a paragraph break (not supported: a
  highlight and its note belong to one paragraph);
- `NotFound`: with the closest passage and its similarity, if any.

Offsets are into `blocks[paragraph - 1]`, the paragraph "p-N"; the highlight
always covers the article's own characters, whatever the quote's spelling.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

DRIFT_MIN_SIMILARITY = 75.0
"""A changed passage at least this similar (0-100) to the quote keeps its note, with a warning."""
_SEPARATOR = "\n\n"  # between paragraphs in the article's text (TextPositionSelector offsets)
_QUOTES = {**dict.fromkeys("‘’‚‛′`´", "'"), **dict.fromkeys("“”„‟″«»", '"')}
_DASHES = dict.fromkeys("‐‑‒–—―−", "-")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class Selector:
    quote: str
    prefix: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class Found:
    paragraph: int
    start: int
    end: int
    how: str
    """'exact', 'folded' or 'drifted'."""
    similarity: float = 100.0
    """How close the passage is to the quote (drifted only; else 100)."""


@dataclass(frozen=True)
class Occurrence:
    paragraph: int
    start: int
    end: int
    prefix: str | None
    """The shortest prefix (whole words) that picks this occurrence alone; None if none does."""


@dataclass(frozen=True)
class Ambiguous:
    occurrences: tuple[Occurrence, ...]


@dataclass(frozen=True)
class CrossesBlocks:
    first: int
    last: int


@dataclass(frozen=True)
class NotFound:
    closest: Found | None
    """The most similar passage (how='drifted'), too different to anchor to."""


Anchoring = Found | Ambiguous | CrossesBlocks | NotFound


# --- the article's text ------------------------------------------------------

@dataclass(frozen=True)
class ArticleText:
    """The paragraphs joined into one text, and where each starts in it."""

    blocks: tuple[str, ...]
    text: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, blocks: tuple[str, ...] | list[str]) -> "ArticleText":
        starts, offset = [], 0
        for block in blocks:
            starts.append(offset)
            offset += len(block) + len(_SEPARATOR)
        return cls(tuple(blocks), _SEPARATOR.join(blocks), tuple(starts))

    def locate(self, start: int, end: int) -> tuple[int, int, int] | None:
        """(paragraph, start, end) within one paragraph for a span of `text`; None if it crosses a break."""
        for index in range(len(self.starts) - 1, -1, -1):
            if self.starts[index] <= start:
                base = self.starts[index]
                if end - base <= len(self.blocks[index]):
                    return index + 1, start - base, end - base
                return None
        return None

    def paragraph_at(self, offset: int) -> int:
        return max(i for i, s in enumerate(self.starts) if s <= offset) + 1

    def position(self, paragraph: int, offset: int) -> int:
        """Offset in `text` of `offset` in paragraph N."""
        return self.starts[paragraph - 1] + offset


# --- typographic folding -------------------------------------------------------

@dataclass(frozen=True)
class Folded:
    """A text with typographic differences folded, and where each folded character came from."""

    text: str
    origin: tuple[int, ...]
    """origin[i]: index in the original text of folded character i."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded characters start..end."""
        return self.origin[start], self.origin[end - 1] + 1


def fold_typography(text: str) -> Folded:
    """Straight quotes, hyphens for dashes, one space for any run of whitespace, NFKC."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKC", char):
            part = _QUOTES.get(part) or _DASHES.get(part) or (" " if part.isspace() else part)
            if part == " " and chars and chars[-1] == " ":
                continue
            chars.append(part)
            origin.append(index)
    return Folded("".join(chars), tuple(origin))


def fold(text: str) -> str:
    return fold_typography(text).text.strip()


# --- anchoring -----------------------------------------------------------------

def anchor(selector: Selector, blocks: tuple[str, ...] | list[str] | ArticleText) -> Anchoring:
    """Where `selector` points in the paragraphs `blocks` (see the module docstring).

    Pass an `ArticleText` to anchor many quotes in one article without joining its paragraphs each time.
    """
    article = blocks if isinstance(blocks, ArticleText) else ArticleText.of(blocks)
    spans, how = _exact(article.text, selector.quote), "exact"
    if not spans:
        spans, how = _folded(article.text, selector.quote), "folded"
    chosen = [s for s in spans if _context_fits(article.text, s, selector)]
    if len(chosen) == 1:
        start, end = chosen[0]
        place = article.locate(start, end)
        if place is None:
            return CrossesBlocks(article.paragraph_at(start), article.paragraph_at(end - 1))
        return Found(*place, how)
    if len(chosen) > 1:
        return _ambiguous(article, chosen)
    return _closest(article, selector)


def _exact(text: str, quote: str) -> list[tuple[int, int]]:
    quote = quote.strip()
    spans, start = [], text.find(quote)
    while quote and start >= 0:
        spans.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return spans


def _folded(text: str, quote: str) -> list[tuple[int, int]]:
    folded, needle = fold_typography(text), fold(quote)
    return [folded.span(start, end) for start, end in _exact(folded.text, needle)]


def _context_fits(text: str, span: tuple[int, int], selector: Selector) -> bool:
    """Prefix and suffix (when given) match the text around `span`, typography folded."""
    start, end = span
    if selector.prefix:
        prefix = fold(selector.prefix)
        before = fold(text[max(0, start - 3 * len(selector.prefix) - 16):start])
        if not before.endswith(prefix):
            return False
    if selector.suffix:
        suffix = fold(selector.suffix)
        after = fold(text[end:end + 3 * len(selector.suffix) + 16])
        if not after.startswith(suffix):
            return False
    return True


def _ambiguous(article: ArticleText, spans: list[tuple[int, int]]) -> Ambiguous:
    occurrences = []
    for span in spans:
        paragraph = article.paragraph_at(span[0])
        base = article.starts[paragraph - 1]
        others = [s for s in spans if s != span]
        occurrences.append(Occurrence(paragraph, span[0] - base, span[1] - base,
                                      _picking_prefix(article.text, span, others)))
    return Ambiguous(tuple(occurrences))


def _picking_prefix(text: str, span: tuple[int, int], others: list[tuple[int, int]]) -> str | None:
    """The fewest whole words before `span` that no other occurrence shares."""
    words = fold(text[max(0, span[0] - 200):span[0]]).split(" ")
    for count in range(1, min(len(words), 12) + 1):
        prefix = " ".join(words[-count:])
        if not prefix:
            continue
        if not any(fold(text[max(0, s - 200):s]).endswith(prefix) for s, _ in others):
            return prefix
    return None


# --- drift: the closest passage ------------------------------------------------------

def _closest(article: ArticleText, selector: Selector) -> NotFound | Found:
    """The best passage, scored on quote (70%), prefix and suffix (15% each), as Hypothesis does."""
    quote = fold(selector.quote)
    best: tuple[float, Found] | None = None
    for number, block in enumerate(article.blocks, start=1):
        candidate = _best_in_block(quote, block, number)
        if candidate is None:
            continue
        score = _context_score(article, candidate, selector)
        if best is None or score > best[0]:
            best = (score, candidate)
    if best is None:
        return NotFound(None)
    found = best[1]
    return found if found.similarity >= DRIFT_MIN_SIMILARITY else NotFound(found)


def _best_in_block(quote: str, block: str, number: int) -> Found | None:
    folded = fold_typography(block)
    if not quote or not folded.text:
        return None
    alignment = fuzz.partial_ratio_alignment(quote, folded.text)
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return None
    start, end = folded.span(alignment.dest_start, alignment.dest_end)
    start, end = _whole_words(block, start, end)
    similarity = fuzz.ratio(quote, fold(block[start:end]))
    return Found(number, start, end, "drifted", round(similarity, 1))


def _whole_words(block: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span so that it neither starts nor ends inside a word, and trim spaces."""
    while start > 0 and _WORD.match(block[start - 1]) and _WORD.match(block[start]):
        start -= 1
    while end < len(block) and _WORD.match(block[end - 1]) and _WORD.match(block[end]):
        end += 1
    while start < end and block[start].isspace():
        start += 1
    while end > start and block[end - 1].isspace():
        end -= 1
    return start, end


def _context_score(article: ArticleText, found: Found, selector: Selector) -> float:
    """0-100: the quote's similarity, weighed with how well prefix and suffix fit around the passage."""
    start = article.position(found.paragraph, found.start)
    end = article.position(found.paragraph, found.end)
    before, after = fold(article.text[max(0, start - 64):start]), fold(article.text[end:end + 64])
    prefix, suffix = fold(selector.prefix or ""), fold(selector.suffix or "")
    prefix_score = fuzz.ratio(prefix, before[-len(prefix):]) if prefix else found.similarity
    suffix_score = fuzz.ratio(suffix, after[:len(suffix)]) if suffix else found.similarity
    return 0.7 * found.similarity + 0.15 * prefix_score + 0.15 * suffix_score
