"""`import_text`: runs the rules in order over one raw text and returns front matter and a Markdown body (pure)."""
from __future__ import annotations

from .cleanup import drop_pull_quotes, drop_trailing_chrome, drop_truncated_teaser, take_author_bio
from .escape import escape_markdown
from .header import take_header
from .model import Draft, ImportResult
from .paragraphs import recover_paragraphs
from .text import normalise_text


def import_text(text: str, source_name: str) -> ImportResult:
    """Turn one raw text into front matter and a Markdown body (pure; see the module contract)."""
    text, notes = normalise_text(text)
    draft = Draft([], notes)
    draft.paragraphs = recover_paragraphs(text, draft)
    for rule in (drop_trailing_chrome, take_header, take_author_bio, drop_truncated_teaser,
                 drop_pull_quotes, drop_trailing_chrome):
        rule(draft)
    if not draft.paragraphs:
        draft.notes.append(f"{source_name}: no body text was left")
    front_matter = build_front_matter(draft)
    body = "\n\n".join(escape_markdown(p) for p in draft.paragraphs) + "\n"
    return ImportResult(front_matter, body, tuple(draft.notes))


def build_front_matter(draft: Draft) -> dict:
    """The keys the validator accepts, in reading order; null for what was not found."""
    header = draft.header
    front = {"title": header.title, "date": header.date, "author": header.author}
    if draft.author_bio:
        front["author_bio"] = draft.author_bio
    front["publication"] = None
    optional = {"standfirst": header.standfirst, "section": header.section, "image_caption": header.image_caption}
    front.update({key: value for key, value in optional.items() if value})
    if draft.related:
        front["related"] = list(draft.related)
    front.update(stance=None, stance_note=None, summary=None)
    return front
