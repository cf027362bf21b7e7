"""The development server's HTTP side (tornado): the output folder, the dev client, and a WebSocket for status and reloads.

Safety: only files inside the output folder are served. A request path is
decoded once; `..`/`.` segments (written or percent-encoded), backslashes and NUL
are refused, and the file's real path (symlinks resolved) must lie inside the
folder. On loopback, requests naming another host are refused, so a web page
cannot reach the server through DNS rebinding. Only GET and HEAD are served.
The dev client is added to HTML responses here, never to the files on disk.
"""
from __future__ import annotations

import ipaddress
import json
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from tornado import web, websocket

from .devclient import CLIENT_JS, CLIENT_PATH, DEV_SCRIPTS_PATH, EVENTS_PATH, script_tags

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".jsonld": "application/ld+json", ".xml": "application/xml",
    ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
    ".woff2": "font/woff2", ".wasm": "application/wasm",
}
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
NO_SITE_PAGE = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n"
                "<body><h1>{title}</h1><p>{text}</p></body></html>\n")


@dataclass
class Channel:
    """The pages listening on the WebSocket and the last build status, which each new page receives first."""

    sockets: set = field(default_factory=set)
    status: dict = field(default_factory=lambda: {"type": "status", "ok": True, "build": 0})

    def publish_status(self, status: dict) -> None:
        self.status = {"type": "status", **status}
        self._send(self.status)

    def reload(self, urls: list[str] | None) -> None:
        """Ask pages to reload: those showing one of `urls` (URL paths), or all of them (None)."""
        self._send({"type": "reload", "urls": urls})

    def _send(self, message: dict) -> None:
        text = json.dumps(message)
        for socket in list(self.sockets):
            try:
                socket.write_message(text)
            except websocket.WebSocketClosedError:
                self.sockets.discard(socket)


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


class _HostCheck:
    """Mixin: on a loopback server, refuse requests whose Host header names another machine."""

    allowed_hosts: frozenset[str] | None = None

    def prepare(self) -> None:
        if self.allowed_hosts is None:
            return
        name = self.request.host_name.strip("[]").lower()
        if name not in self.allowed_hosts:
            raise web.HTTPError(403, "unexpected Host header")


class EventsHandler(_HostCheck, websocket.WebSocketHandler):
    def initialize(self, channel: Channel, allowed_hosts: frozenset[str] | None) -> None:
        self.channel, self.allowed_hosts = channel, allowed_hosts

    def open(self) -> None:
        self.channel.sockets.add(self)
        self.write_message(json.dumps(self.channel.status))

    def on_close(self) -> None:
        self.channel.sockets.discard(self)

    def on_message(self, message) -> None:  # the page only listens
        pass


class ClientHandler(_HostCheck, web.RequestHandler):
    def initialize(self, allowed_hosts: frozenset[str] | None) -> None:
        self.allowed_hosts = allowed_hosts

    def get(self) -> None:
        self.set_header("Content-Type", CONTENT_TYPES[".js"])
        self.set_header("Cache-Control", "no-store")
        self.write(CLIENT_JS)


class DevScriptHandler(_HostCheck, web.RequestHandler):
    """Serves the editors' dev scripts by name (read at each request, so an edit shows on reload)."""

    def initialize(self, scripts: dict[str, Path], allowed_hosts: frozenset[str] | None) -> None:
        self.scripts, self.allowed_hosts = scripts, allowed_hosts

    def get(self, name: str) -> None:
        if name not in self.scripts or not self.scripts[name].is_file():
            raise web.HTTPError(404)
        self.set_header("Content-Type", CONTENT_TYPES[".js"])
        self.set_header("Cache-Control", "no-store")
        self.write(self.scripts[name].read_bytes())


