"""The importer on raw texts it was not developed on (tests/fixtures/import/unseen_*.txt).

Each fixture is a realistic page copy of one of the shapes the importer meets. For each we assert
the header fields (exact value or null), what was dropped, and that the body renders to exactly
the source paragraphs that remain, in order, verbatim (whitespace collapsed only).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from reader.importer import import_files, import_text
from reader.importer.paragraphs import split_sentences

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
MD = MarkdownIt("commonmark", {"html": False})
CHROME = ["Share this article", "Share on Facebook", "Tweet", "Email", "Print", "Comments (12)", "Advertisement",
          "Subscribe to our newsletter", "Sign up", "Most popular", "Copyright © 2021 Example Media Ltd",
          "All rights reserved", "Leave a Reply", "Cancel reply", "Read more",
          "Copyright © 2021 The Daily Ledger. All rights reserved."]


def rendered_paragraphs(body: str) -> list[str]:
    """What a reader sees: the text of each rendered <p>, entities decoded (and nothing but <p>s)."""
    rendered = MD.render(body)
    assert re.fullmatch(r"(<p>.*?</p>\n)+", rendered, re.DOTALL), rendered
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", rendered, re.DOTALL)]


def load(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def source_lines(name: str) -> list[str]:
    """The fixture's non-blank lines, with whitespace collapsed as the importer does."""
    text = load(name).removeprefix("\ufeff").replace("\u00a0", " ")
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]


