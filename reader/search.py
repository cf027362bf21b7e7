"""Index stage: the rendered pages -> Pagefind's search bundle, as `Output`s under pagefind/; in memory, nothing is read or written on disk.

Contract of `index_outputs(outputs, site)` (and of `with_search_index`, the pipeline's step):
- every HTML page among `outputs` goes to Pagefind (Python API, `PagefindIndex.add_html_file`)
  in the order of `outputs`, under its URL from the site's root (`/articles/x/`): the search
  page gives Pagefind the base path, so the index is the same under any base URL;
- what gets indexed is the templates' say: Pagefind keeps only pages that have a
  `data-pagefind-body` element (articles, actor pages), reads `data-pagefind-filter`
  (stance, actor, kind of note) and makes a sub-result of every heading with an id
  (each editor's note has one in the article's endnotes; templates/static/search.js
  points it at the note's permalink);
- returns the bundle's files as `pagefind/<file>`, sorted by URL; the same outputs give
  the same bytes: pages go in a fixed order, and searchbundle.py puts in order the
  filters that Pagefind writes in a random order;
- ships only the Default UI the search page loads (pagefind-ui.js/css), not the other UIs;
- raises `SearchIndexError` when Pagefind fails (the tool's problem, not the content's);
  `with_search_index`, the pipeline's step, reports it as an error instead.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import concurrent.futures
import re
import threading
from collections.abc import Callable, Iterable

from pagefind.index import PagefindIndex
from pagefind.service import PagefindService

from . import urls
from .diagnostics import Diagnostics, Source
from .model import Site
from .render import Output
from .searchbundle import canonical_bundle

BUNDLE = "pagefind/"
UNUSED_FILES = ("pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-component-ui.js",
                "pagefind-component-ui.css", "pagefind-highlight.js")
"""Pagefind's other UIs and its highlighter: the search page uses the Default UI only."""


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}")


class SearchIndexError(Exception):
    """Pagefind could not build the index (missing binary, crashed service, ...)."""


def with_search_index(outputs: Iterable[Output], site: Site, diagnostics: Diagnostics,
                      progress: Callable[[str], None] = lambda stage: None) -> list[Output]:
    """`outputs` and the search bundle after them; if Pagefind fails, an error and `outputs` alone.

    `outputs` may be lazy (the render stage's generator): each page goes to Pagefind as soon as it
    is made, so that Pagefind, a process of its own, indexes on one core while Python renders on
    another. An exception raised while making `outputs` (a template error) stops Pagefind and
    goes on to the caller.
    """
    remaining, made = iter(outputs), []
    try:
        with SearchIndexer(site) as indexer:
            for output in remaining:
                made.append(output)
                indexer.add(output)
            progress("indexing for search")
            return [*made, *indexer.bundle()]
    except SearchIndexError as exc:
        diagnostics.error(Source("pagefind"), f"cannot build the search index: {exc}",
                          "Pagefind comes from the Python package pagefind[extended]; reinstall it (scripts/setup.sh)")
        return [*made, *remaining]


def index_outputs(outputs: Iterable[Output], site: Site) -> list[Output]:
    """The search bundle for these pages (see the module docstring)."""
    with SearchIndexer(site) as indexer:
        for output in outputs:
            indexer.add(output)
        return indexer.bundle()


