"""Incremental rebuilds for `serve`: re-link only the articles whose inputs changed, re-make only the pages whose inputs changed.

Correct by construction rather than by a table of rules:
- Link: an article's links are a pure function of the article, its annotations
  and the `LinkSettings` (aliases, base path, ...). `LinkCache` reuses the
  previous `LinkedArticle` when all three are equal (frozen dataclasses compare
  by value); any change of the settings relinks every article.
- Render: each page job runs against a `TrackedLinkedSite` (tracking.py), which
  records every (table, key) the page reads: `mentions["putin"]`, the title of
  `articles_by_slug["x"]`, or a whole table (`content.articles`). After the
  next link, the tables are diffed key by key; a page is made again only if it
  read an entry that changed. A page that read nothing tracked (sitemap, static
  files) is made every time; a change of static files alone skips the content.
- Full render, whenever unsure: the first build, a change of `site.yaml`'s
  values (every page reads them), or of any template a page loaded.
- Load and validate: a rebuild reports exactly what a clean build would. A file
  whose stat is unchanged (and not racily new) is not read again, one whose text
  did not change is not parsed again (`ParseCache`), and one whose record did not
  change is not validated again unless the keys it may name changed
  (`ValidationCache`); their problems are replayed.
- Link joins: the site-wide tables are joined from each article's share, and
  the costliest joins are kept between builds (`joins.LinkMemory`).
`tests/test_incremental.py` checks that, after long random sequences of edits,
the output equals a clean build byte for byte.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.bccache

from .dictdiff import differing_keys
from .joins import LinkMemory
from .link import LinkedArticle, LinkedSite, LinkTools, link_article
from .load import ParseCache
from .model import Annotation, Article, Content, Site
from .pipeline import BuildResult, build_outputs
from .render import Output, PageJob, make_environment, page_jobs, static_jobs
from .search import BUNDLE as SEARCH_BUNDLE
from .tracking import Reads, TrackedLinkedSite, changed_entries
from .validate import ValidationCache


class LinkCache:
    """A `link_article` that returns the previous result when its inputs are equal."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[Article, tuple[Annotation, ...], LinkedArticle]] = {}
        self.settings = None
        self.relinked: list[str] = []
        """Slugs linked afresh since the caller last emptied it (the others were reused)."""

    def link(self, article: Article, annotations: tuple[Annotation, ...], tools: LinkTools) -> LinkedArticle:
        if tools.settings is not self.settings:
            if tools.settings != self.settings:
                self.entries.clear()
            self.settings = tools.settings
        entry = self.entries.get(article.slug)
        if entry is not None and (entry[0] is article or entry[0] == article) and entry[1] == annotations:
            return entry[2]
        result = link_article(article, annotations, tools)
        self.entries[article.slug] = (article, annotations, result)
        self.relinked.append(article.slug)
        return result

    def keep_only(self, slugs: set[str]) -> None:
        for slug in set(self.entries) - slugs:
            del self.entries[slug]


class RecordingLoader(jinja2.BaseLoader):
    """Delegates to another loader and remembers the name of every template loaded."""

    def __init__(self, loader: jinja2.BaseLoader, names: set[str]):
        self.loader, self.names = loader, names

    def get_source(self, environment, template):
        self.names.add(template)
        return self.loader.get_source(environment, template)


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept between builds (each build has its own environment); a changed source
    has another checksum, so Jinja compiles it again."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def template_hashes(folder: Path, names: set[str]) -> dict[str, str | None]:
    """sha256 of each named template under `folder` (None: it no longer exists)."""
    hashes: dict[str, str | None] = {}
    for name in sorted(names):
        path = folder / name
        hashes[name] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
    return hashes


@dataclass(frozen=True)
class RenderedPage:
    output: Output
    reads: frozenset
    """(table, key) pairs the page read; empty: made on every build."""


@dataclass
class RenderState:
    """What the last successful render left: the linked site, each page and the templates it used."""

    linked: LinkedSite
    folder: Path
    pages: dict[str, RenderedPage]
    templates: dict[str, str | None]
    tables: frozenset[str]
    """The tables the pages read (kept, not gathered again from every page's reads, per build)."""


@dataclass
class Rebuild:
    """What one incremental build did, for the terminal."""

    full: str | None = None
    """Why every page was made again, or None."""
    made: list[str] = field(default_factory=list)
    """URLs of the outputs made (the others were reused)."""
    relinked: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    """What changed in the content, e.g. 'article body: x', 'actor: putin'."""


