"""axe-core finds no accessibility violation on any page type, in light and dark mode (DESIGN §9)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from _support import PAGE_TYPES, open_page

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _axe_script() -> Path | None:
    """axe-core from node_modules (pinned by package-lock.json), else the copy bundled
    with axe-playwright-python."""
    npm = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if npm.is_file():
        return npm
    try:
        import axe_playwright_python
    except ImportError:
        return None
    bundled = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    return bundled if bundled.is_file() else None


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:6]:
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"       {summary[:300]}")
        if len(v["nodes"]) > 6:
            lines.append(f"    ... and {len(v['nodes']) - 6} more elements")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_type_has_no_axe_violations(page, site_urls, missing_tool, kind, scheme):
    script = _axe_script()
    if script is None:
        missing_tool("axe-core not found (node_modules/axe-core or axe-playwright-python)")
    page.emulate_media(color_scheme=scheme)
    open_page(page, site_urls[kind], kind, wait_until="networkidle")
    page.add_script_tag(path=str(script))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    violations = result["violations"]
    assert not violations, (
        f"axe-core {result['testEngine']['version']} on the {kind} page {site_urls[kind]} "
        f"({scheme} scheme):\n{_describe(violations)}")
