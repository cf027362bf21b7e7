"""Importer: a raw article text (as copied from a web page) -> front matter + Markdown body.

Contract:
- `import_text(text, source_name) -> ImportResult` is pure. It never invents a
  value: what it cannot infer is `None` (written `null`) and listed in `notes`,
  together with everything it dropped (site chrome, a truncated teaser, pull
  quotes). The source's wording, spelling and punctuation are kept exactly;
  only whitespace is normalised, and Markdown metacharacters are escaped so
  that the body renders (CommonMark) to exactly the source text.
- `import_files(paths, root, force) -> int` writes `content/articles/<slug>.md`
  and a byte-exact `content/raw/<slug>.txt` per file, never overwriting either
  without `force`. Problems are reported on stderr as `path:line:col: error: ...`
  and the other files still go through; the exit code is 1 if any file failed.

The rules run in this order (each a small function below): normalise
whitespace, recover paragraphs, drop trailing site chrome, take the header
(title, standfirst, section, caption, byline, dateline), take an author bio at
the end, drop a truncated teaser, move related-link lines, drop pull quotes,
escape Markdown.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .diagnostics import Diagnostics, Source

# ---------------------------------------------------------------- result types


@dataclass(frozen=True)
class ImportResult:
    """What one raw text became."""

    front_matter: dict
    """Ordered front matter; unknown values are None (written `null`)."""
    body: str
    """Markdown body: paragraphs separated by blank lines, metacharacters escaped."""
    notes: tuple[str, ...]
    """What could not be inferred and what was dropped, for the per-file report."""


@dataclass(frozen=True)
class Header:
    """Fields found at the top of the text, before the first body paragraph."""

    title: str | None = None
    standfirst: str | None = None
    section: str | None = None
    image_caption: str | None = None
    author: str | None = None
    date: str | None = None


@dataclass
class Draft:
    """The text between rules: paragraphs still unescaped, plus what was taken out."""

    paragraphs: list[str]
    notes: list[str] = field(default_factory=list)
    header: Header = Header()
    author_bio: str | None = None
    related: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- vocabularies

NON_BREAKING_SPACES = "\u00a0\u202f\u2007"
CLOSERS = "”’\"')]»"
OPENERS = "“‘\"'([«"
SMALL_WORDS = {"a", "an", "the", "and", "but", "or", "nor", "of", "to", "in", "on", "at", "by", "for",
               "with", "from", "into", "vs", "via", "as", "up", "over"}
# Words that start a sentence but rarely end a headline or a publication's name.
SENTENCE_STARTERS = {"The", "A", "An", "In", "On", "At", "But", "And", "This", "That", "These", "Those",
                     "It", "Its", "His", "Her", "Their", "For", "As", "After", "When", "While", "Under",
                     "If", "Since", "With", "According", "Last", "Meanwhile", "However"}
NAME_PARTICLES = {"de", "da", "del", "della", "di", "do", "dos", "du", "van", "von", "der", "den", "al",
                  "el", "bin", "ibn", "la", "le", "y"}
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "capt", "sgt",
                 "gov", "sen", "rep", "pres", "rev", "hon", "inc", "co", "corp", "ltd", "mt", "no", "vs",
                 "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                 "dec", "approx", "fig", "ave", "blvd", "dept", "est", "adm", "cmdr", "maj", "messrs"}
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
RELATED_LABEL = re.compile(
    r"(?:(?<=^)|(?<=[.!?…”\"’)] ))(?:Related(?: articles?| stories| reading)?|See also|See|Read more|"
    r"Read also|Also read|Further reading|Recommended|More on this(?: story)?)\s*:\s+",
    re.IGNORECASE)
CAPTION = re.compile(
    r"\((?:[^()]*\b)?(?:Getty|Reuters|AP|AFP|EPA|Alamy|Shutterstock|Bloomberg|TASS|Sputnik|Xinhua|"
    r"Anadolu|PA|Photo|Image|Credit)\b[^()]*\)$|"
    r"/\s*(?:AFP|Reuters|AP|EPA|TASS|Sputnik|Getty Images|Xinhua|Anadolu)(?: via Getty Images)?\.?$|"
    r"\bvia Getty Images\.?$|^(?:Photo|Photograph|Picture|Image|Credit|Photo credit)s?\s*:\s*\S|"
    r"\. (?:Photo|Photograph|Picture|Image)s?\s*:\s*\S")
BIO_ROLE = re.compile(
    r"\b(?:is|was)\s+(?:an?|the)\s+[^.]{0,200}?\b(?:expert|editor|correspondent|writer|journalist|"
    r"fellow|professor|director|analyst|reporter|columnist|contributor|author|researcher|founder|"
    r"chair|head|member|lecturer|consultant|adviser|advisor|at|with|of|for)\b")
MONTHS = {m.lower(): i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}
MONTH = r"(?P<month>[A-Z][a-z]{2,8})\.?"
TIME = r"\d{1,2}[:.]\d{2}(?:\s?[ap]\.?m\.?)?(?:\s?[A-Z]{2,4}|\s?[+-]\d{2}:?\d{2})?"
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

# ---------------------------------------------------------------- public API


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


def import_files(paths: list[Path], root: Path, force: bool) -> int:
    """Import each FILE into `root/content`; report per file; exit code 0, or 1 if any failed."""
    diagnostics, used = Diagnostics(), set()
    for path in paths:
        import_one(Path(path), Path(root), force, diagnostics, used)
    for problem in diagnostics.sorted():
        print(problem.format(), file=sys.stderr)
    return 1 if diagnostics.has_errors() else 0


# ---------------------------------------------------------------- files


def import_one(path: Path, root: Path, force: bool, diagnostics: Diagnostics, used: set) -> None:
    """Import one file, or add an error and write nothing."""
    source = Source(path.as_posix())
    try:
        data = path.read_bytes()
    except OSError as error:
        diagnostics.error(source, f"cannot read the file: {error.strerror or error}")
        return
    text = decode_raw(data, source, diagnostics)
    if text is None:
        return
    result = import_text(text, path.as_posix())
    slug = unique_slug(choose_slug(result.front_matter.get("title"), path.stem), used)
    article, raw = root / "content" / "articles" / f"{slug}.md", root / "content" / "raw" / f"{slug}.txt"
    existing = [p for p in (article, raw) if p.exists()]
    if existing and not force:
        for target in existing:
            diagnostics.error(source, f"{target.relative_to(root).as_posix()} exists; pass --force to overwrite")
        return
    front_matter = with_provenance(result.front_matter, raw.relative_to(root).as_posix(), data)
    write_file(raw, data)
    write_file(article, render_article(front_matter, result.body).encode("utf-8"))
    used.add(slug)
    print_report(path, article.relative_to(root).as_posix(), front_matter, result.notes)


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


def with_provenance(front_matter: dict, raw_path: str, data: bytes) -> dict:
    """The front matter plus where the raw copy is and its sha256, so edits to it can be detected."""
    return {**front_matter, "raw": raw_path, "raw_sha256": hashlib.sha256(data).hexdigest()}


def render_article(front_matter: dict, body: str) -> str:
    dumped = yaml.safe_dump(front_matter, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{dumped}---\n{body}"


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def print_report(path: Path, article: str, front_matter: dict, notes: tuple[str, ...]) -> None:
    nulls = [key for key in ("title", "date", "author", "publication") if front_matter.get(key) is None]
    print(f"{path.as_posix()}: wrote {article} (raw copy: {front_matter['raw']})")
    if nulls:
        print(f"  could not infer (written as null): {', '.join(nulls)}")
    for note in notes:
        print(f"  {note}")


# ---------------------------------------------------------------- slugs


def choose_slug(title: str | None, stem: str) -> str:
    """From the detected title when there is one, else from the file name; always `^[a-z0-9][a-z0-9-]*$`."""
    return slugify(title or "") or slugify(stem) or "article"


def slugify(text: str, limit: int = 60) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.replace("'", "")).strip("-")
    if len(slug) > limit:
        # Cut at a word boundary so the slug never ends in half a word.
        cut = slug[: limit + 1].rsplit("-", 1)[0]
        slug = cut if cut else slug[:limit]
    return slug.strip("-")


def unique_slug(slug: str, used: set) -> str:
    """Two files of one run that would share a slug get -2, -3, ... instead of overwriting each other."""
    candidate, n = slug, 2
    while candidate in used:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


# ---------------------------------------------------------------- whitespace and paragraphs


def normalise_text(text: str) -> tuple[str, list[str]]:
    """BOM, line endings and non-breaking spaces; nothing else about the text changes."""
    notes = []
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    count = sum(text.count(c) for c in NON_BREAKING_SPACES)
    if count:
        text = re.sub(f"[{NON_BREAKING_SPACES}]", " ", text)
        notes.append(f"replaced {count} non-breaking space(s) with plain spaces")
    return text, notes


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


def collapse_spaces(paragraph: str) -> str:
    return re.sub(r"[ \t]+", " ", paragraph).strip()


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


# ---------------------------------------------------------------- sentences


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


# ---------------------------------------------------------------- chrome


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


# ---------------------------------------------------------------- header


def parse_date(line: str) -> str | None:
    """An ISO date when the whole line is a dateline or timestamp, else None."""
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
    if len(line) > 400:
        return {}
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


# ---------------------------------------------------------------- end matter


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


# ---------------------------------------------------------------- related links


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
    core = token.lstrip(OPENERS)
    return bool(core) and (core[0].isupper() or core[0].isdigit())


def titleish(token: str) -> bool:
    return not token or capitalised(token) or token in SMALL_WORDS or token in {"—", "–", "-", "|", ":", "&"}


# ---------------------------------------------------------------- pull quotes


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


# ---------------------------------------------------------------- front matter and Markdown


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
