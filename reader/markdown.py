"""Render CommonMark to HTML with paragraph anchors and actor mentions, returning data.

Contract: `make_markdown(...)` returns a configured `MarkdownIt`;
`render_markdown(md, text)` returns a `RenderedBody` (html, mentions, blocks)
and has no side effects: each render gets a fresh `env` dict, and our core
rules report through it.

- Raw HTML is never rendered (it shows as text) and markdown-it's
  `validateLink` keeps `javascript:`/`data:` URLs from becoming links.
- Paragraph anchors: every paragraph gets `id="p-N"` (N from 1 in document
  order); a paragraph hidden in a tight list has no `<p>`, so its id goes on
  the enclosing `<li>`. Its plain text (what a reader sees: text and inline
  code, line breaks as spaces, ASCII whitespace collapsed, ends trimmed) is
  `blocks[N-1]`.
- Mentions: aliases are matched in the text of paragraphs only (not headings,
  link text, inline code or code blocks). Each match is a `Mention` with
  offsets into its block's plain text; the first mention of each actor (or
  every one, with `link_mentions="all"`) becomes a link inserted as tokens.
  Limitation: a mention cannot span two text tokens, so "*Nicolas* Maduro"
  does not match "Nicolas Maduro" (emphasis splits the text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .mentions import AliasMatch, AliasMatcher

_BLOCKS = "reader_blocks"
_BLOCK_LINES = "reader_block_lines"
_MENTIONS = "reader_mentions"
_LINKED = "reader_linked_actors"
PARAGRAPH_KEY = "reader_paragraph"  # key in an inline token's meta: its block number
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")  # HTML collapses ASCII whitespace only
_LINK_MODES = ("first", "all")


@dataclass(frozen=True)
class Mention:
    """One occurrence of an actor's alias in a paragraph."""

    actor: str
    """The actor id."""
    paragraph: int
    """N of the enclosing block's anchor id "p-N"."""
    start: int
    """Offset of the mention in that block's plain text (`RenderedBody.blocks[N-1]`)."""
    end: int
    """Offset just past the mention in that block's plain text."""
    text: str
    """The text as written in the article."""


@dataclass(frozen=True)
class RenderedBody:
    """What rendering a Markdown document produces."""

    html: str
    """The HTML fragment."""
    mentions: tuple[Mention, ...]
    """Every mention, linked or not, in document order."""
    blocks: tuple[str, ...]
    """Plain text of paragraph p-1, p-2, ... (index 0 is p-1)."""


@dataclass(frozen=True)
class ParsedBody:
    """An article body parsed but not yet rendered, so that highlights can be added as tokens."""

    tokens: tuple[Token, ...]
    """markdown-it's token stream (with mention links already inserted)."""
    mentions: tuple[Mention, ...]
    """Every mention, linked or not, in document order."""
    blocks: tuple[str, ...]
    """Plain text of paragraph p-1, p-2, ... (index 0 is p-1)."""
    block_lines: tuple[int, ...]
    """0-based line in the Markdown text on which each paragraph starts."""


def make_markdown(matcher: AliasMatcher | None = None,
                  actor_href: Callable[[str], str] | None = None,
                  link_mentions: str = "first", paragraph_ids: bool = True) -> MarkdownIt:
    """A CommonMark parser without raw HTML, with our plugins.

    Without `matcher` no mentions are found; without `actor_href` mentions
    are recorded but not linked. `paragraph_ids=False` leaves out the "p-N"
    ids, for text shown several times on one page (editors' notes).
    """
    if link_mentions not in _LINK_MODES:
        raise ValueError(f"link_mentions must be one of {_LINK_MODES}, not {link_mentions!r}")
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    if paragraph_ids or matcher is not None:  # mentions need the paragraph numbers
        md.use(paragraph_anchors_plugin)
    from .highlight import highlights_plugin  # highlight builds on this module's plain-text mapping

    md.use(highlights_plugin)
    if matcher is not None:
        md.use(mentions_plugin, matcher=matcher, actor_href=actor_href, link_mentions=link_mentions)
    return md


