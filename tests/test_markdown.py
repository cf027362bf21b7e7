"""Tests for reader.markdown: paragraph anchors, plain-text blocks and actor mentions."""

from __future__ import annotations

import textwrap

import pytest

from reader.markdown import Mention, make_markdown, render_markdown
from reader.mentions import AliasMatcher

ALIASES = {"Maduro": "maduro", "Nicolas Maduro": "maduro", "Guaidó": "guaido",
           "Russia": "russia", "America": "united-states"}


def href(actor: str) -> str:
    return f"/reader/actors/{actor}/"


def render(text: str, link_mentions: str = "first", unlinked=("Latin America",)):
    md = make_markdown(AliasMatcher.build(ALIASES, unlinked), href, link_mentions)
    return render_markdown(md, textwrap.dedent(text))


def link(actor: str, text: str) -> str:
    return f'<a href="{href(actor)}" class="mention" data-actor="{actor}">{text}</a>'


def test_paragraphs_get_ids_p1_to_pn_in_document_order():
    body = render("# Title\n\nOne.\n\nTwo.\n\n> Three.\n\n## Sub\n\nFour.\n")
    assert [f'id="p-{n}"' in body.html for n in range(1, 5)] == [True] * 4
    assert 'id="p-5"' not in body.html
    assert body.html.index('id="p-3"') < body.html.index('id="p-4"')
    assert "<h1>Title</h1>" in body.html


def test_blocks_are_plain_text_with_whitespace_collapsed():
    body = render("A  *first*   `code`\nline  \nhard break [link](http://x.org).\n\nSecond.\n")
    assert body.blocks == ("A first code line hard break link.", "Second.")


def test_hidden_paragraph_of_tight_list_puts_id_on_list_item():
    body = render("- one\n- two\n")
    assert '<li id="p-1">one</li>' in body.html
    assert '<li id="p-2">two</li>' in body.html
    assert body.blocks == ("one", "two")


def test_second_hidden_paragraph_in_one_tight_item_gets_its_own_p():
    body = render("- one\n  # head\n  two\n")
    assert '<li id="p-1">one' in body.html
    assert '<p id="p-2">two</p>' in body.html


def test_loose_list_paragraphs_keep_ids_on_p():
    body = render("- one\n\n- two\n")
    assert '<p id="p-1">one</p>' in body.html and "<li>" in body.html


def test_first_mention_of_each_actor_is_linked_once_by_default():
    body = render("Maduro met Guaidó. Maduro left.\n\nMaduro again.\n")
    assert body.html.count('class="mention"') == 2
    assert f"{link('maduro', 'Maduro')} met {link('guaido', 'Guaidó')}. Maduro left." in body.html
    assert [m.actor for m in body.mentions] == ["maduro", "guaido", "maduro", "maduro"]


def test_all_mentions_are_linked_with_link_mentions_all():
    body = render("Maduro met Maduro.\n\nMaduro.\n", link_mentions="all")
    assert body.html.count(link("maduro", "Maduro")) == 3


def test_unknown_link_mentions_mode_is_rejected():
    with pytest.raises(ValueError):
        make_markdown(AliasMatcher.build(ALIASES), href, "some")


def test_without_actor_href_mentions_are_recorded_but_not_linked():
    body = render_markdown(make_markdown(AliasMatcher.build(ALIASES)), "Maduro spoke.")
    assert "<a " not in body.html
    assert body.mentions == (Mention("maduro", 1, 0, 6, "Maduro"),)


def test_without_matcher_there_are_no_mentions():
    body = render_markdown(make_markdown(), "Maduro spoke.")
    assert body.mentions == () and body.html == '<p id="p-1">Maduro spoke.</p>\n'


def test_no_mentions_in_headings_link_text_or_code():
    body = render("""\
        # Maduro

        [Maduro](https://example.org) and `Maduro` and <https://Maduro.example>

            Maduro indented code

        ```
        Maduro fenced
        ```
        """)
    assert body.mentions == ()
    assert 'class="mention"' not in body.html


def test_mention_after_a_link_is_linked_and_offsets_count_link_text():
    body = render("[Russia](https://x.org) says Russia.\n")
    assert body.mentions == (Mention("russia", 1, 12, 18, "Russia"),)
    assert f"says {link('russia', 'Russia')}." in body.html


def test_mention_inside_emphasis_is_found():
    body = render("The *Nicolas Maduro* government\n")
    assert link("maduro", "Nicolas Maduro") in body.html
    assert body.mentions == (Mention("maduro", 1, 4, 18, "Nicolas Maduro"),)


def test_mention_across_emphasis_boundary_matches_only_within_one_text_token():
    # Documented limitation: emphasis splits the text, so "Nicolas Maduro"
    # cannot match across it; the shorter alias inside the emphasis does.
    body = render("Nicolas *Maduro* spoke\n")
    assert [m.text for m in body.mentions] == ["Maduro"]
    assert f"<em>{link('maduro', 'Maduro')}</em>" in body.html


def test_mention_inside_blockquote_and_list_is_linked():
    body = render("> Maduro said\n\n- Guaidó replied\n")
    assert f"<blockquote>\n<p id=\"p-1\">{link('maduro', 'Maduro')} said</p>" in body.html
    assert f"<li id=\"p-2\">{link('guaido', 'Guaidó')} replied</li>" in body.html


def test_unlinked_phrase_prevents_shorter_alias_inside_it():
    body = render("Latin America and America\n")
    assert body.mentions == (Mention("united-states", 1, 18, 25, "America"),)


def test_mention_offsets_point_at_mention_text_in_blocks():
    body = render("Intro paragraph.\n\n"
                  "A  *quite*   long\nline where `code` precedes Guaidó, then Maduro,\n"
                  "then [a link](http://x.org) and Russia &amp; America.\n")
    assert len(body.mentions) == 4
    for mention in body.mentions:
        assert mention.paragraph == 2
        assert body.blocks[mention.paragraph - 1][mention.start:mention.end] == mention.text


def test_raw_html_is_escaped_not_rendered():
    body = render("<script>alert(1)</script>\n\nSome <b>bold</b> Maduro.\n")
    assert "<script>" not in body.html and "<b>" not in body.html
    assert "&lt;script&gt;" in body.html and "&lt;b&gt;bold&lt;/b&gt;" in body.html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)",
                                 "data:text/html;base64,PHNjcmlwdD4="])
def test_dangerous_link_urls_are_not_linked(url):
    body = render(f"[click]({url}) and <{url}>\n")
    assert "<a " not in body.html
    assert 'href="' not in body.html


def test_each_render_is_independent_of_the_previous_one():
    md = make_markdown(AliasMatcher.build(ALIASES), href)
    first = render_markdown(md, "Maduro.")
    second = render_markdown(md, "Maduro.")
    assert first == second
    assert 'class="mention"' in second.html
