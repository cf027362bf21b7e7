"""The script `serve` adds to every HTML page it sends (never to files on disk): live reload and the error overlay.

The page opens a WebSocket to the dev server and obeys two messages:
- `{"type": "status", "ok": false, "build": n, "summary": ..., "diagnostics": [text, ...]}`
  shows an overlay listing the problems of the failed build (`role="alert"`,
  dismissed with Esc or its button); `"ok": true` removes it;
- `{"type": "reload", "urls": [...] | null}` reloads the page when its own file,
  a stylesheet or a script is among the changed URLs (null: every page).
Diagnostics are inserted as text (`textContent`), never as markup. The overlay
lives in a shadow root so that neither the site's CSS nor it affect the other.
When the server comes back after a restart, the page reloads.
"""
from __future__ import annotations

CLIENT_PATH = "/__reader/client.js"
EVENTS_PATH = "/__reader/events"
OVERLAY_ID = "reader-build-errors"

CLIENT_JS = r"""// Added by `build.py serve` only; a built site never contains this file.
(() => {
  "use strict";
  const page = (document.currentScript && document.currentScript.dataset.page) || location.pathname;
  const OVERLAY_ID = "%(overlay_id)s";
  let dismissedBuild = null;
  let connectedBefore = false;

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(scheme + "//" + location.host + "%(events_path)s");
    socket.addEventListener("open", () => {
      if (connectedBefore) location.reload();  // the server restarted: the site may have changed
      connectedBefore = true;
    });
    socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    socket.addEventListener("close", () => setTimeout(connect, 1000));
  }

  function handle(message) {
    if (message.type === "reload" && concernsThisPage(message.urls)) {
      location.reload();
    } else if (message.type === "status") {
      if (message.ok) removeOverlay();
      else if (message.build !== dismissedBuild) showOverlay(message);
    }
  }

  function concernsThisPage(urls) {
    return urls === null || urls.some((url) => url === page || /\.(css|js|mjs)$/.test(url));
  }

  function onKey(event) {
    if (event.key === "Escape") dismiss();
  }

  function dismiss() {
    const host = document.getElementById(OVERLAY_ID);
    if (host) dismissedBuild = Number(host.dataset.build);
    removeOverlay();
  }

  function removeOverlay() {
    const host = document.getElementById(OVERLAY_ID);
    if (host) host.remove();
    document.removeEventListener("keydown", onKey);
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showOverlay(status) {
    removeOverlay();
    const host = element("div");
    host.id = OVERLAY_ID;
    host.dataset.build = String(status.build);
    const root = host.attachShadow({ mode: "open" });
    root.appendChild(element("style", "", STYLE));
    const panel = element("section", "panel");
    panel.setAttribute("role", "alert");
    panel.setAttribute("aria-label", "Build failed");
    const close = element("button", "close", "Dismiss");
    close.type = "button";
    close.title = "Dismiss (Esc)";
    close.addEventListener("click", dismiss);
    const head = element("div", "head");
    head.append(element("strong", "title", "Build failed: " + status.summary), close);
    panel.append(head, element("p", "note",
      "This page is the last good build. Fix the problems below and save; the page reloads when the build succeeds."));
    for (const text of status.diagnostics) panel.appendChild(element("pre", "diagnostic", text));
    root.appendChild(panel);
    document.body.appendChild(host);
    document.addEventListener("keydown", onKey);
  }

  const STYLE = `
    :host { all: initial; position: fixed; inset: 0; z-index: 2147483647; display: flex;
            align-items: flex-start; justify-content: center; background: rgb(0 0 0 / 0.55);
            font: 15px/1.45 system-ui, sans-serif; }
    .panel { margin: 4vh 1rem; max-width: 60rem; width: 100%%; max-height: 90vh; overflow: auto;
             box-sizing: border-box; padding: 1rem 1.25rem; background: #1e1e1e; color: #f0f0f0;
             border-top: 6px solid #ff5c5c; border-radius: 6px; box-shadow: 0 10px 40px rgb(0 0 0 / 0.5); }
    .head { display: flex; gap: 1rem; align-items: baseline; justify-content: space-between; }
    .title { color: #ff8a8a; font-size: 1.1rem; }
    .note { color: #cfcfcf; }
    .close { font: inherit; color: inherit; background: #3a3a3a; border: 1px solid #777; border-radius: 4px;
             padding: 0.2rem 0.7rem; cursor: pointer; }
    .close:focus-visible { outline: 3px solid #8ab4ff; outline-offset: 2px; }
    .diagnostic { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0.6rem 0 0; padding: 0.6rem 0.75rem;
                  background: #111; border-radius: 4px; font: 13px/1.5 ui-monospace, monospace; }`;

  connect();
})();
""" % {"overlay_id": OVERLAY_ID, "events_path": EVENTS_PATH}


DEV_SCRIPTS_PATH = "/__reader/dev/"
"""Where the dev server serves templates/static/*-dev.js (editors' tools such as annotate-dev.js)."""


def script_tags(page: str, dev_scripts: tuple[str, ...] = ()) -> str:
    """The tags that load the client (and the dev scripts, by name) on a page served as `page` (/articles/x/)."""
    from html import escape

    tags = [f'<script src="{CLIENT_PATH}" data-page="{escape(page, quote=True)}" defer></script>']
    tags += [f'<script src="{DEV_SCRIPTS_PATH}{escape(name, quote=True)}" defer></script>' for name in dev_scripts]
    return "".join(tags)
