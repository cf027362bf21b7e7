"""The load stage's reuse of files by their stat (serve): a file or folder known by its `lstat` is not read
or listed again, and a cached load still returns and reports exactly what a fresh load does.

Most tests run the loads "10 s later" (a clock moved forward for reader.load only), so that the files
just written are out of the racy window and are trusted by their stat; each test then changes the files
the way an editor or a tool would and compares the cached load with a fresh one.
"""
from __future__ import annotations

import os
import random
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import reader.filecache
import reader.load
from reader.diagnostics import Diagnostics
from reader.load import ParseCache, load_site
from reader.validate import ValidationCache, validate_site
from sitebuilder import ARTICLE, make_site

ANNOTATIONS = """\
- id: first
  quote: Putin spoke.
  kind: context
  note: A note.
  editor: Ed
  date: 2020-01-01
"""
TICK = 0.05  # longer than a clock tick of any file system's timestamps (Linux: one jiffy, 1-10 ms)


@pytest.fixture
def later(monkeypatch):
    """Loads believe they run 10 s from now: every file written so far is safely older than the load."""
    real = time.time_ns
    monkeypatch.setattr(reader.load, "time", SimpleNamespace(time_ns=lambda: real() + 10 * 10**9))


def load(root: Path, cache: ParseCache | None = None):
    diagnostics = Diagnostics()
    return load_site(root, diagnostics, cache), diagnostics.items


def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site", {
        "content/annotations/an-article.yaml": ANNOTATIONS,
        "content/actors/broken.md": "---\nname: [unclosed\n---\nBody.\n",
        "content/articles/second.md": ARTICLE.replace("An article", "A second one"),
        "content/about.md": "---\ntitle: About\n---\nAbout us.\n",
    })


