"""Tests for reader.mentions: the one-pass, word-bounded, diacritic-blind alias matcher."""

from __future__ import annotations

import random
import string
import time

import pytest

from reader.mentions import AliasMatch, AliasMatcher, fold

ALIASES = {
    "US": "united-states",
    "U.S.": "united-states",
    "USA": "united-states",
    "America": "united-states",
    "Russia": "russia",
    "Guaidó": "guaido",
    "Guaido": "guaido",
    "Guiado": "guaido",
    "Bashar al Assad": "assad",
    "Assad": "assad",
    "the Maidan": "ukraine",
    "Maidan of Foreign Affairs": "maidan-fa",
    "Nicolás Maduro": "maduro",
    "Maduro": "maduro",
    "the “Empire”": "empire",
}
UNLINKED = ["Latin America"]

# Fixture: "text" line, then "=> " line listing the expected matches as
# `actor:matched text` separated by " | " (empty for none). Blank lines separate
# cases; failures report the fixture's line number.
FIXTURES = """
the US and the USA
=> united-states:US | united-states:USA

focus on USB
=>

It came from the U.S.
=> united-states:U.S.

against the U.S.. Then
=> united-states:U.S.

U.S.A is not an alias
=>

Latin America and America
=> united-states:America

South America, Latin America.
=> united-states:America

Bashar al Assad and Assad
=> assad:Bashar al Assad | assad:Assad

Bashar al Assads
=>

Assad’s regime
=> assad:Assad

at the Maidan in Kyiv
=> ukraine:the Maidan

the "Maidan of Foreign Affairs" Foundation
=> maidan-fa:Maidan of Foreign Affairs

Russia, not russia or RUSSIA
=> russia:Russia

Russian troops, Russia’s army
=> russia:Russia

Guiado’s hopes
=> guaido:Guiado

Guiado6s just an Assemblyman
=>

Guaidó and Guaido and Guaidó
=> guaido:Guaidó | guaido:Guaido | guaido:Guaidó

Nicolas Maduro and Nicolás Maduro
=> maduro:Nicolas Maduro | maduro:Nicolás Maduro

the “Empire” struck back
=> empire:the “Empire”

the "Empire" with straight quotes
=>

Maduro_ and _Maduro
=> maduro:Maduro | maduro:Maduro

ÉMaduro and Maduroé
=>
"""


def _fixture_cases() -> list:
    lines = FIXTURES.split("\n")
    cases = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("=> ") or line == "=>":
            text = lines[number - 2]
            expected = [tuple(item.split(":", 1)) for item in line[3:].split(" | ") if item]
            cases.append(pytest.param(text, expected, id=f"fixture-line-{number - 1}"))
    return cases


@pytest.fixture(scope="module")
def matcher() -> AliasMatcher:
    return AliasMatcher.build(ALIASES, UNLINKED)


@pytest.mark.parametrize("text,expected", _fixture_cases())
def test_fixture_cases_match_expected_actors_and_spans(matcher, text, expected):
    found = [(m.actor, text[m.start:m.end]) for m in matcher.find(text)]
    assert found == expected


def test_word_boundary_rejects_alias_inside_longer_word():
    matcher = AliasMatcher.build({"US": "us"})
    assert matcher.find("USA") == []
    assert matcher.find("focus") == []
    assert matcher.find("US") == [AliasMatch(0, 2, "us", "US")]


def test_alias_ending_in_period_matches_before_sentence_period():
    matcher = AliasMatcher.build({"U.S.": "us"})
    text = "Sanctions from the U.S.."
    assert [(m.start, m.end) for m in matcher.find(text)] == [(19, 23)]


def test_longest_alias_wins_at_a_position():
    matcher = AliasMatcher.build({"Assad": "a", "Bashar al Assad": "a", "Bashar": "b"})
    assert [m.alias for m in matcher.find("Bashar al Assad")] == ["Bashar al Assad"]


