"""Tests of the importer: one or more per cleaning rule, the file contract, and the five real seeds."""
from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from reader.importer import import_files, import_text
from reader.importer.files import choose_slug
from reader.importer.paragraphs import split_sentences

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
MD = MarkdownIt("commonmark", {"html": False})


def paragraphs(body: str) -> list[str]:
    return body.strip("\n").split("\n\n")


def rendered_paragraphs(body: str) -> list[str]:
    """What a reader sees: the text of each rendered <p>, entities decoded."""
    rendered = MD.render(body)
    assert re.fullmatch(r"(<p>.*?</p>\n)+", rendered, re.DOTALL), rendered
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", rendered, re.DOTALL)]


def sentence(n: int, words: str = "the quick brown fox jumps over the lazy dog again") -> str:
    return f"Sentence {n} says that {words} and then some more words follow here."


# ---------------------------------------------------------------- paragraphs


def test_one_line_article_is_split_at_runs_of_spaces():
    text = "First paragraph ends here.    Second paragraph starts here. It goes on.  Third one."
    result = import_text(text, "x.txt")
    assert paragraphs(result.body) == ["First paragraph ends here.", "Second paragraph starts here. It goes on.",
                                       "Third one."]


def test_two_spaces_after_every_sentence_is_a_typing_habit_not_lost_breaks():
    text = "One sentence here.  Two sentence here.  Three sentence here.  Four sentence here."
    assert paragraphs(import_text(text, "x.txt").body) == [
        "One sentence here. Two sentence here. Three sentence here. Four sentence here."]


def test_one_huge_line_without_hints_is_split_at_sentences_with_a_note():
    text = " ".join(sentence(n) for n in range(40))
    result = import_text(text, "x.txt")
    parts = paragraphs(result.body)
    assert len(parts) >= 5
    assert " ".join(parts) == text
    assert all(200 <= len(p) <= 900 for p in parts)
    assert any("paragraphing inferred" in note for note in result.notes)


def test_sentence_split_never_inside_a_quotation():
    text = "He spoke. “We are out. Given the risks, we left,” says Mr. Miller. Then he went home."
    assert split_sentences(text) == ["He spoke.", "“We are out. Given the risks, we left,” says Mr. Miller.",
                                     "Then he went home."]


def test_sentence_split_never_after_abbreviations_or_initials():
    text = "The U.S. Senate met Mr. Smith and J. R. Jones. Dr. Who left. The U.K. Parliament agreed."
    assert split_sentences(text) == ["The U.S. Senate met Mr. Smith and J. R. Jones.", "Dr. Who left.",
                                     "The U.K. Parliament agreed."]


def test_single_newlines_separate_paragraphs():
    text = "First paragraph is a sentence of prose.\nSecond paragraph is another one.\nThird one too."
    assert len(paragraphs(import_text(text, "x.txt").body)) == 3


def test_hard_wrapped_lines_inside_a_block_are_joined():
    first = "This paragraph was wrapped by an old mail client at seventy\ncolumns so its lines must be joined again."
    text = first + "\n\nA second paragraph that is short."
    assert paragraphs(import_text(text, "x.txt").body)[0] == first.replace("\n", " ")


# ---------------------------------------------------------------- header


HEADER_TEXT = """Putin moves troops into the backyard

Putin has expressed ‘solidarity with the people’

Venezuela
Leaders attend a signing ceremony in Moscow on May 7, 2025 (Getty)

The body begins here with a long sentence about troops and planes, which ends with a period.

A second body paragraph follows it, also ending properly.
"""


def test_headline_standfirst_section_and_caption_go_to_front_matter():
    result = import_text(HEADER_TEXT, "x.txt")
    front = result.front_matter
    assert front["title"] == "Putin moves troops into the backyard"
    assert front["standfirst"] == "Putin has expressed ‘solidarity with the people’"
    assert front["section"] == "Venezuela"
    assert front["image_caption"].endswith("(Getty)")
    assert paragraphs(result.body)[0].startswith("The body begins here")


