"""The header at the top (title, standfirst, section, caption, byline, dateline) moves from the body to a `Header`."""
from __future__ import annotations

import datetime as dt
import re

from .model import Draft, Header
from .paragraphs import ends_with_punctuation, full_copy_of_teaser
from .vocabulary import CLOSERS, SENTENCE_STARTERS

NAME_PARTICLES = {"de", "da", "del", "della", "di", "do", "dos", "du", "van", "von", "der", "den", "al",
                  "el", "bin", "ibn", "la", "le", "y"}
CAPTION = re.compile(
    r"\((?:[^()]*\b)?(?:Getty|Reuters|AP|AFP|EPA|Alamy|Shutterstock|Bloomberg|TASS|Sputnik|Xinhua|"
    r"Anadolu|PA|Photo|Image|Credit|[Ff]ile photo)\b[^()]*\)$|"
    r"/\s*(?:AFP|Reuters|AP|EPA|TASS|Sputnik|Getty Images|Xinhua|Anadolu)(?: via Getty Images)?\.?$|"
    r"\bvia Getty Images\.?$|"
    r"^(?:File (?:photo|picture|image)|Photo|Photograph|Picture|Image|Credit|Photo credit)s?\s*:\s*\S|"
    r"^File (?:photo|picture|image)\.?$|"
    r"\. (?:Photo|Photograph|Picture|Image)s?\s*:\s*\S")
MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
MONTH = r"(?P<month>[A-Z][a-z]{2,8})\.?"
TIME = r"\d{1,2}[:.]\d{2}(?:\s?[aApP]\.?[mM]\.?)?(?:\s?[A-Z]{2,4}|\s?[+-]\d{2}:?\d{2})?"
WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?,?\s+"
DATE_FORMS = (
    rf"(?P<year>\d{{4}})-(?P<mnum>\d{{2}})-(?P<day>\d{{2}})",
    rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH},?\s+(?P<year>\d{{4}})",
    rf"{MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})",
)
SEP = r"\s*(?:,|\||—|–|-|·|•|at)?\s*"
DATELINE = [re.compile(
    rf"^(?:(?:Published|Updated|Posted|Last updated)(?: on)?:?\s*)?(?:{TIME}{SEP})?(?:{WEEKDAY})?"
    rf"{form}(?:{SEP}{TIME})?$") for form in DATE_FORMS]
UPDATED = re.compile(r"(?P<first>.+?)\s*(?:[,|—–·•-]\s*)?\b(?i:updated|last updated|modified)\b(?: on)?:?\s*"
                     r"(?P<second>.+)")


def parse_date(line: str) -> str | None:
    """An ISO date when the whole line is a dateline or timestamp, else None.

    "Published <date> · Updated <date or time>" gives the first (publication) date.
    """
    both = UPDATED.fullmatch(line.strip())
    if both and (parse_one_date(both["second"]) or re.fullmatch(TIME, both["second"])):
        return parse_one_date(both["first"])
    return parse_one_date(line)


def parse_one_date(line: str) -> str | None:
    for pattern in DATELINE:
        match = pattern.match(line.strip())
        if match:
            return iso_date(match.groupdict())
    return None


def iso_date(parts: dict) -> str | None:
    month = int(parts["mnum"]) if parts.get("mnum") else month_number(parts.get("month") or "")
    try:
        return dt.date(int(parts["year"]), month or 0, int(parts["day"])).isoformat()
    except ValueError:
        return None


def month_number(name: str) -> int | None:
    name = name.lower().rstrip(".")
    matches = [n for full, n in MONTHS.items() if len(name) >= 3 and full.startswith(name)]
    return matches[0] if len(matches) == 1 else None


def is_caption(line: str) -> bool:
    return bool(CAPTION.search(line.strip()))


