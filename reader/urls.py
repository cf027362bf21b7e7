"""URLs of every page (DESIGN.md §5), as paths relative to the site's base path.

`href(base_path, url)` makes them absolute-path links that work under any
sub-path (GitHub Pages project sites serve from /<repo>/).
"""
from __future__ import annotations


def home() -> str:
    return ""


def article(slug: str) -> str:
    return f"articles/{slug}/"


def actors() -> str:
    return "actors/"


def actor(actor_id: str) -> str:
    return f"actors/{actor_id}/"


def stances() -> str:
    return "stances/"


def stance(key: str) -> str:
    return f"stances/{key}/"


def claims() -> str:
    return "claims/"


def claim(claim_id: str) -> str:
    return f"claims/{claim_id}/"


def timeline() -> str:
    return "timeline/"


def search() -> str:
    return "search/"


def articles_feed() -> str:
    return "feed.xml"


def annotations_feed() -> str:
    return "annotations.xml"


def data_json() -> str:
    return "data/reader.json"


def data_csv() -> str:
    return "data/annotations.csv"


def annotations_jsonld(slug: str) -> str:
    return f"articles/{slug}/annotations.jsonld"


def page(slug: str) -> str:
    return f"{slug}/"


def href(base_path: str, url: str) -> str:
    """A link from any page to `url`, under the base path."""
    return base_path.rstrip("/") + "/" + url


def is_page(url: str) -> bool:
    """A page of the site (a folder URL served by its index.html), not a file such as feed.xml."""
    return url == "" or url.endswith("/")


def output_path(url: str) -> str:
    """The file that serves `url`: pretty URLs are folders with an index.html."""
    return url + "index.html" if url == "" or url.endswith("/") else url
