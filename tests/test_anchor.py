"""Anchoring quotes in the rendered text: exact, folded, repeats, cross-paragraph, drift, not found."""
from __future__ import annotations

import pytest

from reader.anchor import (Ambiguous, CrossesBlocks, Found, NotFound, Selector, anchor,
                           fold_typography)

BLOCKS = (
    "He said their presence was a “provocation.” Russia’s reply came — fast.",
    "Russia sent troops. Later, Russia sent troops again.",
    "The end of it.",
)


def found_text(result, blocks=BLOCKS) -> str:
    assert isinstance(result, Found), result
    return blocks[result.paragraph - 1][result.start:result.end]


def test_exact_quote_is_found_with_its_paragraph_and_offsets():
    result = anchor(Selector("their presence was"), BLOCKS)
    assert result == Found(1, 8, 26, "exact")


@pytest.mark.parametrize("quote, expected", [
    ('He said their presence was a "provocation."', "He said their presence was a “provocation.”"),
    ("Russia's reply came - fast.", "Russia’s reply came — fast."),
    ("Russia's  reply\u00a0came", "Russia’s reply came"),
    ("Russia’s reply came", "Russia’s reply came"),
])
def test_typographic_differences_are_folded_and_the_highlight_covers_the_articles_characters(quote, expected):
    result = anchor(Selector(quote), BLOCKS)
    assert found_text(result) == expected
    assert result.how in ("exact", "folded")


def test_folding_applies_unicode_normalisation():
    blocks = ("The ﬁnal report (NFKC folds the ligature).",)
    assert found_text(anchor(Selector("The final report"), blocks), blocks) == "The ﬁnal report"


def test_fold_keeps_an_origin_for_every_character():
    folded = fold_typography("a  “b”\u00a0—c")
    assert folded.text == 'a "b" -c'
    assert len(folded.origin) == len(folded.text)


def test_a_repeated_quote_without_context_is_ambiguous_and_names_a_prefix_for_each():
    result = anchor(Selector("Russia sent troops"), BLOCKS)
    assert isinstance(result, Ambiguous)
    assert [(o.paragraph, o.start) for o in result.occurrences] == [(2, 0), (2, 27)]
    assert [o.prefix for o in result.occurrences] == ["fast.", "Later,"]


@pytest.mark.parametrize("selector, start", [
    (Selector("Russia sent troops", prefix="Later, "), 27),
    (Selector("Russia sent troops", suffix=" again"), 27),
    (Selector("Russia sent troops", suffix=". Later"), 0),
    (Selector("Russia sent troops", prefix="— fast."), 0),  # a prefix may reach into the paragraph before
])
def test_prefix_or_suffix_chooses_among_repeats(selector, start):
    result = anchor(selector, BLOCKS)
    assert isinstance(result, Found) and (result.paragraph, result.start) == (2, start)


def test_a_quote_over_a_paragraph_break_is_refused():
    assert anchor(Selector("came — fast. Russia sent"), BLOCKS) == CrossesBlocks(1, 2)


def test_an_edited_passage_is_found_as_drift_with_its_similarity():
    result = anchor(Selector("He said their presense was a provocation"), BLOCKS)
    assert isinstance(result, Found) and result.how == "drifted"
    assert found_text(result) == "He said their presence was a “provocation"
    assert 90 <= result.similarity < 100


def test_drift_prefers_the_passage_whose_prefix_and_suffix_fit():
    blocks = ("Alpha said the troops landed in March.", "Beta said the troops landed in May.")
    result = anchor(Selector("the troops landed in Mar", prefix="Beta said "), blocks)
    assert isinstance(result, Found) and result.paragraph == 2


def test_drift_widens_to_whole_words():
    result = anchor(Selector("their presnce was a provoc"), BLOCKS)
    assert found_text(result).startswith("their presence was a “provocation")


def test_an_unrelated_quote_is_not_found_but_the_closest_passage_is_named():
    result = anchor(Selector("Completely unrelated words here"), BLOCKS)
    assert isinstance(result, NotFound)
    assert result.closest is not None and result.closest.similarity < 75


def test_an_empty_article_has_no_closest_passage():
    assert anchor(Selector("anything"), ()) == NotFound(None)


def test_a_quote_in_a_later_paragraph_maps_to_that_paragraphs_offsets():
    assert anchor(Selector("end of"), BLOCKS) == Found(3, 4, 10, "exact")
