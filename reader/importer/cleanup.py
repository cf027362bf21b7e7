"""Rules that take non-article text out of the body: site chrome, an author bio, a truncated teaser, pull quotes."""
from __future__ import annotations

import difflib
import re

from .header import looks_like_name
from .model import Draft
from .paragraphs import ends_with_punctuation, split_sentences
from .vocabulary import CLOSERS, OPENERS

CHROME_LINES = {"comments", "comment", "share", "share this", "share this article", "share this story",
                "text", "text size", "small", "medium", "large", "line spacing", "normal", "leave a reply",
                "leave a comment", "advertisement", "subscribe", "print", "email", "tweet", "facebook",
                "twitter", "linkedin", "whatsapp", "copy link", "related", "tags", "more", "close",
                "font size", "a a a", "aa", "listen", "save", "bookmark", "sign up", "log in", "login",
                "show comments", "view comments", "cancel reply", "reply", "post comment"}
CHROME_PHRASES = re.compile(
    r"your email address will not be published|required fields are marked|leave a reply|"
    r"share this article|sign up for (?:our|the) newsletter|subscribe to (?:our|the)|"
    r"all rights reserved|story continues below|^advertisement$|^\(?\d+\)? comments?$",
    re.IGNORECASE)
BIO_ROLE = re.compile(
    r"\b(?:is|was)\s+(?:an?|the)\s+[^.]{0,200}?\b(?:expert|editor|correspondent|writer|journalist|"
    r"fellow|professor|director|analyst|reporter|columnist|contributor|author|researcher|founder|"
    r"chair|head|member|lecturer|consultant|adviser|advisor|at|with|of|for)\b")


def is_chrome(line: str) -> bool:
    core = re.sub(r"\s+", " ", line.strip().strip("*·•|")).strip().lower()
    return core in CHROME_LINES or bool(CHROME_PHRASES.search(core))


def drop_trailing_chrome(draft: Draft) -> None:
    """Sharing buttons, text-size menus and comment forms at the end are page furniture, not text."""
    dropped = []
    while draft.paragraphs and is_chrome(draft.paragraphs[-1]):
        dropped.insert(0, draft.paragraphs.pop())
    # "Advertisement" inside the text is an ad slot, wherever it falls.
    ad_slot = re.compile(r"(?i)advertisement|story continues below advertisement")
    kept = [p for p in draft.paragraphs if not ad_slot.fullmatch(p)]
    dropped += ["Advertisement"] * (len(draft.paragraphs) - len(kept))
    draft.paragraphs = kept
    if dropped:
        draft.notes.append(f"dropped site chrome: {' / '.join(dropped)}")


def take_author_bio(draft: Draft) -> None:
    """A last line "Name is an expert with ..." describes the author: it goes to `author_bio`."""
    if len(draft.paragraphs) < 2:
        return
    last = draft.paragraphs[-1]
    match = re.match(r"((?:\S+\s+){1,4}?)(?:is|was)\s", last)
    subject = match.group(1).strip() if match else ""
    by_author = draft.header.author is not None and last.startswith(draft.header.author)
    if len(last) <= 300 and (by_author or looks_like_name(subject)) and BIO_ROLE.search(last):
        draft.author_bio = draft.paragraphs.pop()
        draft.notes.append("moved the author bio at the end to author_bio")


def drop_truncated_teaser(draft: Draft) -> None:
    """A teaser (paragraphs, the last cut off with "…") repeated later in full: keep the full copy only."""
    paragraphs = draft.paragraphs
    for index, paragraph in enumerate(paragraphs):
        stem = truncated_stem(paragraph)
        full = next((j for j in range(index + 1, len(paragraphs)) if stem and paragraphs[j].startswith(stem)
                     and len(paragraphs[j]) > len(stem)), None)
        if full is None:
            continue
        size = 1
        while index - size >= 0 and full - size > index and paragraphs[index - size] == paragraphs[full - size]:
            size += 1
        draft.paragraphs = paragraphs[: index - size + 1] + paragraphs[index + 1:]
        draft.notes.append(f"dropped a truncated teaser ({size} paragraph(s)) repeated in full below it")
        return


def truncated_stem(paragraph: str) -> str | None:
    """The text before a final "…" or "...", when it is long enough to be a cut-off paragraph."""
    match = re.fullmatch(r"(.{40,}?)\s*(?:…|\.\.\.)", paragraph, re.DOTALL)
    return match.group(1).rstrip() if match else None


def drop_pull_quotes(draft: Draft) -> None:
    """A short unpunctuated line repeating or paraphrasing a body sentence is a pull quote: dropped."""
    kept, dropped = [], []
    for index, paragraph in enumerate(draft.paragraphs):
        others = draft.paragraphs[:index] + draft.paragraphs[index + 1:]
        if is_pull_quote(paragraph, others):
            dropped.append(paragraph)
        else:
            kept.append(paragraph)
    draft.paragraphs = kept
    draft.notes.extend(f"dropped pull quote: {line}" for line in dropped)


def is_pull_quote(line: str, others: list[str]) -> bool:
    if len(line) > 200 or len(line.split()) < 4 or ends_with_punctuation(line):
        return False
    needle = line.lower().strip(OPENERS + CLOSERS)
    body = "\n".join(others).lower()
    if needle in body:
        return True
    return any(similarity(needle, s.lower()) >= 0.8 for p in others for s in split_sentences(p))


def similarity(line: str, sentence: str) -> float:
    """difflib ratio, or how much of the line the sentence covers when the sentence is not much longer."""
    matcher = difflib.SequenceMatcher(None, line, sentence, autojunk=False)
    if len(sentence) > 2.5 * len(line):
        return 0.0
    covered = sum(block.size for block in matcher.get_matching_blocks()) / len(line)
    return max(matcher.ratio(), covered)
