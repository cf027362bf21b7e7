"""Timeline: articles by stance and the dated events of editors' notes, as data and as build-time SVG (pure).

Contract:
- `timeline_data(linked)` reads only through `linked`: every article (date, stance) and every annotation
  with an `event_date`, labelled in our words from the data (the note's kind and verdict, then its claim's
  title, else the quoted passage shortened); the years shown span the earliest to the latest date found.
- `timeline_svg(timeline, link)`: one lane per stance (named in text) plus a lane of events, on a linear
  time axis; marks that share a place are stacked, never hidden. `per_year_svg(timeline, link)`: articles
  per stance per year, as bars with their count written. Every mark is an `<a href>` with an accessible
  name; colours come from CSS (currentColor and reader.css's custom properties); all text is escaped.
- Same input, same bytes: everything is ordered by (date, key) and coordinates are rounded.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from . import urls
from .model import ANNOTATION_LABELS, VERDICT_LABELS
from .views import format_date, shorten

WIDTH = 960
GUTTER = 190  # room for the lane names on the left
RIGHT = 20
MARK = 7  # half the size of a mark
ROW = 16  # vertical step between stacked marks
LANE_PAD = 14
AXIS = 34  # room for the year labels below the lanes
QUOTE_LENGTH = 70


@dataclass(frozen=True)
class ArticleMark:
    slug: str
    title: str
    date: dt.date
    stance: str
    approximate: bool


@dataclass(frozen=True)
class EventMark:
    date: dt.date
    slug: str
    """The article whose note names the event."""
    annotation_id: str
    label: str
    article_title: str


@dataclass(frozen=True)
class Timeline:
    articles: tuple[ArticleMark, ...]
    """Oldest first, then by slug."""
    events: tuple[EventMark, ...]
    """Oldest first, then by article and annotation id."""
    stances: tuple[tuple[str, str], ...]
    """(key, label) in the site's order."""
    first_year: int
    last_year: int


def event_label(kind: str, verdict: str | None, quote: str, claim_title: str | None) -> str:
    """A note's event in our words: its kind (and verdict), then its claim's title or the passage it quotes."""
    tag = ANNOTATION_LABELS.get(kind, kind) + (f" ({VERDICT_LABELS[verdict].lower()})" if verdict else "")
    return f"{tag}: {claim_title}" if claim_title else f"{tag}: “{shorten(quote, QUOTE_LENGTH)}”"


def timeline_data(linked) -> Timeline:
    """Everything the timeline page shows, from `linked` (a LinkedSite, tracked or not)."""
    site = linked.content.site
    articles = tuple(sorted((ArticleMark(a.slug, a.title, a.date, a.stance, a.date_precision == "approximate")
                             for a in linked.content.articles), key=lambda m: (m.date, m.slug)))
    events = tuple(sorted((_event(linked, mark.slug, mark.title, note.annotation)
                           for mark in articles for note in linked.notes[mark.slug] if note.annotation.event_date),
                          key=lambda e: (e.date, e.slug, e.annotation_id)))
    years = [m.date.year for m in articles] + [e.date.year for e in events] or [1]  # no dates: the page says so
    return Timeline(articles, events, tuple((s.key, s.label) for s in site.stances), min(years), max(years))


def _event(linked, slug: str, article_title: str, annotation) -> EventMark:
    claim = linked.claims_by_id[annotation.claim].title if annotation.claim else None
    label = event_label(annotation.kind, annotation.verdict, annotation.quote, claim)
    return EventMark(annotation.event_date, slug, annotation.id, label, article_title)


def event_url(event: EventMark) -> str:
    """The note's permalink: the article page, at the note's id."""
    return f"{urls.article(event.slug)}#{event.annotation_id}"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


class Axis:
    """Dates -> x, linear, from 1 January of the first year to 1 January after the last."""

    def __init__(self, first_year: int, last_year: int):
        self.start = dt.date(first_year, 1, 1).toordinal()
        self.end = dt.date(last_year + 1, 1, 1).toordinal()
        self.years = range(first_year, last_year + 1)

    def x(self, date: dt.date) -> float:
        return round(GUTTER + (date.toordinal() - self.start) / (self.end - self.start) * (WIDTH - GUTTER - RIGHT), 1)