def render_markdown(md: MarkdownIt, text: str) -> RenderedBody:
    """Render `text`, collecting blocks and mentions through a fresh env."""
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    html = md.renderer.render(tokens, md.options, env)
    return RenderedBody(html, tuple(env.get(_MENTIONS, ())), tuple(env.get(_BLOCKS, ())))


def parse_body(md: MarkdownIt, text: str) -> ParsedBody:
    """Parse `text` with our plugins, keeping the tokens for later rendering."""
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    return ParsedBody(tuple(tokens), tuple(env.get(_MENTIONS, ())), tuple(env.get(_BLOCKS, ())),
                      tuple(env.get(_BLOCK_LINES, ())))


def render_tokens(md: MarkdownIt, tokens: list[Token] | tuple[Token, ...], env: dict | None = None) -> str:
    """HTML for tokens from `parse_body` (after `highlight.add_highlights`); `env` feeds custom render rules."""
    return md.renderer.render(list(tokens), md.options, env or {})


def render_note(md: MarkdownIt, text: str) -> tuple[str, str]:
    """A note's Markdown as block HTML, and as phrasing content only (to sit inside a paragraph as a sidenote).

    The phrasing form renders each block's inline content as it would be and
    joins blocks with line breaks (list items start with a bullet, code blocks
    become <code>). One parse serves both.
    """
    tokens = md.parse(text, {})
    parts = []
    bullet = ""
    for token in tokens:
        if token.type == "list_item_open":
            bullet = "• "
        elif token.type == "inline":
            parts.append(bullet + md.renderer.renderInline(token.children or [], md.options, {}))
            bullet = ""
        elif token.type in ("fence", "code_block"):
            parts.append("<code>" + escapeHtml(token.content.strip()) + "</code>")
    return md.renderer.render(tokens, md.options, {}), "<br>".join(parts)


# --- plain text of a block -------------------------------------------------

def raw_pieces(children: list[Token]) -> list[tuple[int, Token | None, str]]:
    """The visible text of inline children as (raw offset, text token or None, text)."""
    pieces = []
    offset = 0
    for child in children:
        if child.type in ("text", "code_inline"):
            piece = (offset, child if child.type == "text" else None, child.content)
        elif child.type in ("softbreak", "hardbreak"):
            piece = (offset, None, " ")
        else:
            continue  # markup tokens and images (whose alt a reader does not see)
        pieces.append(piece)
        offset += len(piece[2])
    return pieces


_UNCOLLAPSED = re.compile(r"[\t\n\r\f]|  |^ | $")


def collapse(raw: str) -> tuple[str, Sequence[int]]:
    """Collapse and trim whitespace; also map each raw offset to a plain offset (a non-decreasing sequence)."""
    if not _UNCOLLAPSED.search(raw):  # the usual case: nothing to collapse, offsets are unchanged
        return raw, range(len(raw) + 1)
    plain: list[str] = []
    index_map: list[int] = []
    for match in re.finditer(r"[ \t\n\r\f]+|[^ \t\n\r\f]+", raw):
        chunk = match.group()
        is_space = chunk[0] in " \t\n\r\f"
        if is_space:
            # Leading whitespace vanishes; trailing is trimmed below.
            index_map.extend([len(plain)] * len(chunk))
            if plain:
                plain.append(" ")
        else:
            index_map.extend(range(len(plain), len(plain) + len(chunk)))
            plain.extend(chunk)
    if plain and plain[-1] == " ":
        plain.pop()
    index_map.append(len(plain))
    return "".join(plain), index_map


def block_text(children: list[Token]) -> str:
    """The plain text a reader sees for one block's inline children."""
    return collapse("".join(text for _, _, text in raw_pieces(children)))[0]


# --- paragraph anchors -----------------------------------------------------

def paragraph_anchors_plugin(md: MarkdownIt) -> None:
    """Give every paragraph an id "p-N" and record its plain text in env."""
    md.core.ruler.push("reader_paragraph_anchors", _paragraph_anchors)