@pytest.mark.parametrize("caption", [
    "Soldiers on parade in Caracas (Reuters)",
    "Soldiers on parade in Caracas. Photo: Jane Roe",
    "Photo: Soldiers on parade in Caracas",
    "Soldiers on parade in Caracas, March 2019. JUAN BARRETO/AFP",
])
def test_image_caption_with_a_credit_is_recognised(caption):
    text = f"A headline without a full stop\n{caption}\nThe body is a long sentence that ends with a full stop."
    result = import_text(text, "x.txt")
    assert result.front_matter["image_caption"] == caption
    assert caption not in result.body


def test_bare_name_byline_and_timestamp_go_to_front_matter():
    text = "Oleksandr Khara\n18:00, 26 March 2019\nThe body begins with a sentence that ends properly.\nMore text here."
    result = import_text(text, "x.txt")
    assert result.front_matter["author"] == "Oleksandr Khara"
    assert result.front_matter["date"] == "2019-03-26"
    assert "Khara" not in result.body and "2019" not in result.body


@pytest.mark.parametrize("dateline, iso", [
    ("March 26, 2019", "2019-03-26"),
    ("2019-03-26", "2019-03-26"),
    ("26 Mar 2019", "2019-03-26"),
    ("Tuesday, March 26, 2019 10:42 AM", "2019-03-26"),
    ("Published 26 March 2019", "2019-03-26"),
])
def test_dateline_forms_become_iso_dates(dateline, iso):
    text = f"By Jane Roe\n{dateline}\nThe body begins with a sentence that ends properly.\nMore text here."
    result = import_text(text, "x.txt")
    assert result.front_matter["date"] == iso
    assert result.front_matter["author"] == "Jane Roe"
    assert dateline not in result.body


def test_byline_with_a_date_on_the_same_line_gives_both():
    text = "A headline here\nBy Jane Doe | March 3, 2020\nThe body begins with a sentence that ends properly."
    front = import_text(text, "x.txt").front_matter
    assert (front["title"], front["author"], front["date"]) == ("A headline here", "Jane Doe", "2020-03-03")


def test_first_line_that_is_prose_is_not_taken_for_a_headline():
    text = "What are they doing in Venezuela? Nobody knows, and the reports are thin.\nSecond paragraph."
    result = import_text(text, "x.txt")
    assert result.front_matter["title"] is None
    assert len(paragraphs(result.body)) == 2


def test_title_case_headline_of_few_words_is_not_taken_for_a_byline():
    text = "Putin Moves Troops\nThe body begins with a sentence that ends properly.\nMore text here."
    front = import_text(text, "x.txt").front_matter
    assert front["title"] == "Putin Moves Troops" and front["author"] is None


# ---------------------------------------------------------------- teaser, pull quotes, chrome, bio


def test_truncated_teaser_followed_by_full_text_keeps_one_copy():
    first = "The first paragraph is long enough to be a real paragraph of the article."
    second = "The second paragraph says what the president said about the whole matter yesterday."
    text = "\n\n".join([first, second[:45] + "…", first, second, "A third paragraph closes it."])
    result = import_text(text, "x.txt")
    assert paragraphs(result.body) == [first, second, "A third paragraph closes it."]
    assert any("teaser" in note for note in result.notes)


def test_teaser_cut_with_three_dots_is_also_recognised():
    second = "The second paragraph says what the president said about the whole matter yesterday."
    text = "\n\n".join([second[:50] + "...", second])
    assert paragraphs(import_text(text, "x.txt").body) == [second]


def test_pull_quote_repeating_a_body_sentence_is_dropped():
    text = ("The first paragraph sets the scene with a fact.\n\n"
            "Maduro is the same as Assad, but in a different proportion\n\n"
            "As a matter of fact, the support explains it all. Maduro is the same as Assad, but in a different "
            "proportion.")
    result = import_text(text, "x.txt")
    assert "Maduro is the same as Assad, but in a different proportion\n" not in result.body + "\n"
    assert len(paragraphs(result.body)) == 2
    assert any(note.startswith("dropped pull quote") for note in result.notes)