def test_longer_alias_falls_back_to_shorter_when_boundary_fails():
    matcher = AliasMatcher.build({"Assad": "a", "Assads": "x"})
    assert [m.alias for m in matcher.find("Assadsy Assad")] == ["Assad"]


def test_unlinked_phrase_consumes_text_but_is_not_returned():
    matcher = AliasMatcher.build({"America": "us"}, ["Latin America"])
    text = "Latin America and America"
    assert matcher.find(text) == [AliasMatch(18, 25, "us", "America")]


def test_unlinked_longer_phrase_beats_linked_alias_starting_later():
    matcher = AliasMatcher.build({"Maidan of Foreign Affairs": "mfa"}, ["the Maidan"])
    assert matcher.find("at the Maidan of Foreign Affairs") == []
    assert [m.actor for m in matcher.find("the “Maidan of Foreign Affairs”")] == ["mfa"]


def test_alias_with_diacritics_matches_text_without_them():
    matcher = AliasMatcher.build({"Guaidó": "guaido"})
    text = "Juan Guaido said"
    assert matcher.find(text) == [AliasMatch(5, 11, "guaido", "Guaidó")]


def test_alias_without_diacritics_matches_text_with_them_with_original_offsets():
    matcher = AliasMatcher.build({"Guaido": "guaido", "Maduro": "maduro"})
    text = "Señor Guaidó, Maduro"
    found = matcher.find(text)
    assert [text[m.start:m.end] for m in found] == ["Guaidó", "Maduro"]
    assert [(m.start, m.end) for m in found] == [(6, 12), (14, 20)]


def test_decomposed_text_keeps_its_combining_mark_inside_the_match():
    matcher = AliasMatcher.build({"Guaido": "guaido"})
    text = "Guaido\u0301 said"  # o + combining acute accent
    assert [(m.start, m.end) for m in matcher.find(text)] == [(0, 7)]


def test_offsets_stay_correct_after_characters_whose_nfd_expands():
    matcher = AliasMatcher.build({"Maduro": "maduro"})
    text = "한국어 Ǖ Maduro"  # Hangul syllables and Ǖ expand under NFD
    assert [text[m.start:m.end] for m in matcher.find(text)] == ["Maduro"]


def test_matching_is_case_sensitive():
    matcher = AliasMatcher.build({"Russia": "russia"})
    assert matcher.find("russia and RUSSIA") == []


def test_possessive_with_curly_apostrophe_matches_but_typo_digit_does_not():
    assert [m.alias for m in AliasMatcher.build({"Guiado": "g"}).find("Guiado’s hopes")] == ["Guiado"]
    assert AliasMatcher.build({"Guiado": "g"}).find("Guiado6s just") == []
    own = AliasMatcher.build({"Guiado": "g", "Guiado6s": "g"})
    assert [m.alias for m in own.find("Guiado6s just")] == ["Guiado6s"]


def test_alias_with_curly_quotes_matches():
    matcher = AliasMatcher.build({"the “Empire”": "empire"})
    text = "so the “Empire” struck"
    assert [(m.start, m.end) for m in matcher.find(text)] == [(3, 15)]


def test_empty_matcher_finds_nothing():
    assert AliasMatcher.build({}).find("anything at all") == []


def test_fold_removes_combining_marks():
    assert fold("Guaidó Nicolás Ñ") == "Guaido Nicolas N"


def test_five_thousand_aliases_scan_100kb_quickly():
    rng = random.Random(7)
    words = ["".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(3, 9)))
             for _ in range(3000)]
    aliases = {" ".join(rng.sample(words, rng.randint(1, 3))): f"actor-{i}" for i in range(5000)}
    text = " ".join(rng.choice(words) + rng.choice(["", ",", "é", "’s"]) for _ in range(20000))[:100_000]
    started = time.perf_counter()
    matcher = AliasMatcher.build(aliases, ["Latin America"])
    found = matcher.find(text)
    elapsed = time.perf_counter() - started
    assert found
    assert elapsed < 2.0, f"build + scan took {elapsed:.2f}s"
