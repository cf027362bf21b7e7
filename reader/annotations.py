"""Validate annotation files and claims: raw YAML -> frozen `Annotation`s and `Claim`s, with diagnostics.

Contract: `validate_claims(raw, diagnostics)` and `validate_file(raw, actor_ids,
claim_ids, diagnostics)` return what is valid and report the rest at its file
and line; `in_article_order` puts the files' annotations together and runs the
checks across files. Field rules (DESIGN.md §3):
- `id` is a key (a-z, 0-9, hyphens) unique within its file; the file's stem
  is an article slug;
- `kind` is one of ANNOTATION_KINDS; a fact-check needs a `verdict` and at
  least one source; only a fact-check may have a verdict; a cross-reference
  needs `see`;
- `claim`, `actors` and `see` must name things that exist ("did you mean");
- `editor` and `date` say who wrote the note and when.
Anchoring the quote is the link stage's job (`anchor.py`).
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, repeat

from .diagnostics import Diagnostic, Diagnostics, Source, did_you_mean
from .fields import Fields, describe
from .load import RawFile
from .model import ANNOTATION_KINDS, VERDICTS, Annotation, Claim, Link

ANNOTATION_FIELDS = {"id", "quote", "prefix", "suffix", "kind", "verdict", "claim", "actors", "see", "note",
                     "sources", "editor", "date", "event_date"}


def validate_claims(raw: RawFile | None, diagnostics: Diagnostics) -> tuple[Claim, ...]:
    if raw is None:
        return ()
    fields = Fields(raw, diagnostics)
    claims = []
    for claim_id, entry in fields.entries_of_mapping("a title and a description"):
        title, description = entry.string("title"), entry.string("description")
        entry.warn_unknown({"title", "description"})
        if fields.key_pattern(str(claim_id), claim_id, at_key=(claim_id,)) and title and description:
            claims.append(Claim(str(claim_id), title, description, raw.positions.key_of(claim_id)))
    return tuple(claims)


def validate_file(raw: RawFile, actor_ids: list[str], claim_ids: list[str],
                  diagnostics: Diagnostics) -> list[Annotation]:
    """The valid annotations of one file, in file order."""
    seen: dict[str, int] = {}
    found = []
    for index, item in enumerate(raw.data):
        fields = Fields(raw, diagnostics, (index,))
        if not isinstance(item, dict):
            diagnostics.error(raw.positions.of(index), "each annotation needs fields (id, quote, kind, note, ...)",
                              "start it with '- id: ...'")
            continue
        annotation = _annotation(raw, fields, actor_ids, claim_ids, diagnostics)
        if annotation is None:
            continue
        if annotation.id in seen:
            diagnostics.error(fields.where("id"), f"duplicate annotation id '{annotation.id}'",
                              f"first used on line {seen[annotation.id]}; ids must be unique within an article")
            continue
        seen[annotation.id] = annotation.source.line
        found.append(annotation)
    return found


def in_article_order(files: Sequence[RawFile], validated: Sequence[list[Annotation]],
                     problems: Sequence[tuple[Diagnostic, ...]], article_slugs: list[str],
                     diagnostics: Diagnostics) -> tuple[Annotation, ...]:
    """Every valid annotation, files in `article_slugs` order, items in file order.

    `validated` and `problems` are what `validate_file` gave for each of `files`, and are reported here in
    file order; a file named after no article is reported instead. The checks across files (`see`) follow.
    """
    known = set(article_slugs)
    by_article: dict[str, list[list[Annotation]]] = {}
    for raw, items, found in zip(files, validated, problems):
        if raw.stem not in known:
            guess = did_you_mean(raw.stem, article_slugs)
            diagnostics.error(raw.source, f"annotations for an unknown article '{raw.stem}'",
                              f"did you mean '{guess}.yaml'?" if guess else
                              "name the file after the article: content/annotations/<article-slug>.yaml")
            continue
        diagnostics.items.extend(found)
        by_article.setdefault(raw.stem, []).append(items)
    # an article listed twice (a link to another article file) has its notes where it is listed last
    slugs = reversed(dict.fromkeys(reversed(article_slugs)))
    ordered = tuple(chain.from_iterable(chain.from_iterable(map(by_article.get, slugs, repeat(())))))
    _check_see(ordered, files, by_article, known, article_slugs, diagnostics)
    return ordered


def _annotation(raw: RawFile, fields: Fields, actor_ids: list[str], claim_ids: list[str],
                diagnostics: Diagnostics) -> Annotation | None:
    errors_before = len(diagnostics.errors)
    annotation_id = fields.string("id")
    if annotation_id and not fields.key_pattern(annotation_id, "id"):
        annotation_id = None
    kind = fields.choice("kind", ANNOTATION_KINDS, "annotation kind")
    values = dict(
        quote=fields.string("quote"), prefix=fields.text("prefix"), suffix=fields.text("suffix"),
        verdict=_verdict(fields, kind), claim=_reference(fields, "claim", claim_ids, "claim",
                                                          "add it to content/claims.yaml first"),
        actors=_actors(fields, actor_ids), see=fields.strings("see"), note=fields.string("note"),
        sources=_sources(fields, kind), editor=fields.string("editor"), date=fields.date("date"),
        event_date=fields.date("event_date", required=False),
    )
    if kind == "cross_reference" and not values["see"]:
        if "see" in fields.data:
            fields.error("see", "a cross_reference needs at least one article in 'see'", "see: [other-article-slug]")
        else:
            fields.missing("see")
    fields.warn_unknown(ANNOTATION_FIELDS)
    if len(diagnostics.errors) > errors_before or not annotation_id or not kind:
        return None
    return Annotation(article=raw.stem, id=annotation_id, kind=kind, source=fields.raw.positions.of(*fields.path),
                      quote_source=fields.where("quote"), **values)


def _verdict(fields: Fields, kind: str | None) -> str | None:
    if kind == "fact_check":
        if fields.get("verdict") is None:
            fields.error("kind", "a fact_check needs a verdict", f"verdict: one of {', '.join(VERDICTS)}")
            return None
        return fields.choice("verdict", VERDICTS, "verdict")
    if fields.get("verdict") is not None:
        fields.error("verdict", "only a fact_check has a verdict", "remove 'verdict', or make this 'kind: fact_check'")
    return None


def _reference(fields: Fields, key: str, known: list[str], what: str, otherwise: str) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value not in known:
        guess = did_you_mean(str(value), known)
        fields.error(key, f"unknown {what} '{value}'", f"did you mean '{guess}'?" if guess else otherwise)
        return None
    return value


def _actors(fields: Fields, actor_ids: list[str]) -> tuple[str, ...]:
    actors = fields.strings("actors")
    for index, actor_id in enumerate(actors):
        if actor_id not in actor_ids:
            guess = did_you_mean(actor_id, actor_ids)
            fields.diagnostics.error(fields.raw.positions.of(*fields.path, "actors", index),
                                     f"unknown actor '{actor_id}'",
                                     f"did you mean '{guess}'?" if guess else "add content/actors/<id>.md first")
    return tuple(a for a in actors if a in actor_ids)


def _sources(fields: Fields, kind: str | None) -> tuple[Link, ...]:
    value = fields.get("sources")
    if value is not None and not isinstance(value, list):
        fields.error("sources", f"'sources' must be a list of {{title, url}}, got {describe(value)}",
                     "sources:\n      - {title: ..., url: https://...}")
        return ()
    sources = []
    for _, entry in fields.entries("sources", "a title and a url"):
        title, url = entry.string("title"), entry.url("url")
        if entry.get("url") is None:
            entry.missing("url")
        entry.warn_unknown({"title", "url"})
        if title and url:
            sources.append(Link(title, url))
    if kind == "fact_check" and not value:
        fields.error("sources" if value is not None else "kind", "a fact_check needs at least one source",
                     "sources:\n      - {title: ..., url: https://...}")
    return tuple(sources)


def _check_see(annotations: tuple[Annotation, ...], files: Sequence[RawFile],
               by_article: dict[str, list[list[Annotation]]], known_slugs: set[str], article_slugs: list[str],
               diagnostics: Diagnostics) -> None:
    """`see: [slug]` or `[slug#annotation-id]` must name an article (and one of its annotations)."""
    ids: dict[str, set[str]] = {}  # of the articles named with '#', as they are met
    for annotation in annotations:
        for number, target in enumerate(annotation.see):
            slug, _, target_id = target.partition("#")
            if slug not in known_slugs:
                guess = did_you_mean(slug, article_slugs)
                diagnostics.error(_see_position(files, annotation, number), f"'see' names an unknown article '{slug}'",
                                  f"did you mean '{guess}'?" if guess else "use an article slug, e.g. my-article#note-id")
                continue
            if target_id and slug not in ids:
                ids[slug] = {a.id for a in chain.from_iterable(by_article.get(slug, ()))}
            if target_id and target_id not in ids[slug]:
                known = sorted(ids[slug])
                guess = did_you_mean(target_id, known)
                diagnostics.error(_see_position(files, annotation, number),
                                  f"'see' names an unknown annotation '{target_id}' of {slug}",
                                  f"did you mean '{slug}#{guess}'?" if guess else f"{slug} has: {', '.join(known) or 'no annotations'}")


def _see_position(files: Sequence[RawFile], annotation: Annotation, number: int) -> Source:
    """Where the `number`th target of `annotation`'s `see` stands: in its file, at the last item with its id
    as written (or else as `Fields.string` read it, stripped)."""
    raw = [f for f in files if f.stem == annotation.article][-1]
    ids = [item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else None for item in raw.data]
    exact = [index for index, value in enumerate(ids) if value == annotation.id]
    stripped = [index for index, value in enumerate(ids) if value is not None and value.strip() == annotation.id]
    return raw.positions.of((exact or stripped)[-1], "see", number)
