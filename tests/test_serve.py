"""`build.py serve`: rebuilds on change, keeps the last good site when a rebuild fails, tells open pages
(status, then reload only after the files are written), and serves nothing outside the output folder."""
from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import re
import shutil
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from reader.buildcache import MANIFEST
from reader.cli import make_parser
from sitebuilder import PROJECT, fetch, run, serving, wait_for

TINY = Path(__file__).parent / "sites" / "tiny"
SERVE_ONLY = ("__reader", "client.js", "WebSocket", "livereload", "-dev.js")


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    with serving(root) as (base, process):
        yield root, base, process


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def raw_get(base: str, path: str, host: str | None = None) -> tuple[int, bytes]:
    """GET `path` exactly as written (http.client does not normalise it, unlike urllib)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.putrequest("GET", path, skip_host=host is not None)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    try:
        return response.status, response.read()
    finally:
        connection.close()


def test_serve_rebuilds_on_change_and_keeps_last_good_site_on_error(server):
    root, base, process = server
    article = root / "content/articles/first.md"
    assert "First article" in fetch(base + "articles/first/")
    # Links use the server's own base path, not site.yaml's /tiny/.
    assert 'href="/actors/putin/"' in fetch(base + "articles/first/")
    edit(article, "title: First article", "title: Edited title")
    wait_for(lambda: "Edited title" in fetch(base + "articles/first/"))
    edit(article, "stance: pro", "stance: nonsense")
    time.sleep(1.0)
    assert "Edited title" in fetch(base + "articles/first/")
    process.terminate()
    output = process.communicate(timeout=10)[0]
    assert "content/articles/first.md:6:9: error: unknown stance 'nonsense'" in output
    assert "still serving the last good site" in output


def listening_addresses(port: int) -> set[str]:
    """Local IPv4 addresses with a socket listening on `port` (Linux's /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_the_server_listens_on_loopback_only_by_default(server):
    assert make_parser().parse_args(["serve"]).host == "127.0.0.1"
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to list listening sockets")
    _root, base, _process = server
    assert listening_addresses(urlsplit(base).port) == {"127.0.0.1"}


def run_async(coroutine):
    """Run `coroutine` on a loop of its own thread (Playwright's sync API may own this thread's loop)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _events(base: str, on_open, until, seconds: float = 20.0) -> list[dict]:
    """Messages of the dev server's WebSocket: calls `on_open()` after the first, stops when `until(message)`."""
    from tornado.websocket import websocket_connect

    connection = await websocket_connect(base.replace("http://", "ws://") + "__reader/events")
    messages = [json.loads(await connection.read_message())]
    on_open()
    deadline = time.monotonic() + seconds
    while not until(messages[-1]):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no matching message; got {messages}"
        text = await asyncio.wait_for(connection.read_message(), remaining)
        assert text is not None, "the server closed the WebSocket"
        messages.append(json.loads(text))
        if messages[-1]["type"] == "reload":  # the files must already be written when pages are told
            messages[-1]["page_then"] = fetch(base + "articles/first/")
    connection.close()
    return messages


def test_a_failed_rebuild_sends_its_diagnostics_then_a_good_one_clears_them_and_reloads(server):
    root, base, _process = server
    article = root / "content/articles/first.md"
    messages = run_async(_events(base, lambda: edit(article, "stance: pro", "stance: <b>nonsense</b>"),
                                   lambda m: m["type"] == "status" and not m["ok"]))
    assert messages[0] == {"type": "status", "ok": True, "build": 1}
    failed = messages[-1]
    assert " error(s), " in failed["summary"]
    assert any(d.startswith("content/articles/first.md:6:9: error: unknown stance '<b>nonsense</b>'")
               for d in failed["diagnostics"]), failed

    fixed = run_async(_events(base, lambda: edit(article, "stance: <b>nonsense</b>", "stance: contra\ntitle_note: x"),
                                lambda m: m["type"] == "reload"))
    assert [m["type"] for m in fixed] == ["status", "status", "reload"]
    assert fixed[1]["ok"] is True
    assert "Argues against the thing." in fixed[-1]["page_then"]


def test_pages_are_told_to_reload_only_after_the_new_files_are_written(server):
    root, base, _process = server
    article = root / "content/articles/first.md"
    messages = run_async(_events(base, lambda: edit(article, "title: First article", "title: Written before reload"),
                                   lambda m: m["type"] == "reload"))
    reload = messages[-1]
    assert "Written before reload" in reload["page_then"]
    assert "/articles/first/" in reload["urls"]
    assert "/articles/second/" in reload["urls"]  # its pager shows the first article's title
    assert not any(u.startswith("/static/") for u in reload["urls"])  # unchanged files are not rewritten


INJECTED = re.compile(r'<script src="/__reader/[^"]*"[^>]*></script>')


def test_html_responses_carry_the_dev_client_but_the_files_on_disk_do_not(server):
    root, base, _process = server
    served = fetch(base + "articles/first/")
    assert '<script src="/__reader/client.js" data-page="/articles/first/" defer></script>' in served
    assert re.search(r"(</script>)</head>", served)  # in the head, after the site's own tags
    on_disk = (root / "public/articles/first/index.html").read_text()
    assert INJECTED.sub("", served) == on_disk
    assert "WebSocket" in fetch(base + "__reader/client.js")


def test_editors_dev_scripts_are_served_and_added_to_pages_but_never_built(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    shutil.copytree(PROJECT / "templates", root / "templates")
    tool = root / "templates/static/tool-dev.js"
    tool.write_text("window.__toolLoaded = true;\n")
    with serving(root) as (own_base, _own):
        assert '<script src="/__reader/dev/tool-dev.js" defer></script>' in fetch(own_base + "articles/first/")
        assert "__toolLoaded" in fetch(own_base + "__reader/dev/tool-dev.js")
        assert raw_get(own_base, "/__reader/dev/nothing-dev.js")[0] == 404
    out = tmp_path / "built"
    assert run("build", "--root", root, "--out", out).returncode == 0
    assert not list(out.rglob("*-dev.js"))


def test_serve_writes_exactly_what_build_writes_for_the_same_base_url(server, tmp_path):
    root, base, _process = server
    out = tmp_path / "built"
    result = run("build", "--root", root, "--out", out, "--base-url", base)
    assert result.returncode == 0, result.stderr
    served = {p.relative_to(root / "public"): p.read_bytes() for p in (root / "public").rglob("*") if p.is_file()}
    assert MANIFEST not in {p.name for p in served}  # serve writes files in place: it must leave no manifest
    built = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != MANIFEST}
    assert served == built


def test_a_built_site_contains_no_serve_only_code(tmp_path):
    out = tmp_path / "public"
    result = run("build", "--root", TINY, "--out", out)
    assert result.returncode == 0, result.stderr
    assert not list(out.rglob("*-dev.js"))
    for path in out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not [s for s in SERVE_ONLY if s.encode() in data], path


def test_a_missing_page_is_the_sites_404_page_with_status_404(server):
    _root, base, _process = server
    status, body = raw_get(base, "/no/such/page/")
    assert status == 404 and b"Page not found" in body and b"/__reader/client.js" in body


def test_a_folder_without_its_slash_redirects(server):
    _root, base, _process = server
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    connection.request("GET", "/articles/first")
    response = connection.getresponse()
    assert response.status in (301, 302) and response.getheader("Location") == "/articles/first/"
    connection.close()


TRAVERSALS = [
    "/../site.yaml", "/articles/../../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E/site.yaml",
    "/..%2fsite.yaml", "/%2e%2e%2fsite.yaml", "/static/..%2f..%2fsite.yaml", "/.%2e/site.yaml",
    "/..\\site.yaml", "/%5c..%5csite.yaml", "/static/%00/../../site.yaml", "/%c0%ae%c0%ae/site.yaml",
    "/%252e%252e/site.yaml", "/static/%2e%2e/%2e%2e/site.yaml",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_requests_that_climb_out_of_the_output_folder_are_refused(server, path):
    _root, base, _process = server
    status, body = raw_get(base, path)
    assert status in (400, 403, 404), status
    assert b"base_url" not in body  # site.yaml, one folder above public/, never leaks


def test_the_same_traversals_over_a_raw_socket_are_refused(server):
    _root, base, _process = server
    parts = urlsplit(base)
    for path in ("/../site.yaml", "/%2e%2e/site.yaml", "/..%2Fsite.yaml"):
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as connection:
            connection.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
            reply = b"".join(iter(lambda: connection.recv(65536), b""))
        assert reply.split(b"\r\n", 1)[0].split()[1] in (b"400", b"403", b"404"), reply[:100]
        assert b"base_url" not in reply


def test_a_symlink_out_of_the_output_folder_is_refused(server):
    root, base, _process = server
    (root / "public/static/leak.yaml").symlink_to(root / "site.yaml")
    (root / "public/leaky-folder").symlink_to(root / "content", target_is_directory=True)
    assert raw_get(base, "/static/leak.yaml")[0] == 403
    assert raw_get(base, "/leaky-folder/articles/first.md")[0] == 403


def test_requests_for_another_host_name_are_refused_on_loopback(server):
    _root, base, _process = server
    assert raw_get(base, "/", host="attacker.example")[0] == 403
    assert raw_get(base, "/", host=f"localhost:{urlsplit(base).port}")[0] == 200


def test_only_get_and_head_are_served(server):
    _root, base, _process = server
    parts = urlsplit(base)
    for method in ("POST", "PUT", "DELETE"):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        connection.request(method, "/", body=b"x")
        assert connection.getresponse().status == 405
        connection.close()


def test_an_output_folder_inside_the_content_is_refused(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    result = run("serve", "--root", root, "--out", root / "content" / "public", "--port", "1")
    assert result.returncode == 2
    assert "which serve watches" in result.stderr