def looks_like_name(text: str) -> bool:
    """2-4 capitalised words (with particles such as "de"), as a personal name is; not a headline."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or len(text) > 50 or tokens[0] in SENTENCE_STARTERS:
        return False
    capitalised = [t for t in tokens if re.fullmatch(r"[A-Z][a-zà-ÿ]*(?:[-’'][A-Z]?[a-zà-ÿ]+)*\.?|[A-Z]\.", t)]
    particles = [t for t in tokens if t in NAME_PARTICLES]
    return len(capitalised) + len(particles) == len(tokens) and len(capitalised) >= 2


def byline(line: str, neighbours: list[str], later_text: str) -> dict:
    """"By Name" (maybe "| date") anywhere in the header; a bare name only next to a dateline or named again later."""
    match = re.fullmatch(r"(?i:by)\s+(.+?)\.?", line.strip())
    if match and len(match.group(1)) <= 100:
        return split_byline_date(match.group(1).strip())
    if looks_like_name(line) and (any(parse_date(n) for n in neighbours) or line.strip() in later_text):
        return {"author": line.strip()}
    return {}


def split_byline_date(text: str) -> dict:
    """"Jane Doe | March 3, 2020" -> author and date; a byline without a date is all author."""
    for separator in re.finditer(r"\s*(?:\||—|–|·|•|,)\s*", text):
        date = parse_date(text[separator.end():])
        if date and separator.start():
            return {"author": text[: separator.start()], "date": date}
    return {"author": text}


def is_headline(line: str) -> bool:
    # A headline may end in "?" or "!", never in a full stop.
    return len(line) <= 150 and len(line.split()) <= 20 and not line.rstrip(CLOSERS).endswith((".", ":", ";", ","))


def could_be_title(line: str) -> bool:
    """A headline-shaped line that is not another kind of header line (a label before a title needs one)."""
    other = parse_date(line) or is_caption(line) or is_section_label(line) or re.match(r"(?i)by\s", line)
    return is_headline(line) and not other


def is_section_label(line: str) -> bool:
    return len(line) <= 30 and len(line.split()) <= 3 and not re.search(r"[\d.!?,;:]", line)


def take_header(draft: Draft) -> None:
    """Title, standfirst, section, caption, byline and dateline at the top go to front matter, not the body."""
    paragraphs, found, index = draft.paragraphs, {}, 0
    while index < min(len(paragraphs) - 1, 8):
        fields = classify_header_line(paragraphs, index, found)
        if not fields:
            break
        found.update({key: value for key, value in fields.items() if key not in found})
        index += 1
    draft.paragraphs = paragraphs[index:]
    draft.header = Header(**found)
    if index:
        draft.notes.append(f"moved {index} header line(s) to front matter: {', '.join(found)}")


def classify_header_line(paragraphs: list[str], index: int, found: dict) -> dict:
    """{field: value} for a header line; empty where the body begins."""
    line, later = paragraphs[index], "\n".join(paragraphs[index + 1:])
    neighbours = paragraphs[max(0, index - 1):index] + paragraphs[index + 1:index + 2]
    if len(line) > 400 or full_copy_of_teaser(paragraphs, index) is not None:
        return {}  # too long for a header line, or a teaser: the body has begun
    if date := parse_date(line):
        return {"date": date} if "date" not in found else {}
    if is_caption(line):
        return {"image_caption": line}
    if (fields := byline(line, neighbours, later)) and "author" not in found:
        return fields
    return classify_title_lines(paragraphs, index, found)


def classify_title_lines(paragraphs: list[str], index: int, found: dict) -> dict:
    line = paragraphs[index]
    following = paragraphs[index + 1]
    if is_section_label(line) and "section" not in found and ("title" in found or could_be_title(following)):
        return {"section": line}
    if "title" not in found and is_headline(line):
        return {"title": line}
    header_next = bool(parse_date(following) or is_caption(following) or is_section_label(following))
    standfirst_place = list(found)[-1:] == ["title"] and len(line) <= 300
    if standfirst_place and (not ends_with_punctuation(line) or header_next):
        return {"standfirst": line}
    return {}
