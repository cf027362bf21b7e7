"""Text to paragraphs: lost or hard-wrapped paragraph breaks are recovered; sentences are split and grouped.

Also here, because both the header and the cleanup rules need it: finding a teaser cut off with "…"
and the paragraph that repeats it in full."""
from __future__ import annotations

import re

from .model import Draft
from .related import move_related_links
from .text import collapse_spaces
from .vocabulary import CLOSERS, OPENERS

ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "capt", "sgt",
                 "gov", "sen", "rep", "pres", "rev", "hon", "inc", "co", "corp", "ltd", "mt", "no", "vs",
                 "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                 "dec", "approx", "fig", "ave", "blvd", "dept", "est", "adm", "cmdr", "maj", "messrs"}


def recover_paragraphs(text: str, draft: Draft) -> list[str]:
    """Paragraphs from lines; a text that lost its line breaks is re-paragraphed (and says so).

    Related links are taken out here, before sentences are grouped, because such
    a link stood between two paragraphs: where it was is a paragraph break.
    """
    notes = draft.notes
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) != 1:
        return move_related_links([collapse_spaces(p) for p in join_hard_wrapped(text, lines)], draft)
    pieces = split_at_space_runs(lines[0])
    if len(pieces) > 1:
        notes.append(f"paragraph breaks inferred from runs of spaces ({len(pieces)} pieces)")
    pieces = move_related_links(pieces, draft)
    paragraphs = []
    for piece in map(collapse_spaces, pieces):
        paragraphs.extend(group_sentences(split_sentences(piece)) if len(piece) > 1400 else [piece])
    if len(paragraphs) > len(pieces):
        notes.append("paragraphing inferred at sentence boundaries (the source has no paragraph breaks); check it")
    return paragraphs


def split_at_space_runs(line: str) -> list[str]:
    """Runs of 2+ spaces mark lost breaks, unless the writer put two spaces after every sentence."""
    runs = len(re.findall(r"(?<=\S) {2,}(?=\S)", line))
    boundaries = len(re.findall(r"[.!?][”\"’)]*\s+", line))
    if runs == 0 or (boundaries >= 3 and runs >= 0.75 * boundaries):
        return [line]
    return [piece for piece in re.split(r"(?<=\S) {2,}(?=\S)", line) if piece.strip()]


def join_hard_wrapped(text: str, lines: list[str]) -> list[str]:
    """Single newlines separate paragraphs, except inside blocks that were hard-wrapped at ~72-100 columns."""
    if max(map(len, lines), default=0) > 100 or not re.search(r"\n\s*\n", text.strip()):
        return lines
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        rows = [row.strip() for row in block.split("\n") if row.strip()]
        paragraphs.extend([" ".join(rows)] if is_hard_wrapped(rows) else rows)
    return paragraphs


def is_hard_wrapped(rows: list[str]) -> bool:
    """Long rows that mostly stop mid-sentence were wrapped by a tool, not broken by the writer."""
    inner = rows[:-1]
    mid_sentence = [row for row in inner if not ends_with_punctuation(row)]
    return bool(inner) and all(len(row) >= 50 for row in inner) and len(mid_sentence) * 2 >= len(inner)


def split_sentences(text: str) -> list[str]:
    """Sentences, never split inside a quotation or after an abbreviation or an initial."""
    sentences, start = [], 0
    for match in re.finditer(r"[.!?…][”\"’)\]]*(\s+)(?=[“\"‘(\[]?[A-Z0-9])", text):
        end = match.start(1)
        if inside_quotation(text, start, end) or ends_with_abbreviation(text[start:end]):
            continue
        sentences.append(text[start:end])
        start = match.end()
    sentences.append(text[start:])
    return [s for s in sentences if s]


def inside_quotation(text: str, start: int, end: int) -> bool:
    """Whether `end` falls inside an open quotation; a quote left open for 600+ characters is a typo, not a quote."""
    opened = None
    for index in range(start, end):
        char = text[index]
        if char == "“" or (char == '"' and opened is None):
            opened = index
        elif char in "”\"":
            opened = None
    return opened is not None and end - opened < 600


def ends_with_abbreviation(sentence: str) -> bool:
    word = sentence.rstrip(CLOSERS).split()[-1].lstrip(OPENERS) if sentence.split() else ""
    if not word.endswith("."):
        return False
    stem = word[:-1]
    # "U.S." / "e.g." (dotted letters), "J." (an initial), "Mr." (a known abbreviation).
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]|[A-Z]", stem)) or stem.lower() in ABBREVIATIONS


def group_sentences(sentences: list[str]) -> list[str]:
    """About 3-4 sentences or 500-700 characters per paragraph; a short tail joins the paragraph before."""
    groups: list[list[str]] = [[]]
    for sentence in sentences:
        current = groups[-1]
        size = sum(len(s) + 1 for s in current)
        if current and (size >= 650 or (len(current) >= 4 and size >= 400)):
            groups.append([])
        groups[-1].append(sentence)
    if len(groups) > 1 and sum(len(s) for s in groups[-1]) < 200:
        groups[-2].extend(groups.pop())
    return [" ".join(group) for group in groups]


def ends_with_punctuation(text: str) -> bool:
    """Whether a line ends like a sentence (closing quotes and brackets ignored)."""
    core = text.rstrip().rstrip(CLOSERS)
    return bool(core) and core[-1] in ".!?…:;,"


def truncated_stem(paragraph: str) -> str | None:
    """The text before a final "…" or "...", when it is long enough to be a cut-off paragraph."""
    match = re.fullmatch(r"(.{40,}?)\s*(?:…|\.\.\.)", paragraph, re.DOTALL)
    return match.group(1).rstrip() if match else None


def full_copy_of_teaser(paragraphs: list[str], index: int) -> int | None:
    """Where paragraph `index`, cut off with "…", is repeated in full further on; None if it is not a teaser."""
    stem = truncated_stem(paragraphs[index])
    if not stem:
        return None
    return next((j for j in range(index + 1, len(paragraphs))
                 if paragraphs[j].startswith(stem) and len(paragraphs[j]) > len(stem)), None)