def test_pull_quote_closely_paraphrasing_a_body_sentence_is_dropped():
    text = ("The first paragraph sets the scene with a fact.\n\n"
            "Russia has deployed special forces to help the regime manage the crisis\n\n"
            "As we know, Russia had deployed special forces who helped the regime manage the crisis.")
    assert len(paragraphs(import_text(text, "x.txt").body)) == 2


def test_short_unpunctuated_line_that_repeats_nothing_is_kept():
    text = "The first paragraph sets the scene with a fact.\n\nA subheading of its own\n\nMore prose follows here."
    assert "A subheading of its own" in import_text(text, "x.txt").body


def test_site_chrome_at_the_end_is_dropped():
    chrome = ("Comments\nShare\nText\nText Size\nSmall\nMedium\nLarge\nLine Spacing\nSmall\nNormal\nLarge\n\n"
              "Leave a Reply\n\nYour email address will not be published. Required fields are marked *")
    result = import_text("The article ends here.\n\nIts last sentence.\n\n" + chrome, "x.txt")
    assert paragraphs(result.body) == ["The article ends here.", "Its last sentence."]
    assert any("site chrome" in note for note in result.notes)


def test_advertisement_and_share_lines_are_dropped():
    text = "Body starts here.\n\nAdvertisement\n\nBody goes on.\n\nShare this article\nSubscribe"
    assert paragraphs(import_text(text, "x.txt").body) == ["Body starts here.", "Body goes on."]


def test_author_bio_at_the_end_moves_to_front_matter():
    bio = 'Oleksandr Khara is an expert with the "Maidan of Foreign Affairs" Foundation'
    result = import_text(f"Body starts here.\n\nBody ends here.\n\n{bio}\n\n\n", "x.txt")
    assert result.front_matter["author_bio"] == bio
    assert bio not in result.body


def test_last_paragraph_about_a_country_is_not_an_author_bio():
    text = "Body starts here.\n\nThe United States is a threat to the regime at every level."
    assert "author_bio" not in import_text(text, "x.txt").front_matter


# ---------------------------------------------------------------- related links


def test_related_line_moves_to_related():
    text = "Body starts here.\n\nRead more: How Russia is winning in Venezuela\n\nBody ends here."
    result = import_text(text, "x.txt")
    assert result.front_matter["related"] == ["How Russia is winning in Venezuela"]
    assert "Read more" not in result.body


def test_inline_see_segment_moves_to_related_and_marks_a_paragraph_break():
    text = ("Says Andrew Miller in London. See: Russia Takes Its Syria Anti-Regime Change Strategy To "
            "Venezuela — Forbes Venezuela’s economy got hit with it harshest sanctions yet this January.")
    result = import_text(text, "x.txt")
    assert result.front_matter["related"] == ["Russia Takes Its Syria Anti-Regime Change Strategy To Venezuela — Forbes"]
    assert paragraphs(result.body) == ["Says Andrew Miller in London.",
                                       "Venezuela’s economy got hit with it harshest sanctions yet this January."]


def test_inline_related_segment_before_a_sentence_opening_with_the():
    text = "He left. Related: Oil Giant Faces Sanctions — Reuters The U.S. economy grew last year."
    result = import_text(text, "x.txt")
    assert result.front_matter["related"] == ["Oil Giant Faces Sanctions — Reuters"]
    assert paragraphs(result.body) == ["He left.", "The U.S. economy grew last year."]


# ---------------------------------------------------------------- whitespace and wording


def test_non_breaking_spaces_become_spaces_and_space_runs_collapse():
    text = "Warns\u00a0Douglas Farah,\u202fa consultant.   \nSecond  line   here.  \n\n\n\n"
    assert import_text(text, "x.txt").body == "Warns Douglas Farah, a consultant.\n\nSecond line here.\n"


