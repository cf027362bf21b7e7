#!/usr/bin/env python3
"""Deterministic synthetic corpus for the benchmarks: a complete site folder that `build.py build --root` builds.

    python bench/generate.py --articles 1000 --out /tmp/corpus-1k [--hugo-out /tmp/corpus-1k-hugo] [--seed 1]

The same seed and article count always give byte-identical files. Articles are
~1,000 words of sentences drawn from the project's five real articles, so real
actor names (and their spellings and typos) occur; actors are 60 of the real
actor files with their aliases; each article has 5 annotations whose quotes are
exact, unique passages of one paragraph (one in ten articles repeats a sentence
on purpose and tells the occurrences apart with `prefix`). With `--hugo-out`,
the same articles are also written as a Hugo site (bench/hugo/) whose `actors`
and `stances` taxonomies hold the actors each article mentions and its stance.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

import yaml

PROJECT = Path(__file__).resolve().parent.parent
HUGO_TEMPLATE = Path(__file__).resolve().parent / "hugo"
ACTOR_COUNT = 60
WORDS_PER_ARTICLE = 1000
ANNOTATIONS_PER_ARTICLE = 5
CLAIM_COUNT = 20

# A sentence ends at . ! or ? (maybe followed by a closing quote) before a capital or an opening quote.
_SENTENCE_END = re.compile(r"([.!?][”\"’)]?)\s+(?=[A-Z“\"‘(])")
# Sentences with Markdown syntax would render differently from their source; the corpus keeps plain ones.
_MARKUP = re.compile(r"[*_\[\]<>\\`&#|]|^(\d+[.)]|[-+>=])\s")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")

AUTHORS = ["Ana Ferreira", "Boris Volkov", "Carla Méndez", "David Okafor", "Elena Petrova", "Frank Weber",
           "Gabriela Ruiz", "Hiroshi Tanaka", "Irina Sokolova", "James Whitfield", "Katarzyna Nowak",
           "Luis Herrera", "Maria Rossi", "Nikolai Orlov", "Olivia Grant", "Pablo Díaz"]
PUBLICATIONS = ["The Caracas Observer", "Atlantic Monitor", "Eurasia Review Weekly", "The Hemisphere Post",
                "Global Markets Daily", "Andean Chronicle", "The Security Brief", "Moscow Letter"]
EDITORS = ["R. Alvarez", "S. Lindqvist", "T. Moreau", "U. Brennan", "V. Kaur"]
HEADINGS = ["The military picture", "Money and oil", "What Washington did", "The view from Moscow",
            "Back in Caracas", "Parallels with Syria", "What comes next", "The sanctions question"]
VERDICTS = ["accurate", "misleading", "needs_context", "inaccurate", "unverified"]
KINDS = ["context", "fact_check", "correction", "definition", "cross_reference"]
CLAIM_TOPICS = ["troop count", "arms sales", "oil loans", "mercenary presence", "air defences",
                "sanctions exposure", "debt restructuring", "bank ownership", "advisers' role", "election result"]


@dataclass(frozen=True)
class ActorFile:
    id: str
    front: dict
    body: str


@dataclass
class Article:
    slug: str
    front: dict
    paragraphs: list[list[str]]
    """Each paragraph a list of sentences, in order; a heading is a one-item list starting with '## '."""
    actors: list[str] = field(default_factory=list)
    """Actors the text mentions or the front matter implies (for Hugo's taxonomy)."""
    annotations: list[dict] = field(default_factory=list)


# --- sources ----------------------------------------------------------------------


def split_front_matter(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def load_sentences(project: Path) -> list[str]:
    """Every plain sentence of the project's articles, in file order."""
    sentences = []
    for path in sorted((project / "content" / "articles").glob("*.md")):
        _, body = split_front_matter(path.read_text(encoding="utf-8"))
        for paragraph in body.split("\n\n"):
            text = " ".join(paragraph.split())
            parts = _SENTENCE_END.split(text) if text else []
            joined = [parts[i] + (parts[i + 1] if i + 1 < len(parts) else "") for i in range(0, len(parts), 2)]
            sentences += [s for s in joined if not _MARKUP.search(s) and len(s.split()) >= 4]
    if not sentences:
        sys.exit(f"generate: no sentences found in {project}/content/articles")
    return sentences


def load_actors(project: Path, sentences: list[str], count: int = ACTOR_COUNT) -> list[ActorFile]:
    """`count` real actors, those whose aliases occur in the sentences first, then by id."""
    actors = []
    for path in sorted((project / "content" / "actors").glob("*.md")):
        front, body = split_front_matter(path.read_text(encoding="utf-8"))
        actors.append(ActorFile(path.stem, front, _LINK.sub(r"\1", body).strip()))
    text = "\n".join(sentences)
    actors.sort(key=lambda a: (not any(alias in text for alias in a.front.get("aliases", [])), a.id))
    return sorted(actors[:count], key=lambda a: a.id)


def mention_finder(actors: list[ActorFile], unlinked: list[str]):
    """A function sentence -> sorted actor ids whose aliases it contains (longest alias first, whole words)."""
    owner = {alias: a.id for a in actors for alias in a.front.get("aliases", [])}
    alternatives = sorted([*owner, *unlinked], key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")
    return lambda sentence: sorted({owner[m] for m in pattern.findall(sentence) if m in owner})


# --- the corpus ---------------------------------------------------------------------


def make_articles(n: int, sentences: list[str], actors: list[ActorFile], stances: list[str],
                  claims: list[str], rng: Random) -> list[Article]:
    width = max(5, len(str(n)))
    slugs = [f"article-{i:0{width}d}" for i in range(1, n + 1)]
    find = mention_finder(actors, _unlinked_phrases())
    mentions = {s: find(s) for s in sentences}
    articles = []
    for index, slug in enumerate(slugs):
        article = _article(slug, index, sentences, actors, stances, rng)
        named = {a for para in article.paragraphs for s in para for a in mentions.get(s, [])}
        article.actors = sorted(named | set(article.front.get("actors", [])))
        article.annotations = _annotations(article, rng, claims, slugs)
        articles.append(article)
    return articles


def _article(slug: str, index: int, sentences: list[str], actors: list[ActorFile],
             stances: list[str], rng: Random) -> Article:
    paragraphs = _paragraphs(sentences, rng)
    if index % 10 == 0:
        _repeat_a_sentence(paragraphs, rng)
    date = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(7 * 365))
    names = rng.sample([a.front["name"] for a in actors], 2)
    author = rng.choice(AUTHORS) if rng.random() < 0.85 else rng.sample(AUTHORS, 2)
    front = {
        "title": f"{names[0]} and {names[1]}: {rng.choice(HEADINGS).lower()} ({index + 1})",
        "date": date.isoformat(),
        "author": author,
        "publication": rng.choice(PUBLICATIONS),
        "source_url": f"https://example.org/news/{slug}",
        "stance": stances[index % len(stances)],
        "stance_note": "Synthetic benchmark article; its stance is assigned in rotation.",
        "summary": paragraphs[0][0],
    }
    if rng.random() < 0.5:
        front["actors"] = sorted(rng.sample([a.id for a in actors], rng.randint(1, 2)))
    return Article(slug, front, paragraphs)


def _paragraphs(sentences: list[str], rng: Random) -> list[list[str]]:
    """~1,000 words: sentences drawn without replacement, 2-5 per paragraph, a heading every 3-5 paragraphs."""
    target = rng.randint(WORDS_PER_ARTICLE - 100, WORDS_PER_ARTICLE + 100)
    order = rng.sample(sentences, len(sentences))
    paragraphs, words, since_heading = [], 0, 0
    while words < target and order:
        take = min(rng.randint(2, 5), len(order))
        paragraph, order = order[:take], order[take:]
        paragraphs.append(paragraph)
        words += sum(len(s.split()) for s in paragraph)
        since_heading += 1
        if since_heading >= rng.randint(3, 5) and words < target:
            paragraphs.append(["## " + rng.choice(HEADINGS)])
            since_heading = 0
    return paragraphs


def _repeat_a_sentence(paragraphs: list[list[str]], rng: Random) -> None:
    """Copy one sentence into a later paragraph, as real articles repeat a phrase (annotated with `prefix`)."""
    body = [p for p in paragraphs if not p[0].startswith("## ")]
    first, second = body[0], body[-1]
    second.insert(len(second), first[0])  # at the end, so that the copy has a sentence before it


def _annotations(article: Article, rng: Random, claims: list[str], slugs: list[str]) -> list[dict]:
    candidates = _quotable(article)
    rng.shuffle(candidates)
    repeated = _repeated_passage(article)
    picks = ([repeated] if repeated else []) + candidates
    annotations = []
    for number, (kind, (quote, prefix)) in enumerate(zip(KINDS, picks[:ANNOTATIONS_PER_ARTICLE]), start=1):
        annotations.append(_annotation(article, number, kind, quote, prefix, rng, claims, slugs))
    return annotations


def _another(slug: str, slugs: list[str], rng: Random) -> str:
    """A random slug other than `slug` (slugs are unique and there are at least two)."""
    other = rng.choice(slugs)
    return other if other != slug else slugs[(slugs.index(slug) + 1) % len(slugs)]


def _plain_text(article: Article) -> str:
    """What a reader sees of the paragraphs, one per line (quotes never span a paragraph)."""
    return "\n".join(" ".join(p) for p in article.paragraphs if not p[0].startswith("## "))


def _quotable(article: Article) -> list[tuple[str, None]]:
    """Sentences (or their first 16 words) that occur exactly once in the article's text."""
    text = _plain_text(article)
    quotes = []
    for paragraph in article.paragraphs:
        for sentence in paragraph:
            if sentence.startswith("## "):
                continue
            words = sentence.split()
            quote = sentence if len(words) <= 24 else " ".join(words[:16])
            if text.count(quote) == 1:
                quotes.append((quote, None))
    return quotes


def _repeated_passage(article: Article) -> tuple[str, str] | None:
    """The deliberately repeated sentence's second occurrence, told apart by the text just before it."""
    text = _plain_text(article)
    last = [p for p in article.paragraphs if not p[0].startswith("## ")][-1]
    quote, before = last[-1], last[-2] if len(last) > 1 else None
    if text.count(quote) < 2 or before is None:
        return None
    prefix = before[-24:] + " "
    return (quote, prefix) if text.count(prefix + quote) == 1 else None


def _annotation(article: Article, number: int, kind: str, quote: str, prefix: str | None,
                rng: Random, claims: list[str], slugs: list[str]) -> dict:
    date = dt.date.fromisoformat(article.front["date"]) + dt.timedelta(days=rng.randrange(1, 400))
    item = {"id": f"{kind.replace('_', '-')}-{number}", "quote": quote}
    if prefix:
        item["prefix"] = prefix
    item["kind"] = kind
    if kind == "fact_check":
        item["verdict"] = rng.choice(VERDICTS)
        if rng.random() < 0.5:
            item["claim"] = rng.choice(claims)
    if article.actors and rng.random() < 0.5:
        item["actors"] = [rng.choice(article.actors)]
    if kind == "cross_reference":
        item["see"] = [_another(article.slug, slugs, rng)]
    item["note"] = _note(kind, rng)
    if kind == "fact_check" or rng.random() < 0.3:
        item["sources"] = [{"title": f"Source {k} for {article.slug}", "url": f"https://example.org/sources/{article.slug}/{number}-{k}"}
                           for k in range(1, rng.randint(1, 2) + 1)]
    item["editor"] = rng.choice(EDITORS)
    item["date"] = min(date, dt.date(2026, 6, 30)).isoformat()
    return item


def _note(kind: str, rng: Random) -> str:
    notes = {
        "context": "This passage refers to events reported *at the time* by several outlets; the timeline page gives the order.",
        "fact_check": "Reports from the period **disagree** on this point; the sources below give the range of figures.",
        "correction": "The source's wording is kept as published; the editors read it as a slip for the official name.",
        "definition": "A term of art in the region's politics: it names the governing camp and its allies.",
        "cross_reference": "Another article in the corpus reports the same event from a different stance.",
    }
    return notes[kind] + ("" if rng.random() < 0.7 else "\n\nA second paragraph adds detail for longer notes.")


def make_claims(rng: Random) -> dict[str, dict]:
    claims = {}
    for i in range(1, CLAIM_COUNT + 1):
        topic = CLAIM_TOPICS[(i - 1) % len(CLAIM_TOPICS)]
        claims[f"claim-{i:02d}-{topic.replace(' ', '-').replace('’', '').replace(chr(39), '')}"] = {
            "title": f"A claim about the {topic} ({i})",
            "description": f"What several articles say about the {topic}; the fact-checks that refer to it agree or differ.",
        }
    return claims


def _unlinked_phrases() -> list[str]:
    return list(_project_site().get("unlinked_phrases", []))


def _project_site() -> dict:
    return yaml.safe_load((PROJECT / "site.yaml").read_text(encoding="utf-8"))


# --- writing ------------------------------------------------------------------------------


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Multi-line strings (annotation notes) as literal blocks, as an editor writes them."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(value) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False)


def markdown_file(front: dict, body: str) -> str:
    return f"---\n{dump_yaml(front)}---\n{body}"


def article_body(article: Article) -> str:
    return "\n\n".join(" ".join(p) for p in article.paragraphs) + "\n"


def write_site(out: Path, articles: list[Article], actors: list[ActorFile], claims: dict[str, dict],
               articles_total: int) -> None:
    content = out / "content"
    for folder in ("articles", "actors", "annotations"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    site = _project_site()
    site.update(title=f"Benchmark corpus: {articles_total} articles",
                description=f"A synthetic corpus of {articles_total} articles generated by bench/generate.py.",
                base_url="https://example.org/bench/")
    (out / "site.yaml").write_text(dump_yaml(site), encoding="utf-8")
    (content / "about.md").write_text(markdown_file({"title": "About this corpus", "menu": "About"},
                                      "Generated by `bench/generate.py` for the benchmarks.\n"), encoding="utf-8")
    (content / "claims.yaml").write_text(dump_yaml(claims), encoding="utf-8")
    for actor in actors:
        front = {k: actor.front[k] for k in ("name", "kind", "aliases", "role", "links") if k in actor.front}
        (content / "actors" / f"{actor.id}.md").write_text(markdown_file(front, actor.body + "\n"), encoding="utf-8")
    for article in articles:
        (content / "articles" / f"{article.slug}.md").write_text(
            markdown_file(article.front, article_body(article)), encoding="utf-8")
        (content / "annotations" / f"{article.slug}.yaml").write_text(dump_yaml(article.annotations), encoding="utf-8")


def write_hugo_site(out: Path, articles: list[Article], actors: list[ActorFile], stances: dict) -> None:
    """The same articles as a Hugo site: bench/hugo's config and layouts, taxonomies actors and stances."""
    shutil.copy(HUGO_TEMPLATE / "hugo.toml", out / "hugo.toml")
    shutil.copytree(HUGO_TEMPLATE / "layouts", out / "layouts", dirs_exist_ok=True)
    content = out / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    for actor in actors:
        _write(content / "actors" / actor.id / "_index.md",
               markdown_file({"title": actor.front["name"], "kind": actor.front["kind"],
                              "aliases_list": actor.front.get("aliases", [])}, actor.body + "\n"))
    for key, stance in stances.items():
        _write(content / "stances" / key / "_index.md",
               markdown_file({"title": stance["label"]}, stance["description"] + "\n"))
    for article in articles:
        f = article.front
        front = {"title": f["title"], "date": f["date"], "author": f["author"], "publication": f["publication"],
                 "summary": f["summary"], "stances": [f["stance"]], "actors": article.actors}
        _write(content / "articles" / f"{article.slug}.md", markdown_file(front, article_body(article)))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _fresh_folder(path: Path) -> None:
    """Refuse to overwrite a folder we did not generate (it carries a marker file)."""
    if path.exists() and any(path.iterdir()) and not (path / ".bench-corpus").exists():
        sys.exit(f"generate: {path} exists and is not a generated corpus; choose another --out")
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)


def generate(n: int, out: Path, hugo_out: Path | None = None, seed: int = 1) -> None:
    rng = Random(seed)
    sentences = load_sentences(PROJECT)
    actors = load_actors(PROJECT, sentences)
    stances = _project_site()["stances"]
    claims = make_claims(rng)
    articles = make_articles(n, sentences, actors, list(stances), list(claims), rng)
    _fresh_folder(out)
    write_site(out, articles, actors, claims, n)
    (out / ".bench-corpus").write_text(f"articles={n} seed={seed}\n")
    if hugo_out:
        _fresh_folder(hugo_out)
        write_hugo_site(hugo_out, articles, actors, stances)
        (hugo_out / ".bench-corpus").write_text(f"articles={n} seed={seed} hugo\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--out", type=Path, required=True, help="site folder to write (replaced)")
    parser.add_argument("--hugo-out", type=Path, help="also write the same articles as a Hugo site here")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.articles < 2:
        parser.error("--articles must be at least 2 (cross-references point to another article)")
    generate(args.articles, args.out, args.hugo_out, args.seed)
    print(f"wrote {args.articles} articles to {args.out}" + (f" and {args.hugo_out}" if args.hugo_out else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
