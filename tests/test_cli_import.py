"""`build.py import` end to end: writes the article and the raw copy, reports nulls, never overwrites without --force."""
from __future__ import annotations

from sitebuilder import make_site, run

RAW = "A headline without a full stop\nBy Jane Roe\nMarch 26, 2019\n\nPutin spoke in Caracas.\n\nShare this article\n"


def test_import_writes_article_then_refuses_to_overwrite_without_force(tmp_path):
    root = make_site(tmp_path / "site", {})
    raw = tmp_path / "story.txt"
    raw.write_text(RAW)
    first = run("import", "--root", root, raw)
    assert first.returncode == 0, first.stderr
    article = root / "content/articles/a-headline-without-a-full-stop.md"
    text = article.read_text()
    assert "title: A headline without a full stop" in text and "author: Jane Roe" in text
    assert "Share this article" not in text
    assert "publication" in first.stdout  # reported as not inferred
    assert (root / "content/raw/a-headline-without-a-full-stop.txt").read_text() == RAW
    article.write_text(text + "\nEditor's addition.\n")
    second = run("import", "--root", root, raw)
    assert second.returncode == 1 and "--force" in second.stderr
    assert "Editor's addition." in article.read_text()
    assert run("import", "--root", root, raw, "--force").returncode == 0
    assert "Editor's addition." not in article.read_text()


def test_import_of_a_missing_file_is_a_usage_error(tmp_path):
    assert run("import", "--root", make_site(tmp_path, {}), tmp_path / "nope.txt").returncode == 2
