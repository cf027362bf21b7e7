"""Rules that take non-article text out of the body: site chrome, an author bio, a truncated teaser, pull quotes."""
from __future__ import annotations

import difflib
import re

from .header import looks_like_name
from .model import Draft
from .paragraphs import ends_with_punctuation, full_copy_of_teaser, split_sentences
from .vocabulary import CLOSERS, OPENERS

CHROME_LINES = {"comments", "comment", "share", "share this", "share this article", "share this story",
                "text", "text size", "small", "medium", "large", "line spacing", "normal", "leave a reply",
                "leave a comment", "advertisement", "subscribe", "print", "email", "tweet", "facebook",
                "twitter", "linkedin", "whatsapp", "copy link", "related", "tags", "more", "close",
                "font size", "a a a", "aa", "listen", "save", "bookmark", "sign up", "log in", "login",
                "show comments", "view comments", "cancel reply", "reply", "post comment", "read more",
                "continue reading", "most popular", "most read", "trending", "newsletter"}
# A phrase marks chrome only where it opens a short line: in prose ("Residents can subscribe to the
# alerts ...", "... retains all rights reserved under its licence") the same words are text.
CHROME_PHRASES = re.compile(
    r"^(?:your email address will not be published|required fields are marked|leave a reply|"
    r"share this (?:article|story)|share (?:on|via) \w+|sign up for (?:our|the) newsletter|"
    r"subscribe to (?:our|the)|all rights reserved|copyright\b|©|story continues below|advertisement$|"
    r"\(?\d+\)? comments?$|comments? \(\d+\)$)",
    re.IGNORECASE)
BIO_ROLE = re.compile(
    r"\b(?:is|was)\s+(?:an?|the)\s+[^.]{0,200}?\b(?:expert|editor|correspondent|writer|journalist|"
    r"fellow|professor|director|analyst|reporter|columnist|contributor|author|researcher|founder|"
    r"chair|head|member|lecturer|consultant|adviser|advisor|at|with|of|for)\b|"
    r"\b(?:covers|writes|reports)\s[^.]{0,150}?\b(?:for|at)\s+(?:the\s+)?[A-Z]")
BIO_SUBJECT = re.compile(r"[—–-]?\s*((?:\S+\s+){1,4}?)(?:is|was|covers|writes|reports)\s")


def is_chrome(line: str) -> bool:
    """A sharing button, menu item, comment-form line or copyright notice, alone on its line."""
    core = re.sub(r"\s+", " ", line.strip().strip("*·•|")).strip().lower()
    return core in CHROME_LINES or (len(core) <= 150 and bool(CHROME_PHRASES.search(core)))


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
    """A last line "Name is an expert with ..." / "— Name covers energy for ..." goes to `author_bio`.

    Otherwise the subject must be a name that the byline (if any) contains and the body does not:
    a last line about someone quoted in the article is prose about a source, not a bio.
    """
    if len(draft.paragraphs) < 2:
        return
    last, author = draft.paragraphs[-1], draft.header.author
    match = BIO_SUBJECT.match(last)
    subject = match.group(1).strip() if match else ""
    by_author = author is not None and bool(subject) and subject.startswith(author)
    surname = subject.split()[-1] if subject else ""
    in_body = surname in "\n".join(draft.paragraphs[:-1])
    named = looks_like_name(subject) and (author is None or surname in author) and not in_body
    if len(last) <= 300 and (by_author or named) and BIO_ROLE.search(last):
        draft.author_bio = re.sub(r"^[—–-]\s*", "", draft.paragraphs.pop())
        draft.notes.append("moved the author bio at the end to author_bio")


def drop_truncated_teaser(draft: Draft) -> None:
    """A teaser (paragraphs, the last cut off with "…") repeated later in full: keep the full copy only.

    Chrome between the teaser and the full copy ("Read more", "Continue reading") goes with it.
    """
    paragraphs = draft.paragraphs
    for index in range(len(paragraphs)):
        full = full_copy_of_teaser(paragraphs, index)
        if full is None:
            continue
        size = 1
        while index - size >= 0 and full - size > index and paragraphs[index - size] == paragraphs[full - size]:
            size += 1
        links = [p for p in paragraphs[index + 1:full] if is_chrome(p)]
        rest = [p for j, p in enumerate(paragraphs) if j > index and not (j < full and is_chrome(p))]
        draft.paragraphs = paragraphs[: index - size + 1] + rest
        draft.notes.append(f"dropped a truncated teaser ({size} paragraph(s)) repeated in full below it")
        draft.notes.extend(f"dropped site chrome: {link}" for link in links)
        return


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
