"""Every HTML page of the built site passes the Nu HTML Checker with no error (DESIGN §9)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_page_has_no_nu_html_checker_errors(served_site, missing_tool):
    java = shutil.which("java")
    if not VNU_JAR.is_file() or java is None:
        missing_tool(f"Nu HTML Checker not runnable (java: {java}, jar: {VNU_JAR})")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--skip-non-html", "--errors-only", "--format", "gnu",
         str(served_site.out)],
        capture_output=True, text=True, timeout=600)
    report = (result.stdout + result.stderr).replace(f"file:{served_site.out}/", "")
    assert result.returncode == 0 and not report.strip(), (
        f"Nu HTML Checker (exit {result.returncode}):\n{report}")
