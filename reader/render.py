"""Render stage: `LinkedSite` + templates -> every output file as (url, bytes); pure, no writing.

Each page is one template with a small, explicit context. Pages refer to each
other through `urls`, and every link goes through `href`, so the whole site
works under the base path of `site.yaml` (or `--base-url`).

The site is a list of `PageJob`s, one per output. A job holds keys only (a slug,
an id) and reads every value through the `linked` it is run with, looking entries up
by key (`linked.articles_by_slug[slug]`, `actors[id]` in templates). So `serve`
can record what each page read and re-make only the pages whose inputs changed
(incremental.py); a job that reads nothing through `linked` is re-made each time.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import NamedTuple

import jinja2

import json

from . import urls
from .comparisons import appearances_by_stance, claims_in, shared_claims
from .exports import annotation_collection, claim_reviews
from .feeds import annotations_feed, articles_feed
from .highlight import NOTES_ENV
from .link import LinkedSite
from .markdown import make_markdown, render_tokens
from .metadata import news_article
from .model import ANNOTATION_LABELS, KIND_LABELS, VERDICT_LABELS, Content
from . import network, timeline
from .opendata import annotations_csv, reader_json
from .views import NOTE_ICONS, format_date, keyword_in_context

PROJECT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class Output:
    """One file of the site: its URL under the base path and its bytes."""

    url: str
    data: bytes
    source: str = ""
    """The file it comes from, when there is one (for messages about the output)."""


class PageJob(NamedTuple):
    """One output of the site: its URL, and the function that makes it from `(env, linked, *args)`.

    A job holds keys only (in `args`), so the list of jobs depends on the site's shape alone (which
    articles, actors, ... exist) and `serve` reuses it while that shape stays the same.
    """

    url: str
    maker: Callable[..., Output]
    args: tuple = ()

    def make(self, env: jinja2.Environment, linked: LinkedSite) -> Output:
        return self.maker(env, linked, *self.args)


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
    site = linked.content.site
    env.globals.update(
        site=site, urls=urls, kind_labels=KIND_LABELS, annotation_labels=ANNOTATION_LABELS,
        verdict_labels=VERDICT_LABELS, note_icons=NOTE_ICONS, claims=linked.claims_by_id,
        notes_by_id=linked.notes_by_id, note_html=linked.note_html,
        actors=linked.actors_by_id, articles=linked.articles_by_slug, pages=linked.pages_by_slug,
        href=lambda url: urls.href(site.base_path, url),
        absolute=site.absolute,
    )
    env.filters["date"] = format_date
    return env


def render_site(linked: LinkedSite, folder: Path) -> list[Output]:
    return list(render_pages(linked, folder))


def render_pages(linked: LinkedSite, folder: Path) -> Iterator[Output]:
    """Each output as soon as it is made, so that the index stage reads pages while the rest render."""
    env = make_environment(folder, linked)
    for job in page_jobs(linked.content, folder):
        yield job.make(env, linked)


def page_jobs(content: Content, folder: Path) -> list[PageJob]:
    """Every output of the site, in a stable order, as jobs not yet run."""
    jobs = [
        PageJob(urls.home(), _home_page),
        PageJob(urls.actors(), _actors_page),
        PageJob(urls.stances(), _stances_page),
        PageJob("404.html", _plain_page, ("404.html", "404.html")),
        *(PageJob(urls.page(p.slug), _free_page, (p.slug,)) for p in content.pages),
        *(PageJob(urls.article(a.slug), _article_page, (a.slug,)) for a in reversed(content.articles)),
        *(PageJob(urls.actor(a.id), _actor_page, (a.id,)) for a in content.actors),
        *(PageJob(urls.stance(s.key), _stance_page, (s.key,)) for s in content.site.stances),
        PageJob(urls.claims(), _claims_page),
        PageJob(urls.timeline(), _timeline_page),
        PageJob(urls.search(), _plain_page, ("search.html", urls.search())),  # its index: search.py
        *(PageJob(urls.claim(c.id), _claim_page, (c.id,)) for c in content.claims),
        *(PageJob(urls.annotations_jsonld(a.slug), _annotation_file, (a.slug,)) for a in content.articles),
        *_feed_and_data_jobs(),
        *static_jobs(folder),
    ]
    page_urls = tuple(job.url for job in jobs if urls.is_page(job.url))
    jobs.append(PageJob("sitemap.xml", _text_file, ("sitemap.xml", page_urls)))
    jobs.append(PageJob("robots.txt", _text_file, ("robots.txt",)))
    jobs.append(PageJob(".nojekyll", _empty_file, (".nojekyll",)))  # GitHub Pages: serve the folder as it is
    return jobs


def _page(env: jinja2.Environment, template: str, url: str, **context) -> Output:
    html = env.get_template(template).render(url=url, **context)
    return Output(url, html.encode("utf-8"))


def _plain_page(env: jinja2.Environment, _linked: LinkedSite, template: str, url: str) -> Output:
    return _page(env, template, url)


def _text_file(env: jinja2.Environment, _linked: LinkedSite, template: str, page_urls: tuple[str, ...] = ()) -> Output:
    return Output(template, env.get_template(template).render(urls=list(page_urls)).encode())


def _empty_file(_env: jinja2.Environment, _linked: LinkedSite, url: str) -> Output:
    return Output(url, b"")


def _home_page(env: jinja2.Environment, linked: LinkedSite) -> Output:
    return _page(env, "home.html", urls.home(), articles=linked.content.articles, counts=linked.counts)


def _actors_page(env: jinja2.Environment, linked: LinkedSite) -> Output:
    return _page(env, "actors.html", urls.actors(), groups=_actors_by_kind(linked.content, linked),
                 **network.page_context(linked))


def _timeline_page(env: jinja2.Environment, linked: LinkedSite) -> Output:
    return _page(env, "timeline.html", urls.timeline(), **timeline.page_context(linked))


def _stances_page(env: jinja2.Environment, linked: LinkedSite) -> Output:
    return _page(env, "stances.html", urls.stances(), by_stance=linked.by_stance)


def _free_page(env: jinja2.Environment, linked: LinkedSite, slug: str) -> Output:
    page = linked.pages_by_slug[slug]
    output = _page(env, "page.html", urls.page(slug), page=page, body=linked.texts[slug])
    return Output(output.url, output.data, page.source.path)


def _actors_by_kind(content: Content, linked: LinkedSite) -> list[tuple[str, list]]:
    def order(actor):
        return (list(KIND_LABELS).index(actor.kind), actor.name.lower())

    actors = sorted(content.actors, key=order)
    mentioned = {a.id: sum(1 for m in linked.mentions[a.id] if m.mention) for a in actors}
    return [(kind, [(a, mentioned[a.id]) for a in group]) for kind, group in groupby(actors, key=lambda a: a.kind)]


def _article_page(env: jinja2.Environment, linked: LinkedSite, slug: str) -> Output:
    article = linked.articles_by_slug[slug]
    earlier, later = linked.neighbours[slug]
    notes = linked.notes[slug]
    url = urls.article(slug)
    return _page(env, "article.html", url, article=article,
                 body_html=_article_body(env, linked, slug), counts=linked.counts[slug], notes=notes,
                 claim_review=claim_reviews(linked.content.site, article, notes, linked.content.site.absolute(url)),
                 news_article=news_article(linked, slug),
                 previous=linked.articles_by_slug[earlier] if earlier else None,
                 next=linked.articles_by_slug[later] if later else None,
                 backlinks=linked.backlinks[slug], shared_claims=shared_claims(linked, slug))


_BODY_RENDERER = make_markdown()
"""Renders the tokens that the link stage parsed, highlights included (rendering keeps no state)."""


def _article_body(env: jinja2.Environment, linked: LinkedSite, slug: str) -> str:
    """The body's HTML, each highlight followed by its note (from templates/_notes.html)."""
    sidenote = env.get_template("_notes.html").module.sidenote
    notes = {n.annotation.id: str(sidenote(n)) for n in linked.notes[slug] if n.placement}
    return render_tokens(_BODY_RENDERER, linked.bodies[slug].tokens, {NOTES_ENV: notes})


