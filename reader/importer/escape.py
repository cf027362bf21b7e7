"""Markdown escaping: a paragraph's text -> Markdown that CommonMark renders back to exactly that text."""
from __future__ import annotations

import re


def escape_markdown(paragraph: str) -> str:
    """Backslash-escape what CommonMark would interpret, and nothing else, so the text renders as written."""
    text = re.sub(r"([\\`*\[\]])", r"\\\1", paragraph)
    # An underscore between two letters cannot open or close emphasis; elsewhere it might.
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    text = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", text)
    text = re.sub(r"&(?=#?[A-Za-z0-9]+;)", r"\\&", text)
    return escape_block_start(text)


def escape_block_start(text: str) -> str:
    """A paragraph must not start a heading, quote, list, rule or fence."""
    if re.match(r"#{1,6}(?:\s|$)|>|[-+](?:\s|$)|(?:-\s*){3,}$|=+\s*$|~~~", text):
        return "\\" + text
    return re.sub(r"^(\d{1,9})([.)])(?=\s|$)", r"\1\\\2", text)
