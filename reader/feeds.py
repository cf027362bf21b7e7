"""Atom 1.0 feeds (RFC 4287) of the articles and of the newest editors' notes: `LinkedSite` -> bytes, pure.

Every date comes from the content (an article's `date`, a note's `date`), never
from the clock, so two builds are byte-identical. Every string goes through
ElementTree, which escapes it; HTML bodies travel escaped (`type="html"`), and
characters that XML 1.0 cannot carry are dropped, so no content can break the XML.
Entry ids are the entries' absolute permalinks under the site's base URL.
"""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ElementTree
from html import escape

from . import urls
from .link import LinkedSite
from .model import ANNOTATION_LABELS, VERDICT_LABELS, Site
from .placing import PlacedNote
from .views import shorten

ATOM = "http://www.w3.org/2005/Atom"
NEWEST_NOTES = 50
"""How many notes the annotations feed carries, newest first."""
TITLE_QUOTE_CHARS = 90  # of a note's quote shown in its entry's title
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EPOCH = dt.date(1970, 1, 1)  # the `updated` of a feed with no entries: fixed, so builds stay identical


def articles_feed(linked: LinkedSite) -> bytes:
    """/feed.xml: every article, newest first, with our summary."""
    site = linked.content.site
    articles = linked.content.articles
    feed = _feed(site, site.title, urls.articles_feed(), max((a.date for a in articles), default=_EPOCH))
    _add(feed, "subtitle", site.description)
    for article in articles:
        entry = _entry(feed, site.absolute(urls.article(article.slug)), article.title, article.date)
        for name in article.authors or ("Author unknown",):
            _add(ElementTree.SubElement(entry, "author"), "name", name)
        _add(entry, "category", term=article.stance, label=site.stance(article.stance).label)
        _add(entry, "summary", article.summary or article.title, type="text")
    return _serialise(feed)


def annotations_feed(linked: LinkedSite) -> bytes:
    """/annotations.xml: the NEWEST_NOTES newest notes by their date, each linking to its permalink."""
    site = linked.content.site
    notes = newest_notes(linked, NEWEST_NOTES)
    updated = max((note.annotation.date for _, note in notes), default=_EPOCH)
    feed = _feed(site, f"{site.title}: editors' notes", urls.annotations_feed(), updated)
    for slug, note in notes:
        _annotation_entry(feed, linked, slug, note)
    return _serialise(feed)


def newest_notes(linked: LinkedSite, limit: int) -> list[tuple[str, PlacedNote]]:
    """(article slug, note) of the `limit` newest notes; equal dates keep article order, then reading order."""
    notes = [(article.slug, note) for article in linked.content.articles for note in linked.notes[article.slug]]
    notes.sort(key=lambda pair: pair[1].annotation.date, reverse=True)  # stable, also in reverse
    return notes[:limit]


def _annotation_entry(feed: ElementTree.Element, linked: LinkedSite, slug: str, note: PlacedNote) -> None:
    site, annotation = linked.content.site, note.annotation
    article_url = site.absolute(urls.article(slug))
    label = ANNOTATION_LABELS[annotation.kind]
    if annotation.verdict:
        label += f" ({VERDICT_LABELS[annotation.verdict]})"
    entry = _entry(feed, f"{article_url}#{annotation.id}", f"{label}: “{shorten(annotation.quote, TITLE_QUOTE_CHARS)}”",
                   annotation.date)
    _add(ElementTree.SubElement(entry, "author"), "name", annotation.editor)
    _add(entry, "category", term=annotation.kind, label=ANNOTATION_LABELS[annotation.kind])
    if annotation.verdict:
        _add(entry, "category", term=annotation.verdict, label=VERDICT_LABELS[annotation.verdict])
    body = _note_body(linked.note_html[(slug, annotation.id)][0], note, linked.articles_by_slug[slug].title,
                      article_url)
    # xml:base: a relative link in the note resolves against the article, where the note is shown.
    _add(entry, "content", body, type="html", **{"xml:base": article_url})


def _note_body(note_html: str, note: PlacedNote, article_title: str, article_url: str) -> str:
    """The note's HTML, then the passage it is on, its article and its sources."""
    passage = note.passage or note.annotation.quote
    parts = [note_html, f'<p>On “{escape(passage, quote=False)}” in <a href="{escape(article_url)}">{escape(article_title, quote=False)}</a>.</p>']
    sources = note.annotation.sources
    if sources:
        items = "".join(f'<li><a href="{escape(s.url)}">{escape(s.title, quote=False)}</a></li>' for s in sources)
        parts.append(f"<p>Sources:</p><ul>{items}</ul>")
    return "\n".join(parts)


def _feed(site: Site, title: str, self_url: str, updated: dt.date) -> ElementTree.Element:
    feed = ElementTree.Element("feed", {"xmlns": ATOM, "xml:lang": _xml_text(site.language)})
    _add(feed, "id", site.absolute(self_url))
    _add(feed, "title", title)
    _add(feed, "updated", _timestamp(updated))
    _add(feed, "link", rel="self", type="application/atom+xml", href=site.absolute(self_url))
    _add(feed, "link", rel="alternate", type="text/html", href=site.absolute(urls.home()))
    author = ElementTree.SubElement(feed, "author")
    _add(author, "name", site.title)
    _add(author, "uri", site.base_url)
    return feed


def _entry(feed: ElementTree.Element, url: str, title: str, date: dt.date) -> ElementTree.Element:
    entry = ElementTree.SubElement(feed, "entry")
    _add(entry, "id", url)
    _add(entry, "title", title)
    _add(entry, "updated", _timestamp(date))
    _add(entry, "published", _timestamp(date))
    _add(entry, "link", rel="alternate", type="text/html", href=url)
    return entry


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag, {k: _xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _xml_text(text)
    return element


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def _timestamp(date: dt.date) -> str:
    """An RFC 3339 date-time for a calendar date (Atom requires a time; we only know the day)."""
    return f"{date.isoformat()}T00:00:00Z"


def _serialise(feed: ElementTree.Element) -> bytes:
    ElementTree.indent(feed, space=" ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="utf-8",
                                                                               xml_declaration=False) + b"\n"