def _annotation_file(_env: jinja2.Environment, linked: LinkedSite, slug: str) -> Output:
    """/articles/<slug>/annotations.jsonld: W3C Web Annotations, for every article."""
    article = linked.articles_by_slug[slug]
    collection = annotation_collection(linked.content.site, article, linked.notes[slug], linked.bodies[slug],
                                       linked.note_html, linked.content.site.absolute(urls.article(slug)))
    data = json.dumps(collection, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    return Output(urls.annotations_jsonld(slug), data.encode("utf-8"))


def _feed_and_data_jobs() -> list[PageJob]:
    """The Atom feeds (feeds.py) and the open data files (opendata.py), each made from `linked` alone."""
    makers = {urls.articles_feed(): articles_feed, urls.annotations_feed(): annotations_feed,
              urls.data_json(): reader_json, urls.data_csv(): annotations_csv}
    return [PageJob(url, _data_file, (url, make)) for url, make in makers.items()]


def _data_file(_env: jinja2.Environment, linked: LinkedSite, url: str, make: Callable[[LinkedSite], bytes]) -> Output:
    return Output(url, make(linked))


def _claims_page(env: jinja2.Environment, linked: LinkedSite) -> Output:
    return _page(env, "claims.html", urls.claims(), claims=linked.content.claims, by_claim=linked.annotations_by_claim)


def _claim_page(env: jinja2.Environment, linked: LinkedSite, claim_id: str) -> Output:
    return _page(env, "claim.html", urls.claim(claim_id), claim=linked.claims_by_id[claim_id],
                 entries=linked.annotations_by_claim[claim_id])


def _actor_page(env: jinja2.Environment, linked: LinkedSite, actor_id: str) -> Output:
    by_article = [(slug, [m.mention for m in group])
                  for slug, group in groupby(linked.mentions[actor_id], key=lambda m: m.slug)]
    appearances = [
        (slug, [keyword_in_context(linked.paragraphs[(slug, m.paragraph)], m) for m in found if m])
        for slug, found in by_article
    ]
    return _page(env, "actor.html", urls.actor(actor_id), actor=linked.actors_by_id[actor_id],
                 body=linked.texts[actor_id], appearances=appearances,
                 co_mentions=linked.co_mentions.get(actor_id, ())[:12],
                 annotations=linked.annotations_by_actor.get(actor_id, ()),
                 by_stance=appearances_by_stance(linked, appearances))


def _stance_page(env: jinja2.Environment, linked: LinkedSite, key: str) -> Output:
    slugs = linked.by_stance[key]
    return _page(env, "stance.html", urls.stance(key), stance=linked.content.site.stance(key),
                 slugs=slugs, claims_made=claims_in(linked, slugs))


DEV_ONLY_SUFFIX = "-dev.js"
"""Static scripts named so (annotate-dev.js) are for `serve` only: it adds them to pages; a build leaves them out."""


def static_jobs(folder: Path) -> list[PageJob]:
    """A job per file of the templates' static/ folder (each build lists the folder again)."""
    static = folder / "static"
    files = sorted(p for p in static.rglob("*") if p.is_file() and not p.name.endswith(DEV_ONLY_SUFFIX)) \
        if static.is_dir() else []
    return [PageJob(url, _static_file, (path, url))
            for path, url in ((p, "static/" + p.relative_to(static).as_posix()) for p in files)]


def _static_file(_env: jinja2.Environment, _linked: LinkedSite, path: Path, url: str) -> Output:
    return Output(url, path.read_bytes(), path.as_posix())