class SearchIndexer:
    """A Pagefind service fed page by page (`add`), then asked for its bundle (`bundle`); a context manager.

    The service is driven from an event loop in a thread of its own, because `serve` builds
    inside a running event loop, where another loop may not be run. Requests are sent in the
    order of the `add` calls, and Pagefind indexes in arrival order, so that order is the index's.
    """

    def __init__(self, site: Site):
        self._language = _language_tag(site.language)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pagefind", daemon=True)
        self._sent: list[concurrent.futures.Future] = []
        self._service: _PromptService | None = None
        self._index: PagefindIndex | None = None

    def __enter__(self) -> "SearchIndexer":
        self._thread.start()
        try:
            self._service = self._wait(_launch())
            self._index = self._wait(self._service.create_index({"force_language": self._language}))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def add(self, output: Output) -> None:
        if urls.is_page(output.url):
            request = self._index.add_html_file(content=output.data.decode("utf-8"), url="/" + output.url)
            self._sent.append(asyncio.run_coroutine_threadsafe(request, self._loop))

    def bundle(self) -> list[Output]:
        """The index of every page added, as `pagefind/<file>` outputs sorted by URL."""
        for sent in self._sent:
            self._result(sent)
        files = self._wait(self._index.get_files())
        bundle = canonical_bundle({f["path"]: f["content"] for f in files if f["path"] not in UNUSED_FILES})
        return [Output(BUNDLE + path, bundle[path]) for path in sorted(bundle)]

    def __exit__(self, *exc) -> None:
        if self._service is not None:
            with contextlib.suppress(Exception):
                self._wait(self._service.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def _wait(self, coroutine):
        return self._result(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    @staticmethod
    def _result(future: concurrent.futures.Future):
        try:
            return future.result()
        except Exception as exc:  # the service reports failures as bare Exceptions
            raise SearchIndexError(str(exc) or type(exc).__name__) from exc


def _language_tag(language: str) -> str:
    """`language` if it is a plain BCP 47 tag ("en", "pt-BR"), else "unknown" (index without stemming).

    site.yaml's language is free text; Pagefind puts it into file names and panics on some strings.
    """
    return language if _LANGUAGE_TAG.fullmatch(language) else "unknown"


def _panic_message(output: bytes) -> str:
    """The line of a Rust panic that says what went wrong (the one after "thread 'main' panicked at")."""
    lines = [line.strip() for line in output.decode("utf-8", "replace").splitlines() if line.strip()]
    after = next((lines[i + 1] for i, line in enumerate(lines[:-1]) if " panicked at " in line), None)
    return (after or (lines[0] if lines else "no message"))[:200]


async def _launch() -> "_PromptService":
    return await _PromptService().launch()  # made inside the loop: the service keeps the loop it is made in


class _PromptService(PagefindService):
    """Pagefind's service, reading each reply as soon as it arrives.

    pagefind 1.5.2's reader sleeps 100 ms before every reply (ten seconds for our
    hundred pages) and reads a reply as one line limited to 2 MiB, which the
    bundle of a large site (`get_files`) exceeds. This reader streams instead, and
    fails every waiting request if the service exits, rather than hanging.
    """

    async def close(self) -> None:
        """Stop the service even after a failed reply (the stock close stops at the first failure,
        leaving the process to be collected after its event loop is gone)."""
        pending = asyncio.gather(*self._responses.values(), return_exceptions=True)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(pending, timeout=5)
        self._poll_task.cancel()
        with contextlib.suppress(ProcessLookupError):
            self._backend.terminate()
        await self._backend.wait()

    async def _wait_for_responses(self) -> None:
        failure = await self._read_replies()
        for future in self._responses.values():
            if not future.done():
                future.set_exception(SearchIndexError(failure))

    async def _read_replies(self) -> str:
        """Resolve replies until the service exits; then why it stopped."""
        pending: list[bytes] = []
        while chunk := await self._backend.stdout.read(1 << 20):
            *complete, rest = chunk.split(b",")  # base64 has no comma: each comma ends a reply
            for piece in complete:
                reply, pending = b"".join([*pending, piece]), []
                try:
                    self._resolve(reply)
                except (ValueError, KeyError):  # not a reply: a panic message (stderr is merged into stdout)
                    return f"Pagefind failed: {_panic_message(reply)}"
            pending.append(rest)
        return "the Pagefind service exited"

    def _resolve(self, reply: bytes) -> None:
        message = json.loads(base64.b64decode(reply))
        payload = message["payload"]
        message_id = message.get("message_id")
        if message_id is None and payload.get("original_message"):  # a request it could not parse
            message_id = json.loads(payload["original_message"]).get("message_id")
        future = self._responses.get(message_id)
        if future is None or future.done():
            return
        if payload["type"] == "Error":
            future.set_exception(SearchIndexError(payload.get("message", "Pagefind failed")))
        else:
            future.set_result(payload)