def test_a_second_load_reads_no_file_and_lists_no_folder(tmp_path, later):
    root = site(tmp_path)
    (root / "content/articles/latin1.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    cache = ParseCache()
    first = load(root, cache)
    read, listed, parsed = cache.read, cache.listed, cache.parsed
    again = load(root, cache)
    assert (cache.read, cache.listed, cache.parsed) == (read, listed, parsed)
    assert again == first == load(root)
    assert any("latin1.md:1:1: error: file is not valid UTF-8" in d.format() for d in again[1])
    assert any("broken.md:2" in d.format() for d in again[1])


def test_a_same_size_rewrite_that_keeps_the_mtime_is_seen_by_its_ctime(tmp_path, later):
    root = site(tmp_path)
    cache = ParseCache()
    load(root, cache)
    article = root / "content/articles/an-article.md"
    before = article.stat()
    time.sleep(TICK)
    article.write_text(article.read_text().replace("Putin spoke.", "Putin spake."))
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p`, `rsync -t`, `touch -r` do
    assert article.stat().st_size == before.st_size and article.stat().st_mtime_ns == before.st_mtime_ns
    raw, problems = load(root, cache)
    assert "Putin spake." in raw.articles[0].body
    assert (raw, problems) == load(root)


class FrozenTimestamps:
    """`os` as seen on a file system whose timestamps did not tick between two writes (a coarse clock,
    or two writes within one tick): lstat and stat report the times each file had when first looked at."""

    def __init__(self) -> None:
        self.first: dict[tuple[int, int], tuple[int, int]] = {}

    def __getattr__(self, name: str):
        return getattr(os, name)

    def lstat(self, path, **options):
        return self._frozen(os.lstat(path, **options))

    def stat(self, path, **options):
        return self._frozen(os.stat(path, **options))

    def _frozen(self, status):
        mtime, ctime = self.first.setdefault((status.st_dev, status.st_ino), (status.st_mtime_ns, status.st_ctime_ns))
        return SimpleNamespace(st_mode=status.st_mode, st_size=status.st_size, st_ino=status.st_ino,
                               st_dev=status.st_dev, st_mtime_ns=mtime, st_ctime_ns=ctime)


def test_a_same_size_rewrite_within_the_racy_window_is_seen(tmp_path, monkeypatch):
    root = site(tmp_path)
    article = root / "content/articles/an-article.md"
    newest = max(max(p.stat().st_mtime_ns, p.stat().st_ctime_ns) for p in root.rglob("*"))
    frozen = FrozenTimestamps()
    monkeypatch.setattr(reader.filecache, "os", frozen)  # where the stats are taken
    monkeypatch.setattr(reader.load, "time", SimpleNamespace(time_ns=lambda: newest + 10**9))  # 1 s after
    cache = ParseCache()
    load(root, cache)
    article.write_text(article.read_text().replace("Putin spoke.", "Putin spake."))  # same size, same "tick"
    raw, problems = load(root, cache)
    assert "Putin spake." in raw.articles[0].body
    assert (article.stat().st_dev, article.stat().st_ino) in frozen.first  # the load saw the frozen stats
    assert (raw, problems) == load(root)


def test_an_unchanged_file_out_of_the_racy_window_is_trusted_even_with_frozen_timestamps(tmp_path, monkeypatch):
    root = site(tmp_path)
    newest = max(max(p.stat().st_mtime_ns, p.stat().st_ctime_ns) for p in root.rglob("*"))
    frozen = FrozenTimestamps()
    monkeypatch.setattr(reader.filecache, "os", frozen)  # where the stats are taken
    monkeypatch.setattr(reader.load, "time", SimpleNamespace(time_ns=lambda: newest + 3 * 10**9))  # 3 s after
    cache = ParseCache()
    first = load(root, cache)
    read = cache.read
    assert load(root, cache) == first and cache.read == read
    files = [p.stat() for p in [root / "site.yaml", *(root / "content").rglob("*.*")]]
    assert {(f.st_dev, f.st_ino) for f in files} <= frozen.first.keys()  # each trusted by its frozen stat


def test_a_file_replaced_by_a_link_to_outside_is_still_refused(tmp_path, later):
    root = site(tmp_path)
    cache = ParseCache()
    load(root, cache)
    article = root / "content/articles/an-article.md"
    outside = tmp_path / "outside.md"
    outside.write_text(article.read_text())
    time.sleep(TICK)
    article.unlink()
    article.symlink_to(outside)
    raw, problems = load(root, cache)
    assert raw.articles == () and raw.site is None
    assert [d.format().split("\n")[0] for d in problems] == [
        f"content/articles/an-article.md:1:1: error: symbolic link to {outside}, outside content/: refused"]
    assert (raw, problems) == load(root)


def test_a_file_replaced_by_a_link_inside_is_read_through_it(tmp_path, later):
    root = site(tmp_path)
    cache = ParseCache()
    load(root, cache)
    article = root / "content/articles/an-article.md"
    time.sleep(TICK)
    article.unlink()
    article.symlink_to("second.md")
    cached, fresh = load(root, cache), load(root)
    assert cached == fresh
    assert [a.body for a in cached[0].articles] == [ARTICLE.split("---\n")[2]] * 2


def test_a_deleted_file_disappears_and_an_added_one_appears(tmp_path, later):
    root = site(tmp_path)
    cache = ParseCache()
    load(root, cache)
    time.sleep(TICK)
    (root / "content/articles/second.md").unlink()
    (root / "content/annotations/an-article.yaml").unlink()
    (root / "content/actors/added.md").write_text("---\nname: Added\nkind: person\n---\n")
    raw, problems = load(root, cache)
    assert [f.stem for f in raw.articles] == ["an-article"] and raw.annotations == ()
    assert [f.stem for f in raw.actors] == ["added", "putin"]  # broken.md does not parse
    assert (raw, problems) == load(root)


def test_a_link_is_looked_at_on_every_load_even_in_an_unchanged_folder(tmp_path, later):
    root = site(tmp_path)
    target = root / "content/kept/linked.md"
    target.parent.mkdir()
    target.write_text(ARTICLE)
    (root / "content/articles/linked.md").symlink_to("../kept/linked.md")
    cache = ParseCache()
    assert len(load(root, cache)[0].articles) == 3
    time.sleep(TICK)
    target.unlink()
    target.mkdir()  # what the link leads to is now a folder; content/articles itself did not change
    articles = cache.listings[str(root / "content/articles")]
    raw, problems = load(root, cache)
    assert [f.stem for f in raw.articles] == ["an-article", "second"]
    assert "content/kept/linked.md:1:1: warning: ignored: not a regular file" in [  # (shown where it leads)
        d.format().split("\n")[0] for d in problems]
    assert (raw, problems) == load(root)
    assert cache.listings[str(root / "content/articles")] is articles  # not listed again


def test_warnings_for_names_are_reported_on_every_load(tmp_path, later):
    root = site(tmp_path)
    (root / "content/articles/draft.markdown").write_text(ARTICLE)
    (root / "content/articles/folder.md").mkdir()
    (root / "content/annotations/an-article.yml").write_text("[]\n")
    cache = ParseCache()
    first = load(root, cache)
    shown = [d.format().split("\n")[0] for d in first[1]]
    assert "content/articles/draft.markdown:1:1: warning: ignored: not a .md file" in shown
    assert "content/articles/folder.md:1:1: warning: ignored: not a regular file" in shown
    assert "content/annotations/an-article.yml:1:1: error: two files for 'an-article': an-article.yaml and an-article.yml" in shown
    listed = cache.listed
    assert load(root, cache) == first == load(root) and cache.listed == listed


EDITS = ["append", "same-size", "same-size-old-mtime", "delete", "create", "link", "unlink", "invalid", "annotation"]


def random_edit(rng: random.Random, root: Path, step: int) -> str:
    articles = root / "content/articles"
    names = sorted(p.name for p in articles.iterdir() if not p.is_symlink())
    path = articles / rng.choice(names)
    kind = rng.choice(EDITS)
    time.sleep(TICK)
    if kind == "append":
        path.write_bytes(path.read_bytes() + f"\nEdit {step}.\n".encode())
    elif kind.startswith("same-size"):
        before = path.stat()
        text = path.read_bytes()
        path.write_bytes(text.replace(b"spoke", b"spake") if b"spoke" in text else text.replace(b"spake", b"spoke"))
        if kind.endswith("old-mtime"):
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif kind == "delete" and len(names) > 1:
        path.unlink()
    elif kind == "create":
        (articles / f"new-{step}.md").write_text(ARTICLE.replace("An article", f"New {step}"))
    elif kind == "link":
        link = articles / f"link-{step}.md"
        link.symlink_to(path.name)
    elif kind == "unlink":
        for link in [p for p in articles.iterdir() if p.is_symlink()][:1]:
            link.unlink()
    elif kind == "invalid":
        path.write_bytes(path.read_bytes().replace(b"spoke", b"sp\xffke"))
    elif kind == "annotation":
        notes = root / "content/annotations/an-article.yaml"
        notes.write_text(notes.read_text().replace("kind: context", "kind: contxt") if "kind: context" in
                         notes.read_text() else notes.read_text().replace("kind: contxt", "kind: context"))
    return kind


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_random_edits_a_cached_load_and_validation_equal_fresh_ones(tmp_path, later, seed):
    root = site(tmp_path)
    rng = random.Random(seed)
    parsed, validated = ParseCache(), ValidationCache()
    for step in range(25):
        diagnostics = Diagnostics()
        raw = load_site(root, diagnostics, parsed)
        content = validate_site(raw, diagnostics, validated)
        fresh = Diagnostics()
        fresh_raw = load_site(root, fresh)
        assert (raw, content, diagnostics.items) == (fresh_raw, validate_site(fresh_raw, fresh), fresh.items), step
        random_edit(rng, root, step)