def _paragraph_anchors(state: StateCore) -> None:
    blocks = state.env.setdefault(_BLOCKS, [])
    lines = state.env.setdefault(_BLOCK_LINES, [])
    items: list[Token] = []  # enclosing list items, innermost last
    for index, token in enumerate(state.tokens):
        if token.type == "list_item_open":
            items.append(token)
        elif token.type == "list_item_close":
            items.pop()
        elif token.type == "paragraph_open":
            blocks.append(block_text(state.tokens[index + 1].children or []))
            lines.append(token.map[0] if token.map else 0)
            number = len(blocks)
            state.tokens[index + 1].meta[PARAGRAPH_KEY] = number
            _anchor_target(state.tokens, index, items).attrSet("id", f"p-{number}")


def _anchor_target(tokens: list[Token], index: int, items: list[Token]) -> Token:
    """The token that renders an element for the paragraph opened at `index`."""
    paragraph = tokens[index]
    if not paragraph.hidden:
        return paragraph
    if items and items[-1].attrGet("id") is None:
        return items[-1]
    # A second hidden paragraph in the same tight item ("- a\n  # h\n  b"):
    # the <li> already has an id, so give this paragraph its own <p>.
    # A paragraph is always paragraph_open, inline, paragraph_close.
    paragraph.hidden = tokens[index + 2].hidden = False
    return paragraph


# --- mentions ----------------------------------------------------------------

def mentions_plugin(md: MarkdownIt, matcher: AliasMatcher,
                    actor_href: Callable[[str], str] | None = None,
                    link_mentions: str = "first") -> None:
    """Find actor aliases in paragraphs, record them in env, link some of them.

    Runs after paragraph anchors (which number the blocks) and after
    `text_join`, so escaped characters are already merged into text tokens.
    """
    def rule(state: StateCore) -> None:
        for token in state.tokens:
            if token.type == "inline" and PARAGRAPH_KEY in token.meta:
                token.children = _mention_children(
                    token, state.env, matcher, actor_href, link_mentions)

    md.core.ruler.after("reader_paragraph_anchors", "reader_mentions", rule)


def _mention_children(inline: Token, env: dict, matcher: AliasMatcher,
                      actor_href: Callable[[str], str] | None, link_mentions: str) -> list[Token]:
    """The inline's children with mentions recorded and the chosen ones linked."""
    pieces = raw_pieces(inline.children or [])
    _, index_map = collapse("".join(text for _, _, text in pieces))
    raw_offset = {id(token): offset for offset, token, _ in pieces if token is not None}
    children: list[Token] = []
    link_depth = 0
    for child in inline.children or []:
        link_depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        if child.type != "text" or link_depth:
            children.append(child)  # link text is already a link; code is code
            continue
        place = (inline.meta[PARAGRAPH_KEY], raw_offset[id(child)], index_map)
        cuts = _record_mentions(child.content, place, matcher, env,
                                link_mentions if actor_href else None)
        children.extend(_split_text(child, cuts, actor_href))
    return children


def _record_mentions(text: str, place: tuple[int, int, list[int]], matcher: AliasMatcher,
                     env: dict, link_mentions: str | None) -> list[AliasMatch]:
    """Append the mentions in one text token to env; return those to link."""
    paragraph, base, index_map = place
    mentions = env.setdefault(_MENTIONS, [])
    linked = env.setdefault(_LINKED, set())  # per document, hence in env
    cuts = []
    for match in matcher.find(text):
        start, end = index_map[base + match.start], index_map[base + match.end - 1] + 1
        mentions.append(Mention(match.actor, paragraph, start, end, text[match.start:match.end]))
        if link_mentions == "all" or (link_mentions == "first" and match.actor not in linked):
            linked.add(match.actor)
            cuts.append(match)
    return cuts


def _split_text(token: Token, cuts: list[AliasMatch], actor_href: Callable[[str], str] | None) -> list[Token]:
    """Replace a text token by text and link tokens around each match in `cuts`."""
    if not cuts:
        return [token]
    tokens: list[Token] = []
    position = 0
    for match in cuts:
        tokens.append(_text(token.content[position:match.start], token.level))
        link = Token("link_open", "a", 1, level=token.level)
        link.attrs = {"href": actor_href(match.actor), "class": "mention", "data-actor": match.actor}
        tokens.extend([link, _text(token.content[match.start:match.end], token.level + 1),
                       Token("link_close", "a", -1, level=token.level)])
        position = match.end
    tokens.append(_text(token.content[position:], token.level))
    return [t for t in tokens if t.type != "text" or t.content]


def _text(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)
