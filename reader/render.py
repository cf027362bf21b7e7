"""Render stage: `LinkedSite` + templates -> every output file as (url, bytes); pure, no writing.

Each page is one template with a small, explicit context. Pages refer to each
other through `urls`, and every link goes through `href`, so the whole site
works under the base path of `site.yaml` (or `--base-url`).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import jinja2

import json

from . import urls
from .exports import annotation_collection, claim_reviews
from .highlight import NOTES_ENV
from .link import LinkedSite
from .markdown import make_markdown, render_tokens
from .model import ANNOTATION_LABELS, KIND_LABELS, VERDICT_LABELS, Article, Content
from .views import NOTE_ICONS, format_date, keyword_in_context

PROJECT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Output:
    """One file of the site: its URL under the base path and its bytes."""

    url: str
    data: bytes


def template_folder(root: Path) -> Path:
    """The site's own templates/ when it has one, else ours (DESIGN.md §4)."""
    own = root / "templates"
    return own if own.is_dir() else PROJECT_TEMPLATES


def make_environment(folder: Path, linked: LinkedSite) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    content = linked.content
    base_path = content.site.base_path
    env.globals.update(
        site=content.site, urls=urls, kind_labels=KIND_LABELS, annotation_labels=ANNOTATION_LABELS,
        verdict_labels=VERDICT_LABELS, note_icons=NOTE_ICONS, claims={c.id: c for c in content.claims},
        notes_by_id={(slug, n.annotation.id): n for slug, notes in linked.notes.items() for n in notes},
        note_html=linked.note_html,
        actors={a.id: a for a in content.actors}, articles={a.slug: a for a in content.articles},
        pages={p.slug: p for p in content.pages},
        href=lambda url: urls.href(base_path, url),
        absolute=lambda url: content.site.base_url + url,
    )
    env.filters["date"] = format_date
    return env


def render_site(linked: LinkedSite, folder: Path) -> list[Output]:
    env = make_environment(folder, linked)
    outputs = [*_listing_pages(env, linked), *_article_pages(env, linked), *_actor_pages(env, linked),
               *_stance_pages(env, linked), *_claim_pages(env, linked), *_annotation_files(linked),
               *_static_files(folder)]
    outputs.append(Output("sitemap.xml", env.get_template("sitemap.xml").render(
        urls=[o.url for o in outputs if o.url.endswith("/") or o.url == ""]).encode()))
    outputs.append(Output("robots.txt", env.get_template("robots.txt").render().encode()))
    outputs.append(Output(".nojekyll", b""))  # GitHub Pages: serve the folder as it is
    return outputs


def _page(env: jinja2.Environment, template: str, url: str, **context) -> Output:
    html = env.get_template(template).render(url=url, **context)
    return Output(url, html.encode("utf-8"))


def _listing_pages(env: jinja2.Environment, linked: LinkedSite) -> list[Output]:
    content = linked.content
    pages = [
        _page(env, "home.html", urls.home(), articles=content.articles, counts=linked.counts),
        _page(env, "actors.html", urls.actors(), groups=_actors_by_kind(content, linked)),
        _page(env, "stances.html", urls.stances(), by_stance=linked.by_stance),
        _page(env, "404.html", "404.html"),
    ]
    pages += [_page(env, "page.html", urls.page(p.slug), page=p, body=linked.texts[p.slug]) for p in content.pages]
    return pages


def _actors_by_kind(content: Content, linked: LinkedSite) -> list[tuple[str, list]]:
    def order(actor):
        return (list(KIND_LABELS).index(actor.kind), actor.name.lower())

    actors = sorted(content.actors, key=order)
    mentioned = {a.id: sum(1 for m in linked.mentions[a.id] if m.mention) for a in actors}
    return [(kind, [(a, mentioned[a.id]) for a in group]) for kind, group in groupby(actors, key=lambda a: a.kind)]