NULL = None
# name: (front matter expected, number of header lines at the top, lines dropped or moved elsewhere)
CASES = {
    "unseen_03_single_newlines_crlf_bom.txt": ({"title": NULL, "author": NULL, "date": NULL}, 0, []),
    "unseen_04_header_published_updated.txt": (
        {"title": "Coastal Towns Brace for Higher Flood Insurance Costs", "author": "Jane Doe and John Roe",
         "date": "2021-03-03", "section": "Climate",
         "standfirst": "New risk maps will raise premiums for thousands of homeowners along the east coast",
         "image_caption": "A flooded street in Lowhaven after a storm in February. Photo: Jane Doe/AFP via Getty Images"},
        6, CHROME[:6]),
    "unseen_05_header_dmy_time_reuters.txt": (
        {"title": "Port Strike Enters Second Week as Talks Stall", "author": "Maria Lopez", "date": "2021-03-03",
         "standfirst": "Dockworkers say they will not return until pay offer is improved", "section": "Business",
         "image_caption": "Workers gather outside the main gate of the container terminal. (Reuters)"},
        6, CHROME[6:12]),
    "unseen_06_header_et_time_file_photo.txt": (
        {"title": "Central Bank Holds Rates Steady, Signals Caution", "author": NULL, "date": "2021-03-03",
         "image_caption": "File photo: The central bank's headquarters in the capital.", "standfirst": NULL},
        3, ["Leave a Reply", "Cancel reply"]),
    "unseen_07_teaser_dots.txt": (
        {"title": "Rail Operator Orders 40 New Trains", "standfirst": NULL, "section": NULL, "author": NULL,
         "date": NULL},
        1, ["Read more", source_lines("unseen_07_teaser_dots.txt")[1]]),
    "unseen_08_pull_quotes.txt": (
        {"title": NULL, "author": NULL},
        0, ["Every tree we plant now is one less problem for our grandchildren",
            "Funding for the next phase has not yet been secured"]),
    "unseen_09_bio_dash_and_copyright.txt": (
        {"title": "Why Small Cities Are Winning the Remote-Work Boom", "author": "Jane Doe", "date": NULL,
         "author_bio": "Jane Doe is a senior fellow at the Urban Policy Institute."},
        2, ["— Jane Doe is a senior fellow at the Urban Policy Institute.", CHROME[-1]]),
    "unseen_10_bio_covers_and_related_lines.txt": (
        {"title": "Wind Farm Approval Splits Island Community", "author": "John Roe", "date": "2021-04-12",
         "author_bio": "John Roe covers energy for the Island Gazette.",
         "related": ["Offshore Wind Auction Draws Record Bids", "How Islands Are Going Green",
                     "Ferry Fares to Rise in May"]},
        3, ["See also: Offshore Wind Auction Draws Record Bids", "Read more: How Islands Are Going Green",
            "RELATED: Ferry Fares to Rise in May", "John Roe covers energy for the Island Gazette."]),
    "unseen_11_markdown_hazards_typos.txt": ({"title": NULL, "author": NULL, "date": NULL}, 0, []),
    "unseen_12_prose_like_chrome.txt": ({"title": "Water Utility Launches Text Alerts for Outages"}, 1, []),
    "unseen_13_last_line_about_a_source.txt": ({"title": NULL, "author": NULL, "author_bio": NULL}, 0, []),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unseen_fixture_header_body_and_drops(name):
    expected_front, header_lines, dropped = CASES[name]
    result = import_text(load(name), name)
    for key, value in expected_front.items():
        assert result.front_matter.get(key) == value, key
    kept = [line for line in source_lines(name)[header_lines:] if line not in dropped]
    assert rendered_paragraphs(result.body) == kept
    assert all(line not in kept for line in dropped) and (result.notes or not dropped)


def test_oneline_with_space_hints_and_mid_line_related_segment():
    name = "unseen_01_oneline_hints_related.txt"
    result = import_text(load(name), name)
    assert result.front_matter["related"] == ["Harbour Authority Approves New Ferry Terminal — Reuters"]
    assert {result.front_matter[k] for k in ("title", "author", "date")} == {None}
    pieces = load(name).strip().split("  ")
    third, fourth = pieces[2].split(" Related: Harbour Authority Approves New Ferry Terminal — Reuters ")
    assert rendered_paragraphs(result.body) == [*pieces[:2], third, fourth, *pieces[3:]]


@pytest.mark.parametrize("name", ["unseen_02_oneline_no_hints.txt", "unseen_14_oneline_no_hints_related_tabs.txt"])
def test_oneline_without_hints_is_split_only_at_real_sentence_ends(name):
    result = import_text(load(name), name)
    parts = rendered_paragraphs(result.body)
    text = re.sub(r"\s+", " ", load(name)).strip()
    related = " Related: Storm Damage Bill Tops $2 Billion — Reuters"
    assert " ".join(parts) == text.replace(related, "")
    assert len(parts) >= 2 and {result.front_matter[k] for k in ("title", "author", "date")} == {None}
    for before, after in zip(parts, parts[1:]):
        assert not re.search(r"\b(?:U\.S\.|Dr\.|Jan\.|St\.|[ap]\.m\.)$", before), (before, after)
    assert all(part.count('"') % 2 == 0 for part in parts), "a paragraph break inside a quotation"


def test_sentence_splitter_on_the_no_hints_fixture():
    sentences = split_sentences(load("unseen_02_oneline_no_hints.txt"))
    assert "The report, published in Jan. 2022, drew on readings from more than 300 stations across the U.S. and " \
           "Canada." in sentences
    assert '"Is this a one-off? We don\'t know yet. That is the honest answer."' in sentences
    assert "Dr. Helen Park, who led the study, said the findings matched a trend seen over the past three " \
           "decades." in sentences
    assert "Officials at the U.S. Department of Agriculture said they were studying the report." in sentences


def test_related_headline_with_a_number_runs_to_its_source():
    result = import_text(load("unseen_14_oneline_no_hints_related_tabs.txt"), "x.txt")
    assert result.front_matter["related"] == ["Storm Damage Bill Tops $2 Billion — Reuters"]


def test_markdown_hazards_and_typos_render_as_the_source():
    name = "unseen_11_markdown_hazards_typos.txt"
    body = import_text(load(name), name).body
    assert rendered_paragraphs(body) == source_lines(name)
    assert "comittee" in body and "suprisingly" in body and "#SaveOurPark" in body


def test_chrome_words_inside_prose_are_text():
    result = import_text(load("unseen_12_prose_like_chrome.txt"), "x.txt")
    assert "retains all rights reserved under its licence" in result.body
    assert result.body.rstrip().endswith("sending the word WATER to a short number.")
    assert not any("chrome" in note for note in result.notes)


def test_bio_about_someone_other_than_the_bylined_author_stays_in_the_body():
    text = "Headline Here\nBy Jane Doe\nFirst paragraph of the article.\nSecond paragraph.\n" \
           "Maria Santos is a member of the residents' association in Lowhaven."
    result = import_text(text, "x.txt")
    assert result.front_matter["author"] == "Jane Doe" and "author_bio" not in result.front_matter
    assert rendered_paragraphs(result.body)[-1] == "Maria Santos is a member of the residents' association in Lowhaven."


@pytest.mark.parametrize("line, iso", [
    ("Published March 3, 2021 · Updated March 4, 2021", "2021-03-03"),
    ("March 3, 2021 | Updated 5:00 PM ET", "2021-03-03"),
    ("Published 3 March 2021, updated 4 March 2021 09:00", "2021-03-03"),
    ("Mar 3, 2021 5:00 PM ET", "2021-03-03"),
    ("3 March 2021, 14:05", "2021-03-03"),
])
def test_more_dateline_forms(line, iso):
    result = import_text(f"Some Headline Here\n{line}\nThe body paragraph of the article.\nAnother one.", "x.txt")
    assert result.front_matter["date"] == iso
    assert line not in result.body


def test_all_unseen_fixtures_import_through_the_cli_path(tmp_path):
    paths = sorted(FIXTURES.glob("unseen_*.txt"))
    assert len(paths) >= 14
    assert import_files(paths, tmp_path, force=False) == 0
    assert len(list((tmp_path / "content" / "articles").glob("*.md"))) == len(paths)
