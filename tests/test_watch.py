"""serve's watcher: every kind of change to the sources is reported once they are quiet, heard from file
events for the folders (no walk over every file per poll), and polled by stat where events fail."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from reader import watch
from reader.serve import watched_paths

TINY = Path(__file__).parent / "sites" / "tiny"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(TINY, root)
    return root


@pytest.fixture(params=["events", "polling"])
def watcher(request, site: Path):
    made = watch.EventWatcher(watched_paths(site)) if request.param == "events" else watch.Watcher(watched_paths(site))
    yield made
    made.close()


def reported(watcher: watch.Watcher, timeout: float = 5.0) -> list[str]:
    """What the watcher reports first, polling as serve does."""
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        found = watcher.poll()
        if found:
            return found
        time.sleep(0.02)
    return []


def test_an_edited_article_is_reported_once_the_sources_are_quiet(site, watcher):
    article = site / "content/articles/first.md"
    article.write_text(article.read_text() + "\nMore.\n")
    assert reported(watcher) == [str(article)]
    assert reported(watcher, timeout=0.5) == []  # once


def test_site_yaml_a_new_file_and_a_removed_one_are_reported_together(site, watcher):
    (site / "site.yaml").write_text((site / "site.yaml").read_text() + "\n")
    (site / "content/actors/new-one.md").write_text("---\nname: New One\nkind: person\n---\n")
    (site / "content/actors/putin.md").unlink()
    assert set(reported(watcher)) == {str(site / "site.yaml"), str(site / "content/actors/new-one.md"),
                                     str(site / "content/actors/putin.md")}


def test_a_save_by_rename_is_reported(site, watcher):
    article = site / "content/articles/second.md"
    temporary = article.with_name(".second.md.swp")
    temporary.write_text(article.read_text() + "\nSaved as editors save.\n")
    os.replace(temporary, article)
    assert str(article) in reported(watcher)


def test_events_are_heard_again_from_a_content_folder_that_was_replaced(site):
    watcher = watch.EventWatcher(watched_paths(site))
    try:
        content = site / "content"
        shutil.move(content, site / "old-content")
        shutil.copytree(site / "old-content", content)
        assert str(content) in reported(watcher)  # the folder itself: a full rebuild's worth
        article = content / "articles/first.md"
        article.write_text(article.read_text() + "\nIn the new folder.\n")
        assert str(article) in reported(watcher)
    finally:
        watcher.close()


def test_the_event_watcher_stats_only_the_single_files(site, monkeypatch):
    walked: list[list[Path]] = []
    real_snapshot = watch.snapshot
    monkeypatch.setattr(watch, "snapshot", lambda paths: walked.append(list(paths)) or real_snapshot(paths))
    watcher = watch.EventWatcher(watched_paths(site))
    try:
        watcher.poll()
        assert walked and all(paths == [site / "site.yaml"] for paths in walked)
    finally:
        watcher.close()


def test_without_file_events_serve_polls(site, monkeypatch):
    def no_events(*args):
        raise OSError("inotify watch limit reached")

    monkeypatch.setattr(watch, "_Listener", no_events)
    watcher = watch.make_watcher(watched_paths(site))
    assert type(watcher) is watch.Watcher
    article = site / "content/articles/first.md"
    article.write_text(article.read_text() + "\nPolled.\n")
    assert reported(watcher) == [str(article)]
