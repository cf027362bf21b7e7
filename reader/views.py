"""Small presentation helpers shared by templates and feeds: dates, shortened quotes, keyword-in-context snippets."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .markdown import Mention

NOTE_ICONS = {
    "context": "ℹ",
    "definition": "≝",
    "correction": "✎",
    "cross_reference": "↗",
    "accurate": "✓",
    "misleading": "⚠",
    "needs_context": "±",
    "inaccurate": "✗",
    "unverified": "?",
}
"""A symbol per kind (per verdict for fact-checks), so that no note is told apart by colour alone."""
SNIPPET_CONTEXT = 80  # characters of context on each side of a mention


@dataclass(frozen=True)
class Snippet:
    """A mention in its context: text before, the mention, text after, and the paragraph anchor."""

    before: str
    match: str
    after: str
    anchor: str


def keyword_in_context(text: str, mention: Mention) -> Snippet:
    """The mention in `text`, the plain text of the paragraph it is in."""
    start = max(0, mention.start - SNIPPET_CONTEXT)
    end = min(len(text), mention.end + SNIPPET_CONTEXT)
    before = text[start:mention.start]
    after = text[mention.end:end]
    if start > 0:
        before = "…" + before.split(" ", 1)[-1] if " " in before else "…" + before
    if end < len(text):
        after = (after.rsplit(" ", 1)[0] if " " in after else after) + "…"
    return Snippet(before, text[mention.start:mention.end], after, f"p-{mention.paragraph}")


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when longer than `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.") + "…"


def format_date(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"