def test_source_spelling_and_curly_quotes_are_kept_exactly():
    text = "In Caracas, Guiado6s just an Assemblyman. The Coletivos read the consitution, said the advisir.\n“Quoted” ‘text’ it’s."
    assert import_text(text, "x.txt").body == text.replace("\n", "\n\n") + "\n"


def test_crlf_cr_and_bom_are_normalised():
    result = import_text("\ufeffFirst paragraph.\r\nSecond paragraph.\rThird paragraph.", "x.txt")
    assert paragraphs(result.body) == ["First paragraph.", "Second paragraph.", "Third paragraph."]


def test_markdown_hazards_render_as_the_source_text():
    hazards = [
        "# Not a heading, and *not emphasis* or _this_ or **that**.",
        "1. Not a list item, nor 2) this.",
        "- Not a bullet; + nor this.",
        "> Not a quote, and <b>not bold</b>, and <https://example.org> not a link.",
        "A [bracketed](https://x.y) text, a `tick`, a back\\slash, snake_case_name and &amp; entity.",
        "---",
        "=== and ~~~ and #hashtag and 3*4*5 and a_b_ and __init__.",
    ]
    result = import_text("\n".join(hazards), "x.txt")
    assert rendered_paragraphs(result.body) == hazards
    assert "snake_case_name" in result.body  # an intraword underscore needs no escape


def test_markdown_fixture_file_renders_unchanged():
    text = (FIXTURES / "hazards.txt").read_text(encoding="utf-8")
    expected = [line.strip() for line in text.splitlines() if line.strip()]
    assert rendered_paragraphs(import_text(text, "hazards.txt").body) == expected


# ---------------------------------------------------------------- front matter and files


