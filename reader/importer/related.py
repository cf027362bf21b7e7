"""Related-link lines ("See: <headline>") leave the prose for the `related` front-matter list."""
from __future__ import annotations

import re

from .model import Draft
from .vocabulary import OPENERS, SENTENCE_STARTERS

SMALL_WORDS = {"a", "an", "the", "and", "but", "or", "nor", "of", "to", "in", "on", "at", "by", "for",
               "with", "from", "into", "vs", "via", "as", "up", "over"}
RELATED_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[.!?…”\"’)] ))(?:Related(?: articles?| stories| reading)?|See also|See|Read more|"
    r"Read also|Also read|Further reading|Recommended|More on this(?: story)?)\s*:\s+",
    re.IGNORECASE)


def move_related_links(paragraphs: list[str], draft: Draft) -> list[str]:
    """"See: <headline> — Forbes" and the like are links to other pages: out of the prose, into `related`."""
    kept = [piece for paragraph in paragraphs for piece in take_related_segments(paragraph, draft.related)]
    if draft.related:
        draft.notes.append(f"moved {len(draft.related)} related link(s) to related: " + "; ".join(draft.related))
    return kept


def take_related_segments(paragraph: str, related: list[str]) -> list[str]:
    """The prose around each related segment, as separate paragraphs."""
    pieces = []
    while match := RELATED_LABEL.search(paragraph):
        rest = paragraph[match.end():]
        whole = match.start() == 0 and len(paragraph) <= 200
        length = len(rest) if whole else related_segment_length(rest)
        if not length:
            break
        related.append(rest[:length].strip().rstrip(" —–-|"))
        pieces.append(paragraph[: match.start()].strip())
        paragraph = rest[length:].strip()
    return [piece for piece in [*pieces, paragraph] if piece]


def related_segment_length(rest: str) -> int:
    """Length of a headline (title case, maybe "— Source") running into the next sentence without a break."""
    tokens = rest.split(" ")
    prose = next((i for i, t in enumerate(tokens) if not titleish(t)), len(tokens))
    if prose == len(tokens):
        return len(rest)
    starts = [i for i in range(prose) if capitalised(tokens[i])]
    if not starts or starts[-1] == 0:
        return 0
    start = starts[-1]
    if start > 1 and tokens[start - 1] in SENTENCE_STARTERS:
        start -= 1
    return len(" ".join(tokens[:start]))


def capitalised(token: str) -> bool:
    """A capitalised word or a number ("2021", "$2", "€1.5bn"), as headlines are made of."""
    core = token.lstrip(OPENERS).lstrip("$£€¥")
    return bool(core) and (core[0].isupper() or core[0].isdigit())


def titleish(token: str) -> bool:
    return not token or capitalised(token) or token in SMALL_WORDS or token in {"—", "–", "-", "|", ":", "&"}