class IncrementalBuild:
    """Builds a site again and again, redoing only what its changes require; `build()` returns
    the same `BuildResult` as `pipeline.build_outputs` would."""

    def __init__(self, root: Path, base_url: str | None = None, index_later: bool = False):
        self.root, self.base_url = root, base_url
        self.state: RenderState | None = None
        self.result: BuildResult | None = None
        """The last successful build."""
        self.index_later = index_later
        """After the first build, leave the search index as it was and let the caller make the new
        one from `take_pending_index()` (serve does, after writing the pages: Pagefind re-reads every
        page, seconds at 1,000 articles, while the edited page needs milliseconds)."""
        self.pending_index: tuple[int, list[Output]] | None = None
        """(version, pages) of the pages whose index the last build left out; versions count up."""
        self.index_version = 0
        self.links = LinkCache()
        self.parsed = ParseCache()
        self.validated = ValidationCache()
        self.joins = LinkMemory()
        self.compiled = MemoryBytecodeCache()
        self.jobs: tuple[tuple, list[PageJob]] | None = None
        """The last page jobs, with the site shape they were made for."""
        self.last = Rebuild()

    def build(self, changed: list[Path] | None = None) -> BuildResult:
        """Build again; `changed` (files, if known) lets a change of static files alone skip the content."""
        self.last = Rebuild()
        if changed and self.state is not None and all(self._is_static_asset(Path(p)) for p in changed):
            return self._commit([], self._static_only())
        pending: list[RenderState] = []
        later = self.index_later and self.result is not None
        self.links.relinked = []
        result = build_outputs(self.root, self.base_url, linker=self.links.link,
                               renderer=lambda linked, folder: self._render(linked, folder, pending),
                               parsed=self.parsed, validated=self.validated, joins=self.joins,
                               search=not later)
        self.last.relinked = list(self.links.relinked)
        if later and result.outputs and not result.diagnostics.errors:
            self.index_version += 1
            self.pending_index = (self.index_version, result.outputs)
            result = dataclasses.replace(result, outputs=[*result.outputs, *self._search_bundle()])
        return self._commit(pending, result)

    def take_pending_index(self) -> tuple[int, list[Output], Site] | None:
        """What `index_outputs` needs to index the pages the last build left out, with their version."""
        pending, self.pending_index = self.pending_index, None
        return (*pending, self.result.linked.content.site) if pending else None

    def adopt_index(self, version: int, bundle: list[Output]) -> BuildResult | None:
        """The last build with `bundle` as its search index; None if newer pages have come since."""
        if version != self.index_version:
            return None
        pages = [o for o in self.result.outputs if not o.url.startswith(SEARCH_BUNDLE)]
        self.result = dataclasses.replace(self.result, outputs=[*pages, *bundle])
        return self.result

    def _search_bundle(self) -> list[Output]:
        return [o for o in self.result.outputs if o.url.startswith(SEARCH_BUNDLE)]

    def _commit(self, pending: list[RenderState], result: BuildResult) -> BuildResult:
        if pending and result.outputs and not result.diagnostics.errors:
            self.state, self.result = pending[0], result
            self.links.keep_only({a.slug for a in self.state.linked.content.articles})
        return result

    def _is_static_asset(self, path: Path) -> bool:
        """A file under templates/static/ that no page loads as a template: only its own output depends on it."""
        static = self.state.folder / "static"
        try:
            name = path.resolve().relative_to(self.state.folder.resolve()).as_posix()
        except ValueError:
            return False
        return path.resolve().is_relative_to(static.resolve()) and name not in self.state.templates

    def _static_only(self) -> BuildResult:
        pending: list[RenderState] = []
        self.last.full = None
        outputs = self._make(self.state.linked, self.state.folder, pending, changes={})
        outputs += self._search_bundle()  # same pages, same index
        return BuildResult(outputs, self.result.diagnostics, self.state.linked) if pending else self.result

    def _render(self, linked: LinkedSite, folder: Path, pending: list[RenderState]) -> list[Output]:
        previous = self.state
        self.last.full = self._why_full(linked, folder)
        if previous is not None:
            self.last.changes = describe_changes(previous.linked.content, linked.content)
        if self.last.full:
            return self._make(linked, folder, pending, changes=None)
        return self._make(linked, folder, pending, changes=changed_entries(previous.linked, linked, previous.tables))

    def _make(self, linked: LinkedSite, folder: Path, pending: list[RenderState],
              changes: dict[str, set] | None) -> list[Output]:
        """Run the jobs whose page read a changed entry (all of them when `changes` is None)."""
        reads = Reads()
        tracked = TrackedLinkedSite(linked, reads)
        loaded: set[str] = set()
        env = make_environment(folder, tracked)  # type: ignore[arg-type]  # duck-typed LinkedSite
        env.loader = RecordingLoader(env.loader, loaded)
        env.bytecode_cache = self.compiled
        previous = {} if changes is None else self.state.pages
        changed = {(name, key) for name, keys in (changes or {}).items() for key in keys}
        pages: dict[str, RenderedPage] = {}
        tables = set(self.state.tables) if changes is not None else set()
        for job in self._jobs(linked.content, folder):
            page = previous.get(job.url)
            if page is None or not page.reads or not page.reads.isdisjoint(changed):  # C set ops: ~0.1 s less at 1k
                reads.current = set()
                page = RenderedPage(job.make(env, tracked), frozenset(reads.current))  # type: ignore[arg-type]
                tables.update(name for name, _ in page.reads)
                self.last.made.append(job.url)
            pages[job.url] = page
        used = loaded | (set(self.state.templates) if changes is not None else set())
        pending.append(RenderState(linked, folder, pages, template_hashes(folder, used), frozenset(tables)))
        return [page.output for page in pages.values()]

    def _jobs(self, content: Content, folder: Path) -> list[PageJob]:
        """The page jobs, the same list while the site's shape (the keys jobs hold, the static files) is."""
        shape = (folder, tuple(a.slug for a in content.articles), tuple(a.id for a in content.actors),
                 tuple(p.slug for p in content.pages), tuple(s.key for s in content.site.stances),
                 tuple(c.id for c in content.claims), tuple(static_jobs(folder)))
        if self.jobs is None or self.jobs[0] != shape:
            self.jobs = (shape, page_jobs(content, folder))
        return self.jobs[1]

    def _why_full(self, linked: LinkedSite, folder: Path) -> str | None:
        previous = self.state
        if previous is None:
            return "first build"
        if folder != previous.folder or template_hashes(folder, set(previous.templates)) != previous.templates:
            return "templates changed"
        if linked.content.site != previous.linked.content.site:
            return "site settings changed"
        return None