def stack(xs: list[float], gap: float = 2 * MARK + 2) -> list[int]:
    """The row of each mark (in the order given): the lowest row where it keeps `gap` from the marks there."""
    last_in_row: list[float] = []
    rows = []
    for x in xs:
        row = next((i for i, last in enumerate(last_in_row) if x - last >= gap), len(last_in_row))
        if row == len(last_in_row):
            last_in_row.append(x)
        last_in_row[row] = x
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Lane:
    name: str
    marks: tuple[tuple[float, int, str, str, str], ...]
    """(x, row, href, accessible name, shape) per mark."""

    @property
    def height(self) -> int:
        rows = max((row for _, row, *_ in self.marks), default=0) + 1
        return 2 * LANE_PAD + rows * ROW


def _lanes(timeline: Timeline, axis: Axis, link: Callable[[str], str]) -> list[Lane]:
    lanes = []
    for key, label in timeline.stances:
        marks = [m for m in timeline.articles if m.stance == key]
        lanes.append(_lane(label, [(axis.x(m.date), link(urls.article(m.slug)), _article_name(m, label), "circle")
                                   for m in marks]))
    events = [(axis.x(e.date), link(event_url(e)), _event_name(e), "diamond") for e in timeline.events]
    lanes.append(_lane("Events in the notes", events))
    return lanes


def _lane(name: str, marks: list[tuple[float, str, str, str]]) -> Lane:
    rows = stack([x for x, *_ in marks])
    return Lane(name, tuple((x, row, href, label, shape) for (x, href, label, shape), row in zip(marks, rows)))


def _article_name(mark: ArticleMark, stance_label: str) -> str:
    about = "about " if mark.approximate else ""
    return f"{mark.title}: article of {about}{format_date(mark.date)}, stance: {stance_label}"


def _event_name(event: EventMark) -> str:
    return f"{format_date(event.date)}: {event.label} (a note on “{event.article_title}”)"


def _svg_start(css_class: str, height: int, title_id: str, title: str) -> str:
    """The opening of a chart: its box, and its title as the accessible name of the group of links."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" viewBox="0 0 {WIDTH} {height}" '
            f'role="group" aria-labelledby="{title_id}">\n<title id="{title_id}">{escape(title)}</title>')


def timeline_svg(timeline: Timeline, link: Callable[[str], str], title_id: str = "timeline-title") -> Markup:
    """Articles in stance lanes and events in their own lane, on one time axis (see the module docstring)."""
    axis = Axis(timeline.first_year, timeline.last_year)
    lanes = _lanes(timeline, axis, link)
    height = sum(lane.height for lane in lanes) + AXIS
    title = (f"Timeline from {timeline.first_year} to {timeline.last_year}: {len(timeline.articles)} articles "
             f"by stance, {len(timeline.events)} events from the notes")
    parts = [_svg_start("timeline-chart", height, title_id, title),
             *_year_grid(axis, height - AXIS)]
    top = 0
    for lane in lanes:
        parts.extend(_lane_markup(lane, top))
        top += lane.height
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _year_grid(axis: Axis, bottom: int) -> list[str]:
    """A rule at each 1 January with the year below it, centred on the year's span."""
    parts = []
    for year in axis.years:
        x, next_x = axis.x(dt.date(year, 1, 1)), axis.x(dt.date(year + 1, 1, 1))
        parts.append(f'<line class="grid" x1="{_num(x)}" y1="0" x2="{_num(x)}" y2="{bottom}"/>')
        parts.append(f'<text class="year" x="{_num((x + next_x) / 2)}" y="{bottom + 22}" '
                     f'text-anchor="middle">{year}</text>')
    end = axis.x(dt.date(axis.years[-1] + 1, 1, 1))
    parts.append(f'<line class="grid" x1="{_num(end)}" y1="0" x2="{_num(end)}" y2="{bottom}"/>')
    return parts


def _lane_markup(lane: Lane, top: int) -> list[str]:
    middle = top + lane.height / 2
    parts = [f'<line class="lane-rule" x1="0" y1="{top + lane.height}" x2="{WIDTH}" y2="{top + lane.height}"/>',
             f'<text class="lane-name" x="0" y="{_num(middle + 5)}">{escape(lane.name)}</text>']
    first_row = top + LANE_PAD + ROW / 2
    for x, row, href, name, shape in lane.marks:
        y = first_row + row * ROW
        parts.append(f'<a href="{escape(href)}" class="mark" aria-label="{escape(name)}"><title>{escape(name)}</title>'
                     f'{_shape(shape, x, y)}</a>')
    return parts