def test_unknown_fields_are_null_and_reported(tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text("Only a paragraph of prose, with no header at all.\n", encoding="utf-8")
    assert import_files([source], tmp_path, force=False) == 0
    article = tmp_path / "content" / "articles" / "in.md"
    front = yaml.safe_load(article.read_text(encoding="utf-8").split("---\n")[1])
    for key in ("title", "date", "author", "publication", "stance", "stance_note", "summary"):
        assert key in front and front[key] is None
    assert "could not infer (written as null): title, date, author, publication" in capsys.readouterr().out


def test_front_matter_round_trips_through_yaml():
    result = import_text(HEADER_TEXT, "x.txt")
    dumped = yaml.safe_dump(result.front_matter, sort_keys=False, allow_unicode=True, width=1000)
    assert yaml.safe_load(dumped) == result.front_matter
    assert list(result.front_matter)[:3] == ["title", "date", "author"]


def test_raw_copy_is_byte_exact_with_its_sha256(tmp_path):
    data = "\ufeffHeadline here\r\nBody with a non\u00a0breaking space.\r\n".encode("utf-8")
    source = tmp_path / "in.txt"
    source.write_bytes(data)
    assert import_files([source], tmp_path, force=False) == 0
    raw = tmp_path / "content" / "raw" / "headline-here.txt"
    assert raw.read_bytes() == data
    text = (tmp_path / "content" / "articles" / "headline-here.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["raw"] == "content/raw/headline-here.txt"
    assert front["raw_sha256"] == hashlib.sha256(data).hexdigest()


def test_never_overwrites_without_force_and_goes_on_with_other_files(tmp_path, capsys):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("First text, a paragraph.\n", encoding="utf-8")
    second.write_text("Second text, a paragraph.\n", encoding="utf-8")
    article = tmp_path / "content" / "articles" / "a.md"
    article.parent.mkdir(parents=True)
    article.write_text("edited by hand", encoding="utf-8")
    assert import_files([first, second], tmp_path, force=False) == 1
    assert article.read_text(encoding="utf-8") == "edited by hand"
    assert (tmp_path / "content" / "articles" / "b.md").exists()
    err = capsys.readouterr().err
    assert f"{first.as_posix()}:1:1: error: content/articles/a.md exists; pass --force to overwrite" in err


def test_force_overwrites(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text("First text, a paragraph.\n", encoding="utf-8")
    article = tmp_path / "content" / "articles" / "a.md"
    article.parent.mkdir(parents=True)
    article.write_text("edited by hand", encoding="utf-8")
    assert import_files([source], tmp_path, force=True) == 0
    assert "First text, a paragraph." in article.read_text(encoding="utf-8")


def test_invalid_utf8_is_an_error_with_the_byte_offset(tmp_path, capsys):
    source = tmp_path / "bad.txt"
    source.write_bytes(b"Good line.\nBad \xff byte.\n")
    assert import_files([source], tmp_path, force=False) == 1
    err = capsys.readouterr().err
    assert f"{source.as_posix()}:2:5: error: not valid UTF-8: byte 0xff at byte offset 15" in err
    assert "Traceback" not in err
    assert not (tmp_path / "content").exists()


@pytest.mark.parametrize("title, stem, slug", [
    ("Putin moves troops into Trump’s backyard", "000_x", "putin-moves-troops-into-trumps-backyard"),
    ("Nicolás Maduro à Moscou!", "x", "nicolas-maduro-a-moscou"),
    (None, "000_904ED8dd", "000-904ed8dd"),
    (None, "__", "article"),
    ("Word " * 30, "x", "word-" * 11 + "word"),
])
def test_slug_from_title_else_file_name(title, stem, slug):
    assert choose_slug(title, stem) == slug
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug) and len(slug) <= 60


# ---------------------------------------------------------------- the five real seeds


def seed(number: str):
    if not SEEDS.is_dir():
        pytest.skip(f"seeds not found at {SEEDS}")
    path = next(SEEDS.glob(f"{number}_*.txt"))
    return import_text(path.read_text(encoding="utf-8"), path.name)


CHROME_WORDS = ["Comments", "Text Size", "Line Spacing", "Leave a Reply", "Required fields", "Share\n"]


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_seed_has_no_chrome_and_no_duplicate_paragraph(number):
    result = seed(number)
    parts = paragraphs(result.body)
    assert len(parts) == len(set(parts))
    assert not any(word in result.body for word in CHROME_WORDS)
    assert "\u00a0" not in result.body and "  " not in result.body


def test_seed_002_header_extracted_and_teaser_dropped():
    result = seed("002")
    front = result.front_matter
    assert front["title"] == "Putin moves troops into Trump’s backyard"
    assert front["standfirst"] == "Putin has expressed ‘solidarity with the Venezuelan people’"
    assert front["section"] == "Venezuela"
    assert front["image_caption"].endswith("(Getty)")
    assert paragraphs(result.body)[0].startswith("Clandestine US military forces")
    assert result.body.count("Clandestine US military forces") == 1


def test_seed_004_byline_date_pull_quotes_and_bio():
    result = seed("004")
    front = result.front_matter
    assert front["author"] == "Oleksandr Khara" and front["date"] == "2019-03-26"
    assert front["author_bio"].startswith("Oleksandr Khara is an expert with")
    assert len([n for n in result.notes if n.startswith("dropped pull quote")]) == 3
    assert paragraphs(result.body)[0].startswith("Russia sent two planes")
    assert not result.body.rstrip().endswith("Foundation")


def test_seed_001_see_line_moves_to_related():
    result = seed("001")
    assert result.front_matter["related"] == ["Russia Takes Its Syria Anti-Regime Change Strategy To Venezuela — Forbes"]
    assert "See:" not in result.body
    assert "in London.\n\nVenezuela’s economy got hit" in result.body


@pytest.mark.parametrize("number", ["000", "001"])
def test_seed_one_line_texts_are_split_into_paragraphs(number):
    result = seed(number)
    assert len(paragraphs(result.body)) >= 5


def test_seed_typos_are_kept():
    assert "Guiado6s" in seed("000").body
    assert "Coletivos" in seed("001").body and "consitution" in seed("001").body
    assert "advisir" in seed("002").body
