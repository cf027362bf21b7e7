"""Insert annotation highlights into a parsed body as markdown-it tokens: marks, then a note after each.

Contract: `add_highlights(tokens, placements)` returns a new token list (the
input is not changed) in which, for each `Placement`, the characters
start..end of paragraph N's plain text are wrapped in `<mark>` pieces, split
wherever inline formatting or another highlight begins or ends, so that the
HTML stays well-formed across emphasis, links and overlaps. A `reader_note`
token follows each highlight at the first point outside every inline element
(a note is never inside a link or emphasis). `note_rule` renders that token
with the HTML that env["reader_notes"][id] holds (the render stage fills it
from a template), or a bare numbered marker when there is none.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .markdown import PARAGRAPH_KEY, collapse

NOTE_TOKEN = "reader_note"
NOTES_ENV = "reader_notes"
_TEXT_LIKE = ("text", "code_inline", "softbreak", "hardbreak")


@dataclass(frozen=True)
class Placement:
    """Where one annotation's highlight goes, in plain-text offsets of paragraph p-N."""

    id: str
    paragraph: int
    start: int
    end: int
    number: int
    """The note's number in the article (its marker and its endnote)."""
    kind: str
    verdict: str | None = None


def highlights_plugin(md: MarkdownIt) -> None:
    """Teach the renderer the `reader_note` token."""
    md.add_render_rule(NOTE_TOKEN, note_rule)


def note_rule(self, tokens: list[Token], index: int, options, env: dict) -> str:
    token = tokens[index]
    html = env.get(NOTES_ENV, {}).get(token.meta["id"])
    if html is not None:
        return html
    return f'<a class="note-ref" href="#{token.meta["id"]}">[{token.meta["number"]}]</a>'


def add_highlights(tokens: tuple[Token, ...] | list[Token], placements: list[Placement]) -> list[Token]:
    by_paragraph: dict[int, list[Placement]] = defaultdict(list)
    for placement in placements:
        by_paragraph[placement.paragraph].append(placement)
    result = []
    for token in tokens:
        number = token.meta.get(PARAGRAPH_KEY) if token.type == "inline" and token.meta else None
        if number in by_paragraph:
            token = token.copy(children=_highlight_children(token.children or [], by_paragraph[number]))
        result.append(token)
    return result


def _raw_offsets(children: list[Token]) -> tuple[list[int | None], str]:
    """Each child's offset in the raw visible text (None for markup), and that text."""
    offsets: list[int | None] = []
    parts: list[str] = []
    length = 0
    for child in children:
        if child.type in _TEXT_LIKE:
            offsets.append(length)
            text = child.content if child.type in ("text", "code_inline") else " "
            parts.append(text)
            length += len(text)
        else:
            offsets.append(None)
    return offsets, "".join(parts)


def _highlight_children(children: list[Token], placements: list[Placement]) -> list[Token]:
    offsets, raw = _raw_offsets(children)
    spans = _raw_spans(raw, placements)
    ends_at: dict[int, list[Placement]] = defaultdict(list)  # raw offset of a highlight's last character
    for placement, (start, end) in spans.items():
        if end > start:
            ends_at[end - 1].append(placement)
    cuts = sorted({offset for span in spans.values() for offset in span})
    out: list[Token] = []
    pending: list[Placement] = []
    depth = 0
    for child, offset in zip(children, offsets):
        if child.type == "text":
            for start, end in _runs(cuts, offset, offset + len(child.content)):
                out.extend(_marked(child, child.content[start - offset:end - offset], _cover(spans, start, end)))
                pending.extend(p for r, ended in ends_at.items() if start <= r < end for p in ended)
                _flush(out, pending, depth)
        elif child.type == "code_inline" and child.content:
            end = offset + len(child.content)
            cover = _cover(spans, offset, end)
            out.extend(_wrap(child, cover) if cover else [child])
            pending.extend(p for r, ended in ends_at.items() if offset <= r < end for p in ended)
        else:
            out.append(child)
        depth += child.nesting
        _flush(out, pending, depth)
    _flush(out, pending, 0)
    return out


def _raw_spans(raw: str, placements: list[Placement]) -> dict[Placement, tuple[int, int]]:
    """Each highlight's span in the raw text of the children (plain offsets are after collapsing spaces)."""
    _, plain_of = collapse(raw)  # non-decreasing: raw offset -> plain offset
    return {p: (bisect_left(plain_of, p.start, hi=len(raw)), bisect_left(plain_of, p.end, hi=len(raw)))
            for p in placements}


def _runs(cuts: list[int], start: int, end: int):
    """The pieces of raw offsets start..end between consecutive highlight boundaries."""
    inner = [c for c in cuts[bisect_right(cuts, start):bisect_left(cuts, end)]]
    edges = [start, *inner, end]
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]


def _cover(spans: dict[Placement, tuple[int, int]], start: int, end: int) -> frozenset:
    """The highlights covering raw offsets start..end (a piece lies wholly inside or outside each)."""
    return frozenset(p for p, (a, b) in spans.items() if a < end and b > start)


def _marked(template: Token, text: str, cover: frozenset) -> list[Token]:
    piece = Token("text", "", 0, content=text, level=template.level)
    return _wrap(piece, cover) if cover else [piece]


def _wrap(token: Token, cover: frozenset) -> list[Token]:
    ordered = sorted(cover, key=lambda p: (p.start, p.id))
    mark = Token("mark_open", "mark", 1, level=token.level)
    mark.attrs = {"class": "hl" + (" hl-overlap" if len(ordered) > 1 else ""),
                  "data-annotations": " ".join(p.id for p in ordered),
                  "data-kind": ordered[-1].kind}
    if ordered[-1].verdict:
        mark.attrs["data-verdict"] = ordered[-1].verdict
    return [mark, token, Token("mark_close", "mark", -1, level=token.level)]


def _flush(out: list[Token], pending: list[Placement], depth: int) -> None:
    """Emit the notes of highlights that have ended, once no inline element is open."""
    if depth or not pending:
        return
    for placement in sorted(pending, key=lambda p: (p.end, p.start, p.number)):
        out.append(Token(NOTE_TOKEN, "", 0, meta={"id": placement.id, "number": placement.number}))
    pending.clear()
