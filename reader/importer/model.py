"""The importer's data: the `ImportResult` it returns, and the `Draft` (with its `Header`) the rules pass along."""
from __future__ import annotations

from dataclasses import dataclass, field


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
