"""The pipeline as one function: load -> validate -> link -> render -> index, returning outputs and diagnostics.

`build_outputs` never writes; `cli` decides whether to write (build, serve) or
only report (check).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import traceback

import jinja2

from .diagnostics import Diagnostics, Source, relative_path
from .joins import LinkMemory
from .link import ArticleLinker, LinkedSite, link_article, link_site
from .load import ParseCache, load_site
from .render import Output, render_pages, template_folder
from .search import with_search_index
from .validate import ValidationCache, validate_site
from .write import check_outputs


@dataclass(frozen=True)
class BuildResult:
    outputs: list[Output]
    diagnostics: Diagnostics
    linked: LinkedSite | None

    def summary(self) -> dict[str, int]:
        content = self.linked.content if self.linked else None
        return {
            "pages": sum(1 for o in self.outputs if o.url.endswith("/") or o.url.endswith(".html") or o.url == ""),
            "articles": len(content.articles) if content else 0,
            "actors": len(content.actors) if content else 0,
            "annotations": len(content.annotations) if content else 0,
            "warnings": len(self.diagnostics.warnings),
        }


Renderer = Callable[[LinkedSite, Path], Iterable[Output]]


def build_outputs(root: Path, base_url: str | None = None,
                  progress: Callable[[str], None] = lambda stage: None, *,
                  linker: ArticleLinker = link_article, renderer: Renderer = render_pages,
                  parsed: ParseCache | None = None, validated: ValidationCache | None = None,
                  joins: LinkMemory | None = None, search: bool = True) -> BuildResult:
    """Run every stage but write; `progress` hears the name of each stage as it starts.

    `linker` and `renderer` are the link stage's per-article step and the render
    stage, `parsed` and `validated` the load and validate stages' caches of files,
    `joins` what the link stage kept from the last build; `serve` passes
    versions that reuse the previous build (incremental.py). `search=False`
    leaves the search index out (`serve` builds it after writing the pages).
    """
    diagnostics = Diagnostics()
    progress("loading")
    raw = load_site(root, diagnostics, parsed)
    progress(f"validating {len(raw.articles)} articles, {len(raw.actors)} actors")
    content = validate_site(raw, diagnostics, validated)
    if content is None or diagnostics.errors:
        return BuildResult([], diagnostics, None)
    if base_url:
        url = base_url if base_url.endswith("/") else base_url + "/"
        content = dataclasses.replace(content, site=dataclasses.replace(content.site, base_url=url))
    progress("linking actor mentions")
    linked = link_site(content, diagnostics, linker, joins)
    if diagnostics.errors:
        return BuildResult([], diagnostics, linked)
    progress("rendering pages")
    try:  # pagefind/, the /search/ page's index: each page is indexed as soon as it is rendered
        outputs = renderer(linked, template_folder(root))
        outputs = with_search_index(outputs, linked.content.site, diagnostics, progress) if search else list(outputs)
    except jinja2.TemplateError as exc:
        _report_template_error(exc, root, diagnostics)
        return BuildResult([], diagnostics, linked)
    check_outputs(outputs, root, diagnostics)  # unique URLs, each inside the output folder
    if diagnostics.errors:
        return BuildResult([], diagnostics, linked)
    return BuildResult(outputs, diagnostics, linked)


def _report_template_error(exc: jinja2.TemplateError, root: Path, diagnostics: Diagnostics) -> None:
    """A broken template is an editor's problem too: report it in the common format."""
    name, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not name:  # runtime errors: Jinja rewrites the traceback so template frames carry their file
        frames = traceback.extract_tb(exc.__traceback__)
        frame = next((f for f in reversed(frames) if not f.filename.endswith(".py")), None)
        name, line = (frame.filename, frame.lineno) if frame else ("templates", 1)
    diagnostics.error(Source(relative_path(Path(name), root), line), f"template error: {exc.message or exc}",
                      "fix the template; content files are fine")