def describe_changes(old: Content, new: Content) -> list[str]:
    """What an editor changed, by kind: 'article body: x', 'front matter: x', 'annotations: x', 'actor: y', ..."""
    found = []
    if old.site != new.site:
        found.append("site.yaml")
    found += _keyed_changes("article", {a.slug: a for a in old.articles}, {a.slug: a for a in new.articles},
                            lambda a, b: "article body" if _without_body(a) == _without_body(b) else "front matter")
    if old.annotations != new.annotations:  # compared in C; grouping 50,000 notes twice is not
        found += _keyed_changes("annotations", _annotations_by_article(old), _annotations_by_article(new))
    found += _keyed_changes("actor", {a.id: a for a in old.actors}, {a.id: a for a in new.actors})
    if old.claims != new.claims:
        found.append("claims")
    found += _keyed_changes("page", {p.slug: p for p in old.pages}, {p.slug: p for p in new.pages})
    return found


def _keyed_changes(kind: str, old: dict, new: dict, how=None) -> list[str]:
    def change(key) -> str:
        if key not in old:
            return f"new {kind}: {key}"
        if key not in new:
            return f"{kind} removed: {key}"
        return f"{how(old[key], new[key]) if how else kind}: {key}"
    return sorted(change(key) for key in differing_keys(old, new)[0])


def _without_body(article: Article) -> Article:
    return dataclasses.replace(article, body="", source=None, body_line=0)


def _annotations_by_article(content: Content) -> dict[str, tuple]:
    found: dict[str, list] = {}
    for annotation in content.annotations:
        found.setdefault(annotation.article, []).append(annotation)
    return {slug: tuple(items) for slug, items in found.items()}


def classify(path: Path, root: Path) -> str:
    """What kind of source a changed file is, as an editor would say it."""
    from .render import template_folder

    templates = template_folder(root).resolve()
    resolved = path.resolve()
    if resolved.is_relative_to(templates):
        return "static asset" if resolved.is_relative_to(templates / "static") else "template"
    try:
        parts = resolved.relative_to(root.resolve()).parts
    except ValueError:
        return "other file"
    kinds = {("site.yaml",): "site settings", ("content", "claims.yaml"): "claims"}
    folders = {"articles": "article", "actors": "actor", "annotations": "annotations"}
    if parts in kinds:
        return kinds[parts]
    if len(parts) == 3 and parts[0] == "content" and parts[1] in folders:
        return folders[parts[1]]
    return "page" if len(parts) == 2 and parts[0] == "content" and parts[1].endswith(".md") else "other file"
