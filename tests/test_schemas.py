"""schemas/*.schema.json: the JSON Schemas an editor's YAML extension (yaml-language-server) uses to
complete and flag content as it is typed. They mirror the validators (reader/validate.py,
reader/annotations.py, reader/fields.py), which stay the real check; these tests keep the two in step:

- each schema is a valid draft 2020-12 schema, and uses only keywords yaml-language-server understands
  (it validates schemas against draft-07 and resolves `$ref` by JSON pointer);
- the shipped content validates, read by the build's own loader (dates stay strings, as in YAML 1.2,
  which the editor uses);
- the schemas list exactly the fields the validators know, and the same enums;
- wrong documents are rejected by both the schema and the validator (and right ones accepted by both),
  each site built inline and read the same way for both sides;
- every content file names its schema on a `# yaml-language-server: $schema=...` line.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

from reader.annotations import ANNOTATION_FIELDS
from reader.diagnostics import Diagnostics
from reader.fields import KEY_PATTERN
from reader.load import RawSite, load_site
from reader.model import ACTOR_KINDS, ANNOTATION_KINDS, VERDICTS
from reader.validate import ACTOR_FIELDS, ARTICLE_FIELDS, SITE_FIELDS, validate_site
import sitebuilder
from sitebuilder import PROJECT, make_site

SCHEMAS = PROJECT / "schemas"
NAMES = ("annotations", "claims", "article", "actor", "site")
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")

# Keywords that both draft 2020-12 and yaml-language-server (draft-07 semantics) understand, plus the
# editor-only annotations it reads ($defs is resolved as a plain JSON pointer).
EDITOR_KEYWORDS = {
    "$schema", "$ref", "$defs", "title", "description", "type", "enum", "const", "pattern", "format",
    "properties", "additionalProperties", "required", "propertyNames", "minProperties", "items", "minItems",
    "allOf", "anyOf", "if", "then", "else", "default",
    "patternErrorMessage", "errorMessage", "enumDescriptions", "defaultSnippets",
}
SUBSCHEMA_MAPS = ("properties", "$defs")
SUBSCHEMA_LISTS = ("allOf", "anyOf")
SUBSCHEMAS = ("items", "additionalProperties", "propertyNames", "if", "then", "else")


def load_schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def validator(name: str) -> Draft202012Validator:
    # The date format is checked too (2019-02-30 matches the pattern but is no date).
    return Draft202012Validator(load_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def subschemas(schema, path=()):
    """(path, subschema) for the schema and every schema inside it."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for key in SUBSCHEMA_MAPS:
        for name, sub in schema.get(key, {}).items():
            yield from subschemas(sub, path + (key, name))
    for key in SUBSCHEMA_LISTS:
        for index, sub in enumerate(schema.get(key, [])):
            yield from subschemas(sub, path + (key, index))
    for key in SUBSCHEMAS:
        if key in schema:
            yield from subschemas(schema[key], path + (key,))