class SiteHandler(_HostCheck, web.RequestHandler):
    """Serves the output folder like GitHub Pages: folders by their index.html, 404.html for what is missing."""

    SUPPORTED_METHODS = ("GET", "HEAD")

    def initialize(self, folder: Path, dev_scripts: tuple[str, ...], allowed_hosts: frozenset[str] | None) -> None:
        self.folder, self.dev_scripts, self.allowed_hosts = folder, dev_scripts, allowed_hosts

    def head(self) -> None:
        self.get()

    def get(self) -> None:
        raw = self.request.path
        target = resolve(self.folder, raw)
        if target is None:
            raise web.HTTPError(403, "outside the site")
        if target.is_dir():
            if not raw.endswith("/"):
                return self.redirect(raw + "/", permanent=False)
            target = resolve(self.folder, raw + "index.html")
        if target is not None and target.is_file():
            return self._send(200, target, _page_path(self.folder, target))
        missing = resolve(self.folder, "/404.html")
        if missing is not None and missing.is_file():
            return self._send(404, missing, "/404.html")
        self._send_no_site()

    def _send(self, status: int, path: Path, page: str) -> None:
        data = path.read_bytes()
        content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type.startswith("text/html"):
            data = inject(data, script_tags(page, self.dev_scripts))
        self.set_status(status)
        self.set_header("Content-Type", content_type)
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(data if self.request.method == "GET" else b"")

    def _send_no_site(self) -> None:
        built = (self.folder / "index.html").is_file()
        title = "Page not found" if built else "No site yet"
        text = "There is no page at this address." if built else "The build has not succeeded yet; its errors are listed in the terminal."
        self.set_status(404)
        self.set_header("Content-Type", CONTENT_TYPES[".html"])
        self.set_header("Cache-Control", "no-store")
        self.finish(inject(NO_SITE_PAGE.format(title=title, text=text).encode(), script_tags(self.request.path)))

    def write_error(self, status_code: int, **kwargs) -> None:
        self.set_header("Content-Type", CONTENT_TYPES[".txt"])
        self.finish(f"{status_code} {self._reason}\n")


def resolve(folder: Path, raw_path: str) -> Path | None:
    """The file or folder that `raw_path` (a request path, percent-encoded) names inside `folder`,
    or None when the request tries to leave it (by `..`, encoded or not, or through a symlink)."""
    if not raw_path.startswith("/"):
        return None
    try:
        path = unquote(raw_path, errors="strict")
    except UnicodeDecodeError:
        return None
    segments = path.split("/")
    if "\\" in path or "\0" in path or any(s in (".", "..") for s in segments):
        return None
    top = folder.resolve()
    target = (top / path.lstrip("/")).resolve()
    return target if target == top or target.is_relative_to(top) else None


def _page_path(folder: Path, file: Path) -> str:
    """The URL path of a served file as the build names it (`/articles/x/` for its index.html)."""
    relative = file.relative_to(folder.resolve()).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative[: -len("index.html")]
    return "/" + relative


def inject(html: bytes, tag: str) -> bytes:
    """`html` with `tag` just before `</head>` (or `</body>`, or at the end)."""
    lower = html.lower()
    for marker in (b"</head>", b"</body>"):
        at = lower.find(marker)
        if at != -1:
            return html[:at] + tag.encode() + html[at:]
    return html + tag.encode()


def _quiet_log(handler: web.RequestHandler) -> None:
    """Log only server errors; a 404 for favicon.ico is not news."""
    if handler.get_status() >= 500:
        print(f"{handler.get_status()} {handler.request.method} {handler.request.uri}", flush=True)


def make_application(folder: Path, channel: Channel, host: str,
                     dev_scripts: dict[str, Path] | None = None) -> web.Application:
    """`dev_scripts`: file name -> path of scripts added to every HTML page (serve-only editor tools)."""
    allowed = LOOPBACK_NAMES | {host.strip("[]").lower()} if is_loopback(host) else None
    scripts = dict(dev_scripts or {})
    return web.Application(
        [
            (CLIENT_PATH, ClientHandler, {"allowed_hosts": allowed}),
            (EVENTS_PATH, EventsHandler, {"channel": channel, "allowed_hosts": allowed}),
            (DEV_SCRIPTS_PATH + r"([A-Za-z0-9_.-]+)", DevScriptHandler, {"scripts": scripts, "allowed_hosts": allowed}),
            (r"/.*", SiteHandler, {"folder": folder, "dev_scripts": tuple(sorted(scripts)), "allowed_hosts": allowed}),
        ],
        log_function=_quiet_log,
        websocket_ping_interval=20,
    )
