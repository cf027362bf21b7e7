"""Link check over the rendered outputs (pure, in memory): internal links resolve, anchors exist, external URLs are well-formed.

The outputs are what `write` would put on disk, so a problem found here is a bug
in a template (or in the content a template renders), not a missing file on a
server. Each problem is reported at the output file and line that holds the
link, e.g. `public/articles/x/index.html:12:5: error: link to missing page ...`.
No network: an external URL is only checked for its shape.
"""
from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from .diagnostics import Diagnostics, Source, did_you_mean
from .render import Output
from .urls import output_path

# Attributes whose value a browser fetches or navigates to.
URL_ATTRIBUTES = frozenset({"href", "src", "poster", "action", "cite", "formaction", "data"})
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
# Fragments a browser understands without a matching id.
IMPLICIT_FRAGMENTS = frozenset({"", "top"})
HARMLESS_SCHEMES = frozenset({"mailto", "tel", "data"})
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
EDIT_HINT = "the link is written by a template or by the content it renders; fix whichever wrote it"


@dataclass(frozen=True)
class Reference:
    """A URL as written in an output file, with the 1-based line and column of the tag holding it."""

    url: str
    line: int
    col: int


@dataclass(frozen=True)
class ScannedFile:
    """What one output file defines (ids) and refers to (references)."""

    ids: frozenset[str]
    references: tuple[Reference, ...]
    duplicate_ids: tuple[Reference, ...] = ()
    """Second and later definitions of an id (`url` holds the id)."""