def _article_pages(env: jinja2.Environment, linked: LinkedSite) -> list[Output]:
    chronological = list(reversed(linked.content.articles))
    md = make_markdown()  # renders the tokens that the link stage parsed, highlights included
    pages = []
    for index, article in enumerate(chronological):
        previous = chronological[index - 1] if index > 0 else None
        following = chronological[index + 1] if index + 1 < len(chronological) else None
        notes = linked.notes[article.slug]
        pages.append(_page(env, "article.html", urls.article(article.slug), article=article,
                           body_html=_article_body(env, md, linked, article), counts=linked.counts[article.slug],
                           notes=notes, claim_review=claim_reviews(linked.content.site, article, notes,
                                                                  _absolute(linked, urls.article(article.slug))),
                           previous=previous, next=following))
    return pages


def _article_body(env: jinja2.Environment, md, linked: LinkedSite, article: Article) -> str:
    """The body's HTML, each highlight followed by its note (from templates/_notes.html)."""
    sidenote = env.get_template("_notes.html").module.sidenote
    notes = {n.annotation.id: str(sidenote(n)) for n in linked.notes[article.slug] if n.placement}
    return render_tokens(md, linked.bodies[article.slug].tokens, {NOTES_ENV: notes})


def _absolute(linked: LinkedSite, url: str) -> str:
    return linked.content.site.base_url + url


def _annotation_files(linked: LinkedSite) -> list[Output]:
    """/articles/<slug>/annotations.jsonld: W3C Web Annotations, for every article."""
    files = []
    for article in linked.content.articles:
        collection = annotation_collection(linked.content.site, article, linked.notes[article.slug],
                                           linked.bodies[article.slug], linked.note_html,
                                           _absolute(linked, urls.article(article.slug)))
        data = json.dumps(collection, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
        files.append(Output(urls.annotations_jsonld(article.slug), data.encode("utf-8")))
    return files


def _claim_pages(env: jinja2.Environment, linked: LinkedSite) -> list[Output]:
    claims = linked.content.claims
    pages = [_page(env, "claims.html", urls.claims(), claims=claims, by_claim=linked.annotations_by_claim)]
    pages += [_page(env, "claim.html", urls.claim(c.id), claim=c, entries=linked.annotations_by_claim[c.id])
              for c in claims]
    return pages


def _actor_pages(env: jinja2.Environment, linked: LinkedSite) -> list[Output]:
    stance_of = {article.slug: article.stance for article in linked.content.articles}
    pages = []
    for actor in linked.content.actors:
        by_article = [(slug, [m.mention for m in group])
                      for slug, group in groupby(linked.mentions[actor.id], key=lambda m: m.slug)]
        appearances = [
            (slug, [keyword_in_context(linked.bodies[slug].blocks, m) for m in found if m])
            for slug, found in by_article
        ]
        stance_counts = _stance_counts(linked, [stance_of[slug] for slug, _ in appearances])
        pages.append(_page(env, "actor.html", urls.actor(actor.id), actor=actor, body=linked.texts[actor.id],
                           appearances=appearances, co_mentions=linked.co_mentions.get(actor.id, ())[:12],
                           annotations=linked.annotations_by_actor.get(actor.id, ()),
                           stance_counts=stance_counts))
    return pages


def _stance_counts(linked: LinkedSite, stances: list[str]) -> list[tuple[str, int]]:
    """(stance key, articles) in the site's stance order, for the stances present."""
    counts = Counter(stances)
    return [(s.key, counts[s.key]) for s in linked.content.site.stances if counts[s.key]]


def _stance_pages(env: jinja2.Environment, linked: LinkedSite) -> list[Output]:
    return [_page(env, "stance.html", urls.stance(s.key), stance=s, slugs=linked.by_stance[s.key])
            for s in linked.content.site.stances]


def _static_files(folder: Path) -> list[Output]:
    static = folder / "static"
    files = sorted(p for p in static.rglob("*") if p.is_file()) if static.is_dir() else []
    return [Output("static/" + p.relative_to(static).as_posix(), p.read_bytes()) for p in files]
