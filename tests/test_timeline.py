"""The timeline's data and build-time SVG: every article and dated event is a named link, in a stable picture."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from reader import timeline
from reader.views import shorten
from reader.pipeline import build_outputs
from sitebuilder import make_site

SVG = "{http://www.w3.org/2000/svg}"
BASE = "https://example.org/test/"

SITE = {
    "content/articles/an-article.md": None,  # not the default article: these three only
    "content/articles/older.md": """\
        ---
        title: Older <one> & "quoted"
        date: 2019-03-26
        author: Ann Writer
        publication: The Paper
        stance: pro
        stance_note: Because.
        ---
        Putin spoke about the plan.
        """,
    "content/articles/same-day.md": """\
        ---
        title: Same day
        date: 2019-03-26
        author: Ann Writer
        publication: The Paper
        stance: pro
        stance_note: Because.
        ---
        Putin spoke again.
        """,
    "content/articles/newer.md": """\
        ---
        title: Newer
        date: 2021-06-01
        author: Ann Writer
        publication: The Paper
        stance: contra
        stance_note: Because.
        ---
        Putin was quiet this time.
        """,
    "content/claims.yaml": """\
        plan:
          title: The plan was announced
          description: Whether the plan was announced.
        """,
    "content/annotations/older.yaml": """\
        - id: plan-note
          quote: Putin spoke about the plan.
          kind: fact_check
          verdict: accurate
          claim: plan
          note: It was.
          sources: [{title: A source, url: "https://example.org/s"}]
          editor: The editors
          date: 2026-11-21
          event_date: 2017-05-02
        - id: undated
          quote: the plan
          kind: context
          note: No date here.
          editor: The editors
          date: 2026-11-21
        """,
    "content/annotations/newer.yaml": """\
        - id: quiet-note
          quote: Putin was quiet this time.
          kind: context
          note: He was.
          editor: The editors
          date: 2026-11-21
          event_date: 2021-05-30
        """,
}


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    root = make_site(tmp_path_factory.mktemp("timeline"), SITE)
    result = build_outputs(root, BASE)
    assert not result.diagnostics.errors, [str(d) for d in result.diagnostics.items]
    return result.linked


def link(url: str) -> str:
    return "/test/" + url


def parse(svg) -> ET.Element:
    """The SVG as XML: it must be well formed (escaped) to parse at all."""
    return ET.fromstring(str(svg))


def links(svg) -> dict[str, str]:
    """href -> accessible name of every link in the SVG."""
    return {a.get("href"): a.get("aria-label") for a in parse(svg).iter(SVG + "a")}


def test_the_years_span_the_earliest_event_to_the_latest_article(linked):
    data = timeline.timeline_data(linked)
    assert (data.first_year, data.last_year) == (2017, 2021)
    assert [m.slug for m in data.articles] == ["older", "same-day", "newer"]


def test_only_notes_with_an_event_date_are_events_in_date_order(linked):
    data = timeline.timeline_data(linked)
    assert [(e.date, e.annotation_id) for e in data.events] == [
        (dt.date(2017, 5, 2), "plan-note"), (dt.date(2021, 5, 30), "quiet-note")]


def test_an_event_is_labelled_by_its_claim_when_it_has_one_else_by_its_quote(linked):
    by_id = {e.annotation_id: e.label for e in timeline.timeline_data(linked).events}
    assert by_id["plan-note"] == "Fact-check (accurate): The plan was announced"
    assert by_id["quiet-note"] == "Context: “Putin was quiet this time.”"


def test_a_long_quote_is_cut_at_a_word_with_an_ellipsis():
    quote = "Russia sent about one hundred military personnel and some thirty-five tonnes of cargo to Caracas"
    label = timeline.event_label("context", None, quote, None)
    assert label.startswith("Context: “Russia sent about") and label.endswith("…”")
    short = shorten(quote, timeline.QUOTE_LENGTH)
    assert len(short) <= timeline.QUOTE_LENGTH + 1
    assert short[:-1] in quote and not short[:-1].endswith(" ")


def test_every_article_and_event_is_a_link_to_its_page_or_note_with_a_name(linked):
    found = links(timeline.timeline_svg(timeline.timeline_data(linked), link))
    assert set(found) == {"/test/articles/older/", "/test/articles/same-day/", "/test/articles/newer/",
                          "/test/articles/older/#plan-note", "/test/articles/newer/#quiet-note"}
    assert "Same day: article of 26 March 2019, stance: For" == found["/test/articles/same-day/"]
    assert found["/test/articles/older/#plan-note"].startswith("2 May 2017: Fact-check (accurate)")


def test_articles_of_one_day_and_stance_are_stacked_not_drawn_over_each_other(linked):
    root = parse(timeline.timeline_svg(timeline.timeline_data(linked), link))
    centres = {a.get("href"): (c.get("cx"), c.get("cy")) for a in root.iter(SVG + "a") for c in a.iter(SVG + "circle")}
    older, same = centres["/test/articles/older/"], centres["/test/articles/same-day/"]
    assert older[0] == same[0] and older[1] != same[1]


def test_stack_puts_a_mark_in_the_first_row_where_it_does_not_touch_another():
    assert timeline.stack([10, 10, 12, 40, 41, 80]) == [0, 1, 2, 0, 1, 0]


def test_each_stance_has_a_lane_named_in_text(linked):
    texts = [t.text for t in parse(timeline.timeline_svg(timeline.timeline_data(linked), link)).iter(SVG + "text")]
    assert {"For", "Against", "Events in the notes"} <= set(texts)
    assert {"2017", "2018", "2019", "2020", "2021"} <= set(texts)


def test_titles_with_markup_characters_are_escaped(linked):
    svg = str(timeline.timeline_svg(timeline.timeline_data(linked), link))
    assert "<one>" not in svg and "&lt;one&gt; &amp;" in svg
    assert links(svg)["/test/articles/older/"].startswith('Older <one> & "quoted"')


def test_the_same_input_gives_the_same_svg_and_a_moved_article_changes_it(linked):
    data = timeline.timeline_data(linked)
    assert str(timeline.timeline_svg(data, link)) == str(timeline.timeline_svg(timeline.timeline_data(linked), link))
    moved = data.articles[-1].__class__(**{**data.articles[-1].__dict__, "date": dt.date(2020, 6, 1)})
    other = timeline.Timeline(data.articles[:-1] + (moved,), data.events, data.stances, data.first_year, data.last_year)
    assert str(timeline.timeline_svg(other, link)) != str(timeline.timeline_svg(data, link))


def test_per_year_counts_articles_by_stance_and_year_and_each_bar_links_to_its_stance(linked):
    data = timeline.timeline_data(linked)
    counts = {key: dict(row) for key, _, row in timeline.per_year(data)}
    assert counts["pro"][2019] == 2 and counts["contra"][2021] == 1 and counts["contra"][2019] == 0
    bars = links(timeline.per_year_svg(data, link))
    assert bars == {"/test/stances/pro/": "For: 2 articles in 2019",
                    "/test/stances/contra/": "Against: 1 article in 2021"}


def test_the_charts_take_their_colours_from_the_stylesheet(linked):
    data = timeline.timeline_data(linked)
    for svg in (timeline.timeline_svg(data, link), timeline.per_year_svg(data, link)):
        text = str(svg)
        # no colour that dark mode cannot change
        assert not re.search(r"#[0-9a-fA-F]{3,6}\b|rgb\(", text.replace("&#34;", ""))
        assert "fill=" not in text and "stroke=" not in text and "style=" not in text


def test_the_page_lists_articles_and_events_in_date_order(linked):
    entries = timeline.in_date_order(timeline.timeline_data(linked))
    assert [getattr(item, "annotation_id", item.slug) for _, item in entries] == [
        "plan-note", "older", "same-day", "quiet-note", "newer"]
