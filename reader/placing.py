"""Place an article's annotations on its text: anchor each quote, number the notes, report what went wrong.

Contract: `place_annotations(article, annotations, body, diagnostics)` returns
one `PlacedNote` per annotation, in reading order (placed notes by position,
then the orphans), numbered from 1. Reporting, at the `quote` line of the
annotation file:
- an ambiguous quote or one that crosses a paragraph break: error (the build
  fails; the message lists each occurrence with the prefix that picks it);
- a drifted quote: warning, with the YAML change to make; the note stays on
  the closest passage;
- a quote that is not found: warning; the note becomes an orphan that the
  article lists under "Notes that could not be placed".
`--strict` turns those warnings into errors. Nothing is ever dropped silently.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from .anchor import Ambiguous, ArticleText, CrossesBlocks, Found, NotFound, Selector, anchor
from .diagnostics import Diagnostics
from .highlight import Placement
from .markdown import ParsedBody
from .model import Annotation, Article

_SHOWN = 90  # characters of a passage shown in a message


@dataclass(frozen=True)
class PlacedNote:
    """An annotation with its number and, unless it is an orphan, where it sits."""

    annotation: Annotation
    number: int
    placement: Placement | None
    """None: the quote could not be anchored (an orphan)."""
    passage: str
    """The article's own text that the highlight covers ("" for an orphan)."""
    how: str = "exact"
    """'exact', 'folded', 'drifted' or 'orphan'."""


def place_annotations(article: Article, annotations: list[Annotation], body: ParsedBody,
                      diagnostics: Diagnostics) -> tuple[PlacedNote, ...]:
    anchored: list[tuple[Annotation, Found]] = []
    orphans: list[Annotation] = []
    text = ArticleText.of(body.blocks)  # joined once for all the article's quotes
    for annotation in annotations:
        result = anchor(Selector(annotation.quote, annotation.prefix, annotation.suffix), text)
        if isinstance(result, Found):
            if result.how == "drifted":
                _report_drift(article, annotation, result, body, diagnostics)
            anchored.append((annotation, result))
        elif isinstance(result, NotFound):
            _report_not_found(article, annotation, result, body, diagnostics)
            orphans.append(annotation)
        else:
            _report_unplaceable(article, annotation, result, body, diagnostics)
    anchored.sort(key=lambda pair: (pair[1].paragraph, pair[1].start, -pair[1].end))
    notes = [_placed(annotation, found, number, body) for number, (annotation, found) in enumerate(anchored, 1)]
    notes += [PlacedNote(a, len(anchored) + n, None, "", "orphan") for n, a in enumerate(orphans, 1)]
    return tuple(notes)


def _placed(annotation: Annotation, found: Found, number: int, body: ParsedBody) -> PlacedNote:
    placement = Placement(annotation.id, found.paragraph, found.start, found.end, number,
                          annotation.kind, annotation.verdict)
    passage = body.blocks[found.paragraph - 1][found.start:found.end]
    return PlacedNote(annotation, number, placement, passage, found.how)


def line_of(article: Article, body: ParsedBody, paragraph: int) -> int:
    """The line of the article file on which paragraph N starts."""
    return article.body_line + body.block_lines[paragraph - 1]


def _shown(text: str) -> str:
    return json.dumps(text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…", ensure_ascii=False)


def _report_drift(article: Article, annotation: Annotation, found: Found, body: ParsedBody,
                  diagnostics: Diagnostics) -> None:
    passage = body.blocks[found.paragraph - 1][found.start:found.end]
    diagnostics.warning(
        annotation.quote_source,
        f"quote no longer matches {article.source.path}; the note was placed on the closest passage "
        f"({found.similarity:.0f}% similar), line {line_of(article, body, found.paragraph)}",
        f"was:    quote: {_shown(annotation.quote)}",
        f"change: quote: {json.dumps(passage, ensure_ascii=False)}",
        "(--strict makes this an error)")


def _report_not_found(article: Article, annotation: Annotation, result: NotFound, body: ParsedBody,
                      diagnostics: Diagnostics) -> None:
    hints = [f"quote: {_shown(annotation.quote)}"]
    if result.closest:
        closest = result.closest
        passage = body.blocks[closest.paragraph - 1][closest.start:closest.end]
        hints.append(f"closest passage ({closest.similarity:.0f}% similar), "
                     f"line {line_of(article, body, closest.paragraph)}: {_shown(passage)}")
    hints.append("the note is listed under \"Notes that could not be placed\" (--strict makes this an error)")
    diagnostics.warning(annotation.quote_source, f"quote not found in {article.source.path}", *hints)


def _report_unplaceable(article: Article, annotation: Annotation, result: Ambiguous | CrossesBlocks,
                        body: ParsedBody, diagnostics: Diagnostics) -> None:
    if isinstance(result, CrossesBlocks):
        diagnostics.error(
            annotation.quote_source,
            f"quote runs over a paragraph break in {article.source.path} (lines "
            f"{line_of(article, body, result.first)} and {line_of(article, body, result.last)})",
            "a note belongs to one paragraph: shorten the quote, or split it into two annotations")
        return
    hints = []
    for occurrence in result.occurrences:
        line = line_of(article, body, occurrence.paragraph)
        pick = f"prefix: {json.dumps(occurrence.prefix, ensure_ascii=False)}" if occurrence.prefix else \
            "no prefix picks this one; quote a longer passage"
        hints.append(f"line {line}: {pick}")
    diagnostics.error(annotation.quote_source,
                      f"quote occurs {len(result.occurrences)} times in {article.source.path}; "
                      "add a prefix or suffix to choose one", *hints)