def resolve(schema: dict, sub: dict) -> dict:
    """`sub` with a local `$ref` followed (one level, as the schemas use them)."""
    if "$ref" in sub:
        target = schema
        for part in sub["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return {**target, **sub}
    return sub


def schema_errors(raw: RawSite) -> list[str]:
    """Every schema error in the files of a loaded site, as 'path: location: message'."""
    files = [("site", raw.site), ("claims", raw.claims)]
    files += [("article", f) for f in raw.articles] + [("actor", f) for f in raw.actors]
    files += [("annotations", f) for f in raw.annotations]
    validators = {name: validator(name) for name in NAMES}
    found = []
    for name, file in files:
        if file is None:
            continue
        for error in validators[name].iter_errors(file.data):
            found.append(f"{file.source.path}: {error.json_path}: {error.message}")
    return found


def python_problems(root: Path) -> tuple[RawSite, list[str]]:
    """The site at `root` as the build loads it, and what `check --strict` says about its content."""
    diagnostics = Diagnostics()
    raw = load_site(root, diagnostics)
    validate_site(raw, diagnostics)
    return raw, [d.format() for d in diagnostics.as_strict().errors]


# --- the schemas themselves ------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_draft_2020_12_and_loads_in_the_editor(name):
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    # yaml-language-server checks every schema against the draft-07 meta-schema.
    Draft7Validator.check_schema(schema)
    used = {key for _, sub in subschemas(schema) for key in sub}
    assert used <= EDITOR_KEYWORDS, f"keywords the editor may not understand: {used - EDITOR_KEYWORDS}"


@pytest.mark.parametrize("name", NAMES)
def test_every_property_has_a_description_for_hover(name):
    schema = load_schema(name)
    assert schema.get("title") and schema.get("description")
    for path, sub in subschemas(schema):
        for prop, prop_schema in sub.get("properties", {}).items():
            if any(part in ("if", "then", "else") for part in path):
                continue  # conditional branches restate a property's constraints, not its meaning
            described = resolve(schema, prop_schema).get("description", "")
            assert len(described) > 20, f"{name}: {'/'.join(map(str, path))}/{prop} needs a description"


@pytest.mark.parametrize("name", NAMES)
def test_enum_descriptions_match_their_enums(name):
    for path, sub in subschemas(load_schema(name)):
        if "enumDescriptions" in sub:
            assert len(sub["enumDescriptions"]) == len(sub["enum"]), path


def test_ids_use_the_validators_key_pattern():
    patterns = set()
    for name in NAMES:
        for _, sub in subschemas(load_schema(name)):
            if "[a-z0-9][a-z0-9-]*" in sub.get("pattern", ""):
                patterns.add(sub["pattern"])
    whole_key = "^" + KEY_PATTERN.pattern.strip("^$") + "$"  # the validator may use fullmatch without anchors
    assert whole_key in patterns
    assert patterns <= {whole_key, "^[a-z0-9][a-z0-9-]*(#[a-z0-9][a-z0-9-]*)?$"}


def test_shared_definitions_are_the_same_in_every_schema():
    """Each schema file stands alone (the editor loads one per file); the copies must not drift."""
    seen: dict[str, tuple[str, dict]] = {}
    for name in NAMES:
        for key, definition in load_schema(name).get("$defs", {}).items():
            first = seen.setdefault(key, (name, definition))
            assert first[1] == definition, f"$defs/{key} differs between {first[0]} and {name}"


# --- agreement with the validators -----------------------------------------------------------------

def test_fields_match_the_validators():
    annotation = load_schema("annotations")["$defs"]["annotation"]
    assert set(annotation["properties"]) == ANNOTATION_FIELDS
    assert set(load_schema("article")["properties"]) == ARTICLE_FIELDS
    assert set(load_schema("actor")["properties"]) == ACTOR_FIELDS
    assert set(load_schema("site")["properties"]) == SITE_FIELDS
    # The nested mappings, whose keys the validators list inline (warn_unknown calls).
    assert set(load_schema("annotations")["$defs"]["source"]["properties"]) == {"title", "url"}
    assert set(load_schema("actor")["$defs"]["link"]["properties"]) == {"title", "url"}
    assert set(load_schema("site")["$defs"]["stance"]["properties"]) == {"label", "description"}
    assert set(load_schema("claims")["$defs"]["claim"]["properties"]) == {"title", "description"}


def test_enums_match_the_model():
    annotation = load_schema("annotations")["$defs"]["annotation"]
    assert tuple(annotation["properties"]["kind"]["enum"]) == ANNOTATION_KINDS
    assert tuple(annotation["properties"]["verdict"]["enum"]) == VERDICTS
    assert tuple(load_schema("actor")["properties"]["kind"]["enum"]) == ACTOR_KINDS


def test_closed_objects_reject_unknown_keys():
    """The validators warn on unknown keys and `check --strict` fails on them: every mapping is closed."""
    for name in NAMES:
        schema = load_schema(name)
        for path, sub in subschemas(schema):
            if "properties" in sub and not any(p in ("if", "then", "else") for p in path):
                assert sub.get("additionalProperties") is False, f"{name}: {'/'.join(map(str, path))}"


# --- the real content ------------------------------------------------------------------------------

def test_shipped_content_validates_against_the_schemas():
    raw, _ = python_problems(PROJECT)
    assert raw.site and raw.articles and raw.actors
    assert schema_errors(raw) == []


def content_files() -> list[tuple[Path, str]]:
    files = [(PROJECT / "site.yaml", "site"), (PROJECT / "content" / "claims.yaml", "claims")]
    for folder, name, pattern in (("articles", "article", "*.md"), ("actors", "actor", "*.md"),
                                  ("annotations", "annotations", "*.yaml")):
        files += [(path, name) for path in sorted((PROJECT / "content" / folder).glob(pattern))]
    return [(path, name) for path, name in files if path.is_file()]


def test_every_content_file_names_its_schema():
    wrong = []
    for path, name in content_files():
        lines = path.read_text(encoding="utf-8").split("\n")
        line = lines[1] if path.suffix == ".md" else lines[0]  # the first line of the YAML
        match = MODELINE.match(line)
        target = (path.parent / match.group(1)).resolve() if match else None
        if target != SCHEMAS / f"{name}.schema.json":
            expected = Path("../" * (len(path.relative_to(PROJECT).parts) - 1)) / "schemas" / f"{name}.schema.json"
            wrong.append(f"{path.relative_to(PROJECT)}: first YAML line should be "
                         f"'# yaml-language-server: $schema={expected.as_posix()}'")
    assert wrong == []


# --- wrong documents: rejected by the schema and by the validator alike --------------------------------

ANNOTATION = """\
- id: a-note
  quote: Putin spoke
  kind: fact_check
  verdict: accurate
  note: The note.
  sources:
    - {title: A source, url: "https://example.org/a"}
  editor: The editors
  date: 2026-01-02
"""
CLAIMS = """\
a-claim:
  title: A claim
  description: What is claimed.
"""
ARTICLE = sitebuilder.ARTICLE
ACTOR = """\
---
name: Vladimir Putin
kind: person
aliases: [Putin]
links:
  - {title: Wikipedia, url: "https://en.wikipedia.org/wiki/Vladimir_Putin"}
---
President of Russia.
"""
SITE = """\
title: Test site
base_url: https://example.org/test/
link_mentions: first
stances:
  pro: {label: For, description: Argues for.}
  contra: {label: Against, description: Argues against.}
"""
FILES = {"annotations": "content/annotations/an-article.yaml", "claims": "content/claims.yaml",
         "article": "content/articles/an-article.md", "actor": "content/actors/putin.md", "site": "site.yaml"}
BASES = {"annotations": ANNOTATION, "claims": CLAIMS, "article": ARTICLE, "actor": ACTOR, "site": SITE}


def edited(name: str | None = None, old: str = "", new: str = "") -> dict[str, str]:
    """The base site, with one replacement in one file (which must apply)."""
    files = {FILES[n]: text for n, text in BASES.items()}
    if name:
        assert old in BASES[name], (name, old)
        files[FILES[name]] = BASES[name].replace(old, new, 1)
    return files


def both_sides(tmp_path: Path, files: dict[str, str]) -> tuple[list[str], list[str]]:
    root = make_site(tmp_path, files)
    raw, problems = python_problems(root)
    return schema_errors(raw), problems


def test_the_base_documents_pass_both(tmp_path):
    assert both_sides(tmp_path, edited()) == ([], [])


WRONG = [
    # annotations
    ("fact_check without verdict", "annotations", "  verdict: accurate\n", ""),
    ("verdict on a context note", "annotations", "kind: fact_check", "kind: context"),
    ("unknown kind", "annotations", "kind: fact_check", "kind: fact-check"),
    ("bad id", "annotations", "id: a-note", "id: A_Note"),
    ("missing quote", "annotations", "  quote: Putin spoke\n", ""),
    ("empty quote", "annotations", "quote: Putin spoke", 'quote: " "'),
    ("javascript: URL", "annotations", "https://example.org/a", "javascript:alert(1)"),
    ("URL without a host", "annotations", "https://example.org/a", "https:///a"),
    ("fact_check without sources", "annotations",
     '  sources:\n    - {title: A source, url: "https://example.org/a"}\n', ""),
    ("cross_reference without see", "annotations", "kind: fact_check\n  verdict: accurate",
     "kind: cross_reference"),
    ("see naming no slug", "annotations", "kind: fact_check\n  verdict: accurate",
     "kind: cross_reference\n  see: [An Article]"),
    ("date not ISO", "annotations", "date: 2026-01-02", "date: 02/01/2026"),
    ("date that does not exist", "annotations", "date: 2026-01-02", "date: 2026-02-30"),
    ("missing editor", "annotations", "  editor: The editors\n", ""),
    ("misspelt field", "annotations", "  note: The note.", "  notes: The note."),
    ("number as text", "annotations", "editor: The editors", "editor: 42"),
    ("source without title", "annotations", "{title: A source, url:", "{url:"),
    # claims
    ("claim without description", "claims", "  description: What is claimed.\n", ""),
    ("bad claim id", "claims", "a-claim:", "A_claim:"),
    ("unknown claim field", "claims", "  title: A claim", "  title: A claim\n  label: A claim"),
    # articles
    ("author missing, no author_note", "article", "author: Ann Writer\n", ""),
    ("author null, no author_note", "article", "author: Ann Writer", "author: null"),
    ("publication null, no publication_note", "article", "publication: The Paper", "publication: null"),
    ("unknown date_precision", "article", "date: 2020-01-02", "date: 2020-01-02\ndate_precision: roughly"),
    ("stance missing", "article", "stance: pro\n", ""),
    ("stance not a key", "article", "stance: pro", "stance: Pro"),
    ("source_url not http", "article", "stance: pro", "stance: pro\nsource_url: ftp://example.org/a"),
    ("implied actor not an id", "article", "stance: pro", "stance: pro\nactors: [Vladimir Putin]"),
    ("unknown article field", "article", "stance: pro", "stance: pro\nsumary: A summary."),
    # actors
    ("unknown actor kind", "actor", "kind: person", "kind: people"),
    ("missing name", "actor", "name: Vladimir Putin\n", ""),
    ("javascript: link", "actor", "https://en.wikipedia.org/wiki/Vladimir_Putin", "javascript:void(0)"),
    ("links not a list", "actor", '  - {title: Wikipedia, url: "https://en.wikipedia.org/wiki/Vladimir_Putin"}\n',
     "  Wikipedia\n"),
    # site.yaml
    ("unknown link_mentions", "site", "link_mentions: first", "link_mentions: some"),
    ("stance key not a key", "site", "  pro:", "  Pro:"),
    ("stance without description", "site", "{label: For, description: Argues for.}", "{label: For}"),
    ("no stances", "site", "stances:\n  pro: {label: For, description: Argues for.}\n"
                           "  contra: {label: Against, description: Argues against.}\n", "stances: {}\n"),
    ("base_url not http", "site", "base_url: https://example.org/test/", "base_url: example.org/test/"),
]

RIGHT = [
    ("a context note with a source", "annotations", "kind: fact_check\n  verdict: accurate", "kind: context"),
    ("a cross_reference", "annotations", "kind: fact_check\n  verdict: accurate",
     "kind: cross_reference\n  see: an-article"),
    ("prefix, suffix, claim, actors, event_date", "annotations", "  editor:",
     '  prefix: "the "\n  suffix: " today"\n  claim: a-claim\n  actors: putin\n  event_date: 2019-03-23\n  editor:'),
    ("author null with author_note", "article", "author: Ann Writer",
     "author: null\nauthor_note: No byline."),
    ("author missing with author_note", "article", "author: Ann Writer", "author_note: No byline."),
    ("several authors", "article", "author: Ann Writer", "author: [Ann Writer, Bo Roe]"),
    ("publication null with a note, as the importer writes", "article", "publication: The Paper",
     "publication: null\npublication_note: Unknown.\nsummary: null"),
    ("an approximate date", "article", "date: 2020-01-02",
     "date: 2020-01-02\ndate_precision: approximate\ndate_note: Estimated."),
    ("an actor with one alias and a role", "actor", "aliases: [Putin]", "aliases: Putin\nrole: President"),
    ("site with every field", "site", "link_mentions: first",
     "link_mentions: all\nlanguage: en\ndescription: A site.\nunlinked_phrases: [Latin America]"),
]

# Cases that once passed the validator silently (the schema caught them first); both reject them now.
FORMERLY_SILENT = [
    ("fact_check with an empty sources list", "annotations",
     '  sources:\n    - {title: A source, url: "https://example.org/a"}\n', "  sources: []\n"),
    ("source without url (dropped silently)", "annotations", ', url: "https://example.org/a"}', "}"),
    ("sources not a list (ignored silently)", "annotations",
     '  sources:\n    - {title: A source, url: "https://example.org/a"}\n', "  sources: https://example.org/a\n"),
    ("cross_reference with an empty see list", "annotations", "kind: fact_check\n  verdict: accurate",
     "kind: cross_reference\n  see: []"),
    ("actor link without url (dropped silently)", "actor",
     ', url: "https://en.wikipedia.org/wiki/Vladimir_Putin"}', "}"),
]


def case_id(case):
    return case[0]


@pytest.mark.parametrize("case", WRONG, ids=case_id)
def test_wrong_document_is_rejected_by_schema_and_validator(tmp_path, case):
    _, name, old, new = case
    schema_side, python_side = both_sides(tmp_path, edited(name, old, new))
    assert schema_side, "the schema accepts it"
    assert all(e.startswith(FILES[name]) for e in schema_side), schema_side
    assert any(p.startswith(FILES[name]) for p in python_side), f"the validator accepts it: {python_side}"


@pytest.mark.parametrize("case", RIGHT, ids=case_id)
def test_right_document_is_accepted_by_schema_and_validator(tmp_path, case):
    _, name, old, new = case
    assert both_sides(tmp_path, edited(name, old, new)) == ([], [])


@pytest.mark.parametrize("case", FORMERLY_SILENT, ids=case_id)
def test_formerly_silent_mistakes_are_rejected_by_schema_and_validator(tmp_path, case):
    _, name, old, new = case
    schema_side, python_side = both_sides(tmp_path, edited(name, old, new))
    assert schema_side
    assert any(p.startswith(FILES[name]) for p in python_side), f"the validator accepts it: {python_side}"


def test_specific_messages():
    """The errors name the right field, so that the editor underlines the right place."""
    annotations = validator("annotations")

    def paths(doc):
        return {(error.json_path, error.message) for error in annotations.iter_errors(doc)}

    def schema_paths(doc):
        return {"/".join(map(str, error.absolute_schema_path)) for error in annotations.iter_errors(doc)}

    note = {"id": "a-note", "quote": "Q", "kind": "context", "note": "N", "editor": "E", "date": "2026-01-02"}
    assert paths([note]) == set()
    assert paths([{**note, "kind": "fact_check", "sources": [{"title": "T", "url": "https://x.org"}]}]) == {
        ("$[0]", "'verdict' is a required property")}
    # (jsonschema puts a false subschema's error on the parent; the editor underlines the 'verdict' key)
    assert schema_paths([{**note, "verdict": "accurate"}]) == {"items/allOf/0/else/properties"}
    assert {p for p, _ in paths([{**note, "id": "Bad Id"}])} == {"$[0].id"}
    assert {p for p, _ in paths([{**note, "kind": "note"}])} == {"$[0].kind"}
    assert paths([{k: v for k, v in note.items() if k != "quote"}]) == {("$[0]", "'quote' is a required property")}
    bad_source = [{**note, "sources": [{"title": "T", "url": "javascript:alert(1)"}]}]
    assert {p for p, _ in paths(bad_source)} == {"$[0].sources[0].url"}
