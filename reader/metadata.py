"""schema.org NewsArticle of an article page (a JSON-ready dict; templates embed it with `tojson`).

Contract: only what the content says. An author is a Person unless the actor
of that name says otherwise; an unknown author or publication is left out, not
guessed. `about` lists the actors of the article (named or implied), typed by
their kind, with their actor page as `url`.
"""
from __future__ import annotations

from . import urls
from .link import LinkedSite

SCHEMA_TYPES = {
    "person": "Person",
    "organization": "Organization",
    "state": "Country",
    "company": "Corporation",
    "armed_group": "Organization",
}
"""Actor kind -> schema.org type."""


def news_article(linked: LinkedSite, slug: str) -> dict:
    site = linked.content.site
    article = linked.articles_by_slug[slug]
    page_url = site.absolute(urls.article(slug))
    actors = [actor_id for actor_id, _ in linked.counts[slug]]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.date.isoformat(),
        "url": page_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "inLanguage": site.language,
    }
    if article.summary:
        data["description"] = article.summary
    if article.authors:
        data["author"] = [_author(linked, name, actors) for name in article.authors]
    if article.publication:
        data["publisher"] = {"@type": "Organization", "name": article.publication}
    if article.source_url:
        data["isBasedOn"] = data["sameAs"] = article.source_url
    data["about"] = [_thing(linked, actor_id) for actor_id in actors]
    return data


def _author(linked: LinkedSite, name: str, actor_ids: list[str]) -> dict:
    """The author as the actor of that name among the article's actors, else a Person by name."""
    actor_id = next((a for a in actor_ids if linked.actors_by_id[a].name == name), None)
    return _thing(linked, actor_id) if actor_id else {"@type": "Person", "name": name}


def _thing(linked: LinkedSite, actor_id: str) -> dict:
    actor = linked.actors_by_id[actor_id]
    return {"@type": SCHEMA_TYPES[actor.kind], "name": actor.name,
            "url": linked.content.site.absolute(urls.actor(actor_id))}