def _shape(shape: str, x: float, y: float) -> str:
    if shape == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{MARK}"/>'
    points = " ".join(f"{_num(x + dx)},{_num(y + dy)}" for dx, dy in ((0, -MARK), (MARK, 0), (0, MARK), (-MARK, 0)))
    return f'<polygon points="{points}"/>'


def per_year(timeline: Timeline) -> list[tuple[str, str, list[tuple[int, int]]]]:
    """(stance key, label, [(year, articles)...]) for every stance and every year shown."""
    years = range(timeline.first_year, timeline.last_year + 1)
    return [(key, label, [(year, sum(1 for m in timeline.articles if m.stance == key and m.date.year == year))
                          for year in years]) for key, label in timeline.stances]


def per_year_svg(timeline: Timeline, link: Callable[[str], str], title_id: str = "per-year-title") -> Markup:
    """Articles per stance and year: a row of bars per stance, each bar's count written above it."""
    counts = per_year(timeline)
    axis = Axis(timeline.first_year, timeline.last_year)
    peak = max((n for _, _, row in counts for _, n in row), default=0) or 1
    row_height, bar_room = 64, 40
    height = len(counts) * row_height + AXIS
    title = f"Articles per stance and year, {timeline.first_year} to {timeline.last_year}"
    parts = [_svg_start("per-year-chart", height, title_id, title),
             *_year_grid(axis, height - AXIS)]
    for i, (key, label, row) in enumerate(counts):
        base = (i + 1) * row_height - 8
        parts.append(f'<line class="lane-rule" x1="0" y1="{base + 8}" x2="{WIDTH}" y2="{base + 8}"/>')
        parts.append(f'<text class="lane-name" x="0" y="{base - 14}">{escape(label)}</text>')
        parts.extend(_bar(axis, year, n, base, n / peak * bar_room, link(urls.stance(key)), label)
                     for year, n in row if n)
    parts.append("</svg>")
    return Markup("\n".join(parts))


def _bar(axis: Axis, year: int, n: int, base: int, bar: float, href: str, label: str) -> str:
    x0, x1 = axis.x(dt.date(year, 1, 1)), axis.x(dt.date(year + 1, 1, 1))
    width = min(36.0, (x1 - x0) * 0.6)
    left = (x0 + x1 - width) / 2
    name = f"{label}: {n} article{'s' if n != 1 else ''} in {year}"
    return (f'<a href="{escape(href)}" class="mark" aria-label="{escape(name)}"><title>{escape(name)}</title>'
            f'<rect x="{_num(left)}" y="{_num(base - bar)}" width="{_num(width)}" height="{_num(bar)}"/>'
            f'<text class="count" x="{_num((x0 + x1) / 2)}" y="{_num(base - bar - 4)}" '
            f'text-anchor="middle">{n}</text></a>')


def in_date_order(timeline: Timeline) -> list[tuple[dt.date, ArticleMark | EventMark]]:
    """Articles and events in one list by date (an article before the events of its day), for the HTML list."""
    entries = [(m.date, 0, m.slug, "", m) for m in timeline.articles]
    entries += [(e.date, 1, e.slug, e.annotation_id, e) for e in timeline.events]
    return [(date, item) for date, *_, item in sorted(entries, key=lambda e: e[:4])]


def page_context(linked) -> dict:
    """The timeline page's template context: the data, both charts and the list, from `linked` only."""
    data = timeline_data(linked)
    base_path = linked.content.site.base_path

    def link(url: str) -> str:
        return urls.href(base_path, url)

    counts = per_year(data)
    years = [year for year in range(data.first_year, data.last_year + 1)
             if any(n for _, _, row in counts for y, n in row if y == year)]
    return {"timeline": data, "entries": in_date_order(data), "per_year": counts, "years_with_articles": years,
            "timeline_svg": timeline_svg(data, link), "per_year_svg": per_year_svg(data, link),
            "event_url": event_url}
