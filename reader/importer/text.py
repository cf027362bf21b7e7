"""Raw bytes to text: UTF-8 decoding (errors name their position) and whitespace normalisation only."""
from __future__ import annotations

import re

from ..diagnostics import Diagnostics, Source

NON_BREAKING_SPACES = "\u00a0\u202f\u2007"


def decode_raw(data: bytes, source: Source, diagnostics: Diagnostics) -> str | None:
    """UTF-8 with or without a BOM; an invalid byte is an error naming its offset, line and column."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + (len(data) - len(body))
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        message = f"not valid UTF-8: byte 0x{data[offset]:02x} at byte offset {offset}"
        diagnostics.error(source.at(line, column), message, "save the file as UTF-8 and import it again")
        return None


def normalise_text(text: str) -> tuple[str, list[str]]:
    """BOM, line endings and non-breaking spaces; nothing else about the text changes."""
    notes = []
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    count = sum(text.count(c) for c in NON_BREAKING_SPACES)
    if count:
        text = re.sub(f"[{NON_BREAKING_SPACES}]", " ", text)
        notes.append(f"replaced {count} non-breaking space(s) with plain spaces")
    return text, notes


def collapse_spaces(paragraph: str) -> str:
    return re.sub(r"[ \t]+", " ", paragraph).strip()