class _MarkupScanner(HTMLParser):
    """Collects ids and URL-valued attributes of HTML (and of XML feeds, whose `<loc>` text is a URL too)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: dict[str, int] = {}
        self.references: list[Reference] = []
        self.duplicates: list[Reference] = []
        self._text_url_tag: str | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, offset = self.getpos()
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self._define(value, line, offset + 1)
            elif name in URL_ATTRIBUTES and not (tag == "object" and name != "data"):
                self.references.append(Reference(value, line, offset + 1))
            elif name in SRCSET_ATTRIBUTES:
                self.references.extend(Reference(u, line, offset + 1) for u in _srcset_urls(value))
            elif name == "style":
                self.references.extend(Reference(u, line, offset + 1) for u in css_urls(value))
        self._text_url_tag = tag if tag == "loc" else None
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._text_url_tag, self._in_style = None, False

    def handle_endtag(self, tag: str) -> None:
        self._text_url_tag, self._in_style = None, False

    def handle_data(self, data: str) -> None:
        line, offset = self.getpos()
        if self._text_url_tag and data.strip():
            self.references.append(Reference(data.strip(), line, offset + 1))
        elif self._in_style:
            self.references.extend(Reference(u, line, offset + 1) for u in css_urls(data))

    def _define(self, name: str, line: int, col: int) -> None:
        if name in self.ids:
            self.duplicates.append(Reference(name, line, col))
        else:
            self.ids[name] = line


def _srcset_urls(value: str) -> list[str]:
    return [part.split()[0] for part in value.split(",") if part.strip()]


def css_urls(css: str) -> list[str]:
    return [m.group(2) or m.group(4) for m in CSS_URL.finditer(css)]


def scan(output: Output) -> ScannedFile | None:
    """The ids and references of one output, or None for a file without links (JSON, images, ...)."""
    path = output_path(output.url)
    if path.endswith((".html", ".xml")):
        scanner = _MarkupScanner()
        scanner.feed(output.data.decode("utf-8", errors="replace"))
        scanner.close()
        return ScannedFile(frozenset(scanner.ids), tuple(scanner.references), tuple(scanner.duplicates))
    if path.endswith(".css"):
        text = output.data.decode("utf-8", errors="replace")
        return ScannedFile(frozenset(), tuple(_css_references(text)))
    return None


def _css_references(text: str) -> Iterable[Reference]:
    for match in CSS_URL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        yield Reference(match.group(2) or match.group(4), line, col)


@dataclass(frozen=True)
class LinkChecker:
    """Checks references against a set of outputs published at `base_url`.

    `files` maps each output's file path (`articles/x/index.html`) to its URL;
    `ids` maps each scanned output's URL to the ids it defines.
    """

    base: SplitResult
    files: dict[str, str]
    ids: dict[str, frozenset[str]]
    label: str
    """Folder name the outputs are reported under ('public')."""

    @property
    def base_path(self) -> str:
        return self.base.path if self.base.path.endswith("/") else self.base.path + "/"

    def check(self, page_url: str, reference: Reference, diagnostics: Diagnostics) -> None:
        source = Source(f"{self.label}/{output_path(page_url)}", reference.line, reference.col)
        problem = self.problem(page_url, reference.url)
        if problem:
            severity, message, *hints = problem
            getattr(diagnostics, severity)(source, message, *hints)

    def problem(self, page_url: str, written: str) -> tuple[str, ...] | None:
        """('error' | 'warning', message, hints...) for a broken reference, else None."""
        url = written.strip()
        if url != written or any(c.isspace() or ord(c) < 32 for c in url):
            return ("error", f"URL {written!r} contains whitespace or control characters", "percent-encode it (%20)")
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in HARMLESS_SCHEMES:
            return None
        if scheme and scheme not in ("http", "https"):
            return ("error", f"link with unsupported scheme '{scheme}:' ({url})",
                    "use an http(s) URL; JavaScript links do not work without JavaScript")
        if parts.netloc and not self._is_own(parts):
            return external_url_problem(url)
        return self._internal_problem(page_url, url)

    def _is_own(self, parts: SplitResult) -> bool:
        """A URL of this site: same scheme and host, under the base path (another path is another site)."""
        own_host = parts.netloc.lower() == self.base.netloc.lower()
        own_scheme = not parts.scheme or parts.scheme.lower() == self.base.scheme.lower()
        return own_host and own_scheme and (parts.path + "/").startswith(self.base_path)

    def _internal_problem(self, page_url: str, url: str) -> tuple[str, ...] | None:
        target = urlsplit(urljoin(self.base_path + page_url, url))
        if not (target.path + "/").startswith(self.base_path):
            return ("error", f"link to {url} leaves the site's base path {self.base_path}",
                    "build links with href() so they work when the site is served from a sub-path")
        if BAD_PERCENT.search(url):
            return ("error", f"link {url} has a '%' that is not a percent-escape", "write '%25' for a literal '%'")
        relative = unquote(target.path[len(self.base_path):])
        file = output_path(relative)
        if file not in self.files:
            return self._missing_page(url, relative)
        return self._anchor_problem(url, self.files[file], unquote(target.fragment))

    def _missing_page(self, url: str, relative: str) -> tuple[str, ...]:
        if output_path(relative + "/") in self.files:
            return ("warning", f"link to {url} lacks the trailing slash of its folder",
                    f"write {self.base_path}{relative}/ (a server redirects at best)")
        hints = [EDIT_HINT]
        guess = did_you_mean(relative, set(self.files.values()))
        if guess is not None:
            hints.insert(0, f"did you mean {self.base_path}{guess}?")
        return ("error", f"link to missing page {url}", *hints)

    def _anchor_problem(self, url: str, target_url: str, fragment: str) -> tuple[str, ...] | None:
        if fragment in IMPLICIT_FRAGMENTS or fragment.startswith(":~:") or target_url not in self.ids:
            return None
        if fragment in self.ids[target_url]:
            return None
        hints = [EDIT_HINT]
        guess = did_you_mean(fragment, self.ids[target_url])
        if guess is not None:
            hints.insert(0, f"did you mean #{guess}?")
        page = self.base_path + target_url
        return ("error", f"link to missing anchor #{fragment} in {page}", *hints)


def external_url_problem(url: str) -> tuple[str, ...] | None:
    """Why an external http(s) URL is malformed, or None; no request is made."""
    parts = urlsplit(url if urlsplit(url).scheme else "https:" + url)
    if parts.scheme.lower() not in ("http", "https"):
        return ("error", f"external link {url} is not http(s)")
    try:
        host, _port = parts.hostname, parts.port
    except ValueError as exc:
        return ("error", f"malformed external URL {url}: {exc}")
    if not host:
        return ("error", f"malformed external URL {url}: no host name")
    if BAD_PERCENT.search(url):
        return ("error", f"malformed external URL {url}: '%' is not followed by two hex digits")
    reason = host_problem(host)
    return ("error", f"malformed external URL {url}: {reason}") if reason else None


def host_problem(host: str) -> str | None:
    try:
        ipaddress.ip_address(host)
        return None
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return f"host name {host!r} is not a valid international domain name"
    labels = ascii_host.rstrip(".").split(".")
    if len(labels) < 2:
        return f"host name {host!r} has no domain (a typo such as 'https//'?)"
    bad = next((label for label in labels if not HOST_LABEL.match(label)), None)
    return f"host name {host!r} has an invalid part {bad!r}" if bad is not None else None


def check_links(outputs: Iterable[Output], base_url: str, label: str = "public") -> Diagnostics:
    """Every problem with the links of `outputs`, as if published at `base_url` and written to `label`/."""
    outputs = list(outputs)
    scanned = {o.url: s for o in outputs if (s := scan(o)) is not None}
    checker = LinkChecker(
        base=urlsplit(base_url),
        files={output_path(o.url): o.url for o in outputs},
        ids={url: s.ids for url, s in scanned.items() if output_path(url).endswith(".html")},
        label=label.rstrip("/"),
    )
    diagnostics = Diagnostics()
    for url, found in scanned.items():
        for reference in found.references:
            checker.check(url, reference, diagnostics)
        for duplicate in found.duplicate_ids:
            diagnostics.error(Source(f"{checker.label}/{output_path(url)}", duplicate.line, duplicate.col),
                              f"duplicate id '{duplicate.url}' (links to #{duplicate.url} reach the first one only)",
                              "the id is written by a template or by the content it renders; make it unique")
    return diagnostics
