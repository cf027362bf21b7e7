"""Incremental rebuilds equal clean builds, byte for byte, after every step of long random edit sequences.

A small site (articles, actors, annotations, claims, a page, its own templates)
is edited at random, with a fixed seed: article bodies and front matter, new,
removed and renamed articles, annotations added, broken and fixed, aliases and
actor names, claims, site.yaml, templates and static files. After each step the
serve session (`serve.DevBuild`: incremental build + writing only changed files)
must report exactly the clean build's diagnostics, and leave its output folder
exactly as a clean build writes it, or, when the clean build fails, as it was.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import random
import shutil
import textwrap
from pathlib import Path

import pytest

from reader.cli import report
from reader.devserver import Channel
from reader.incremental import IncrementalBuild
from reader.pipeline import build_outputs
from reader.serve import DevBuild, watched_paths
from reader.watch import snapshot
from reader.write import write_site
from sitebuilder import PROJECT

BASE_URL = "http://127.0.0.1:8000/"
ACTORS = {
    "putin": ("Vladimir Putin", "person", ["Putin"]),
    "maduro": ("Nicolás Maduro", "person", ["Maduro", "Nicolas Maduro"]),
    "russia": ("Russia", "state", ["Moscow", "the Kremlin"]),
    "venezuela": ("Venezuela", "state", ["Caracas"]),
    "wagner": ("Wagner Group", "armed_group", ["Wagner"]),
}
PHRASES = ["Putin spoke about {n} plans", "Maduro met envoys from Moscow on day {n}",
           "Russia sent {n} advisers to Caracas", "the Kremlin denied report {n}", "Wagner was seen in Venezuela {n} times",
           "Nicolas Maduro thanked Russia {n} times", "officials counted {n} aircraft", "the Wagner Group left after {n} weeks"]
KINDS = ["context", "definition", "fact_check", "correction"]


def sentence(rng: random.Random) -> str:
    return rng.choice(PHRASES).format(n=rng.randint(1, 10_000)).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(1, 3)))


def article_text(rng: random.Random, title: str, day: int) -> str:
    body = "\n\n".join(paragraph(rng) for _ in range(rng.randint(2, 4)))
    return (f"---\ntitle: {title}\ndate: 2020-01-{day:02d}\nauthor: A. Writer\npublication: The Paper\n"
            f"stance: {rng.choice(['pro', 'contra'])}\nstance_note: Because.\nsummary: About {title}.\n---\n{body}\n")


def annotation(note_id: str, quote: str, kind: str, claim: str | None = None) -> str:
    lines = [f"- id: {note_id}", f"  quote: {quote!r}", f"  kind: {kind}", f"  note: A note on {note_id}."]
    if kind == "fact_check":
        lines += ["  verdict: unverified", "  sources:", "    - {title: A source, url: 'https://example.net/s'}"]
    if claim:
        lines.append(f"  claim: {claim}")
    return "\n".join([*lines, "  editor: The editors", "  date: 2026-11-21"]) + "\n"


def make_small_site(root: Path, rng: random.Random) -> None:
    (root / "content/articles").mkdir(parents=True)
    (root / "content/actors").mkdir()
    (root / "content/annotations").mkdir()
    (root / "site.yaml").write_text(textwrap.dedent("""\
        title: Small site
        description: A site for incremental tests.
        base_url: https://example.org/small/
        language: en
        link_mentions: first
        unlinked_phrases: [Latin America]
        stances:
          pro: {label: For, description: Argues for.}
          contra: {label: Against, description: Argues against.}
        """))
    for actor_id, (name, kind, aliases) in ACTORS.items():
        write_actor(root, actor_id, name, kind, aliases, "An actor.")
    (root / "content/claims.yaml").write_text(
        "advisers:\n  title: Advisers were sent\n  description: How many.\n"
        "aircraft:\n  title: Aircraft landed\n  description: How many.\n")
    (root / "content/about.md").write_text("---\ntitle: About\nmenu: About\n---\nAbout this site.\n")
    for n in range(1, 6):
        slug = f"article-{n}"
        (root / f"content/articles/{slug}.md").write_text(article_text(rng, f"Article {n}", n))
        add_annotation(root, slug, rng)
    shutil.copytree(PROJECT / "templates", root / "templates")
    # Keep the site independent of serve-only helpers other work may add to the project's static folder.
    for extra in (root / "templates/static").glob("*-dev.js"):
        extra.unlink()


def write_actor(root: Path, actor_id: str, name: str, kind: str, aliases: list[str], text: str) -> None:
    (root / f"content/actors/{actor_id}.md").write_text(
        f"---\nname: {name}\nkind: {kind}\naliases: [{', '.join(aliases)}]\nrole: A role\n---\n{text}\n")


def body_sentences(root: Path, slug: str) -> list[str]:
    body = (root / f"content/articles/{slug}.md").read_text().split("---\n", 2)[2]
    return [s.strip() + "." for p in body.split("\n\n") for s in p.split(".") if s.strip()]


def add_annotation(root: Path, slug: str, rng: random.Random, quote: str | None = None) -> None:
    path = root / f"content/annotations/{slug}.yaml"
    existing = path.read_text() if path.exists() else ""
    sentences = [s for s in body_sentences(root, slug) if body_sentences(root, slug).count(s) == 1]
    if not sentences and quote is None:
        return
    note_id = f"n{rng.randint(1, 10**6)}"
    kind = rng.choice(KINDS)
    claim = rng.choice([None, None, "advisers", "aircraft"])
    path.write_text(existing + annotation(note_id, quote or rng.choice(sentences), kind, claim))


# --- the edits -------------------------------------------------------------------------------


def articles(root: Path) -> list[Path]:
    return sorted((root / "content/articles").glob("*.md"))


def edit_body(root: Path, rng: random.Random) -> str:
    path = rng.choice(articles(root))
    head, body = path.read_text().rsplit("---\n", 1)
    paragraphs = body.strip().split("\n\n")
    where = rng.randrange(len(paragraphs) + 1)
    roll = rng.random()
    if roll < 0.3:  # words after the last mention: mentions stay, their snippets change
        paragraphs[where % len(paragraphs)] += f" And {rng.randint(1, 99)} more words."
    elif roll < 0.6 and len(paragraphs) > 1:
        paragraphs[where % len(paragraphs)] = paragraph(rng)  # may orphan a note: a warning
    else:
        paragraphs.insert(where, paragraph(rng))  # shifts the paragraph numbers after it
    path.write_text(head + "---\n" + "\n\n".join(paragraphs) + "\n")
    return f"body of {path.stem}"


def edit_front_matter(root: Path, rng: random.Random) -> str:
    path = rng.choice(articles(root))
    text = path.read_text()
    change = rng.choice(["title", "date", "stance", "summary", "actors", "unknown field"])
    if change == "title":
        text = text.replace("title: ", f"title: Retitled {rng.randint(1, 99)} ", 1)
    elif change == "date":
        head, rest = text.split("date: ", 1)
        text = head + f"date: 2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}" + rest[10:]
    elif change == "stance":
        text = text.replace("stance: pro", "stance: TMP").replace("stance: contra", "stance: pro").replace("stance: TMP", "stance: contra")
    elif change == "summary":
        text = text.replace("summary: ", f"summary: Revised ({rng.randint(1, 99)}). ", 1)
    elif change == "unknown field":  # a warning, reported by every later build until removed
        text = text.replace("colour: blue\n", "") if "colour:" in text else text.replace("summary:", "colour: blue\nsummary:", 1)
    elif "actors:" not in text:
        text = text.replace("stance_note:", f"actors: [{rng.choice(list(ACTORS))}]\nstance_note:", 1)
    path.write_text(text)
    return f"{change} of {path.stem}"


def add_article(root: Path, rng: random.Random) -> str:
    slug = f"new-{rng.randint(1, 10**6)}"
    (root / f"content/articles/{slug}.md").write_text(article_text(rng, f"New {slug}", rng.randint(1, 28)))
    if rng.random() < 0.6:
        add_annotation(root, slug, rng)
    return f"new article {slug}"


def remove_article(root: Path, rng: random.Random) -> str:
    if len(articles(root)) <= 2:
        return add_article(root, rng)
    path = rng.choice(articles(root))
    path.unlink()
    notes = root / f"content/annotations/{path.stem}.yaml"
    if notes.exists() and rng.random() < 0.8:  # else: notes for an unknown article, an error until re-added
        notes.unlink()
    return f"removed {path.stem}"


def rename_article(root: Path, rng: random.Random) -> str:
    path = rng.choice(articles(root))
    new = path.with_name(f"renamed-{rng.randint(1, 10**6)}.md")
    path.rename(new)
    notes = root / f"content/annotations/{path.stem}.yaml"
    if notes.exists():
        notes.rename(notes.with_name(f"{new.stem}.yaml"))
    return f"renamed {path.stem} to {new.stem}"


def edit_annotations(root: Path, rng: random.Random) -> str:
    path = rng.choice(articles(root))
    notes = root / f"content/annotations/{path.stem}.yaml"
    action = rng.choice(["add", "add", "break", "fix", "note", "ambiguous", "invalid"])
    if action == "add" or not notes.exists():
        add_annotation(root, path.stem, rng)
    elif action == "break":
        notes.write_text(notes.read_text().replace("quote: '", "quote: 'Nowhere ", 1))
    elif action == "fix":
        fix_annotations(root)
    elif action == "invalid":  # a kind that does not exist: an error of the validate stage until fixed
        notes.write_text(notes.read_text().replace("kind: ", "kind: opinion-", 1))
    elif action == "note":
        notes.write_text(notes.read_text().replace("note: A note", f"note: A *revised* note ({rng.randint(1, 99)})", 1))
    else:  # a quote found twice: an error until the next edit removes or changes it
        add_annotation(root, path.stem, rng, quote=".")
    return f"{action} annotation of {path.stem}"


def fix_annotations(root: Path) -> None:
    """Undo what the other edits break: quotes not found, quotes found twice, unknown kinds, notes of removed articles."""
    slugs = {p.stem for p in articles(root)}
    for notes in (root / "content/annotations").glob("*.yaml"):
        if notes.stem not in slugs:
            notes.unlink()
            continue
        items = notes.read_text().replace("quote: 'Nowhere ", "quote: '").replace("kind: opinion-", "kind: ").split("- id: ")
        notes.write_text("- id: ".join(item for item in items if "quote: '.'" not in item))


def edit_actor(root: Path, rng: random.Random) -> str:
    actor_id = rng.choice(list(ACTORS))
    path = root / f"content/actors/{actor_id}.md"
    name, kind, aliases = ACTORS[actor_id]
    change = rng.choice(["alias", "name", "role", "text", "new"])
    text = path.read_text()
    if change == "alias":
        aliases = [a for a in aliases if rng.random() < 0.7] + (["Caracas"] if actor_id == "maduro" else [])
        text = text.replace(text.split("aliases: ", 1)[1].split("\n", 1)[0], f"[{', '.join(dict.fromkeys(aliases))}]")
        if actor_id == "maduro":  # 'Caracas' moves from venezuela to maduro
            venezuela = root / "content/actors/venezuela.md"
            venezuela.write_text(venezuela.read_text().replace("aliases: [Caracas]", "aliases: []"))
    elif change == "name":
        text = text.replace(f"name: {name}", f"name: {name} Jr", 1)
    elif change == "role":
        text = text.replace("role: A role", f"role: Role {rng.randint(1, 99)}")
    elif change == "text":
        text = text.rstrip() + f" More about it ({rng.randint(1, 99)}).\n"
    else:
        new_id = f"actor-{rng.randint(1, 10**6)}"
        write_actor(root, new_id, f"Person {new_id}", "person", [f"Envoy{new_id[-3:]}"], "New.")
        return f"new actor {new_id}"
    path.write_text(text)
    return f"{change} of actor {actor_id}"


def edit_claims(root: Path, rng: random.Random) -> str:
    path = root / "content/claims.yaml"
    path.write_text(path.read_text().replace("title: Advisers were sent", f"title: Advisers were sent ({rng.randint(1, 99)})", 1)
                    .replace("description: How many.", f"description: How many, again {rng.randint(1, 99)}.", 1))
    return "claims"


def edit_site(root: Path, rng: random.Random) -> str:
    path = root / "site.yaml"
    text = path.read_text()
    if rng.random() < 0.5:
        text = text.replace("link_mentions: first", "link_mentions: TMP").replace("link_mentions: all", "link_mentions: first") \
            .replace("link_mentions: TMP", "link_mentions: all")
    else:
        text = text.replace("title: Small site", f"title: Small site {rng.randint(1, 99)}", 1)
    path.write_text(text)
    return "site.yaml"


def edit_template(root: Path, rng: random.Random) -> str:
    choice = rng.choice(["actor.html", "article.html", "base.html", "static/reader.css"])
    path = root / "templates" / choice
    if choice.endswith(".css"):
        path.write_text(path.read_text() + f"\n/* edit {rng.randint(1, 99)} */\n")
    else:
        text = path.read_text()
        path.write_text(text.replace("</main>", f"<!-- edit {rng.randint(1, 99)} --></main>", 1) if "</main>" in text
                        else text + f"{{# edit {rng.randint(1, 99)} #}}\n")
    return f"template {choice}"


EDITS = [edit_body] * 6 + [edit_front_matter] * 4 + [edit_annotations] * 5 + [edit_actor] * 3 + [
    add_article, remove_article, rename_article, edit_claims, edit_site, edit_template]


# --- the check -------------------------------------------------------------------------------


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def folders_of(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def clean_build(root: Path, out: Path):
    result = build_outputs(root, BASE_URL)
    if result.outputs and not result.diagnostics.errors:
        shutil.rmtree(out, ignore_errors=True)
        write_site(result.outputs, out)
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_step_of_a_random_edit_sequence_equals_a_clean_build(tmp_path, seed, capsys):
    rng = random.Random(seed)
    root = tmp_path / "site"
    make_small_site(root, rng)
    served, clean = tmp_path / "served", tmp_path / "clean"
    session = DevBuild(root, served, BASE_URL, Channel())
    assert session.rebuild(), capsys.readouterr().err
    partial_steps = failed_steps = 0
    sources = snapshot(watched_paths(root))
    for step in range(45):
        what = rng.choice(EDITS)(root, rng)
        before = files_of(served)
        now = snapshot(watched_paths(root))  # tell the build what changed, as serve's watcher does
        changed = sorted(p for p in now.keys() | sources.keys() if now.get(p) != sources.get(p))
        sources = now
        ok = session.rebuild(changed)
        reported = capsys.readouterr().err.replace("rebuild failed; still serving the last good site\n", "")
        expected = clean_build(root, clean)
        context = f"seed {seed}, step {step}: {what}"
        assert ok == (not expected.diagnostics.errors), f"{context}: {reported}"
        report(expected.diagnostics)  # the caches of parsed and validated files replay their problems
        assert reported == capsys.readouterr().err, f"{context}: not the clean build's diagnostics"
        failed_steps += not ok
        if ok:
            assert files_of(served) == files_of(clean), context
            assert folders_of(served) == folders_of(clean), f"{context}: empty folders left"
            made = session.builder.last
            partial_steps += not made.full and len(made.made) < len(expected.outputs)
        else:
            assert files_of(served) == before, f"{context}: a failed build changed the output"
            if failed_steps % 4 == 3:
                fix_annotations(root)  # do not let one error hide every later step (the next step sees it)
    print(f"seed {seed}: {partial_steps} incremental steps, {failed_steps} failed builds")
    assert partial_steps >= 15, "too few steps were incremental for this test to prove anything"


def test_a_failed_build_then_its_revert_makes_no_page_and_writes_no_file(tmp_path):
    rng = random.Random(3)
    root = tmp_path / "site"
    make_small_site(root, rng)
    out = tmp_path / "out"
    session = DevBuild(root, out, BASE_URL, Channel())
    assert session.rebuild()
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    article = articles(root)[0]
    original = article.read_text()
    article.write_text(original.replace("stance: ", "stance: nonsense-", 1))
    assert not session.rebuild()
    article.write_text(original)
    assert session.rebuild()
    assert session.builder.last.changes == []
    assert [u for u in session.builder.last.made if u.endswith(("/", ".html")) or u == ""] == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps


def test_an_edit_to_one_article_makes_only_the_pages_that_read_it(tmp_path):
    rng = random.Random(4)
    root = tmp_path / "site"
    make_small_site(root, rng)
    build = IncrementalBuild(root, BASE_URL)
    build.build()
    path = root / "content/articles/article-3.md"
    path.write_text(path.read_text().replace("summary: About", "summary: Still about"))
    build.build()
    pages = {u for u in build.last.made if u.endswith("/") or u == ""}
    assert build.last.changes == ["front matter: article-3"]
    assert build.last.relinked == ["article-3"]
    assert "articles/article-3/" in pages and "" in pages  # the article and the home page list the summary
    named = {actor_id for actor_id, _ in build.state.linked.counts["article-3"]}
    actor_pages = {u.split("/")[1] for u in pages if u.startswith("actors/") and u != "actors/"}
    assert actor_pages <= named  # an actor page lists the article only if the article names the actor
    assert len(actor_pages) < len(ACTORS) or len(named) == len(ACTORS)
    assert not any(u.startswith("claims/") and u != "claims/" for u in pages) or any(
        n.annotation.claim for n in build.state.linked.notes["article-3"])


def test_a_static_file_alone_skips_the_content_unless_a_template_includes_it(tmp_path):
    rng = random.Random(5)
    root = tmp_path / "site"
    make_small_site(root, rng)
    build = IncrementalBuild(root, BASE_URL)
    build.build()
    css = root / "templates/static/reader.css"
    css.write_text(css.read_text() + "/* edited */\n")
    result = build.build([css])
    assert build.last.relinked == [] and build.last.changes == []  # content was not even loaded
    assert {o.url: o.data for o in result.outputs} == {o.url: o.data for o in build_outputs(root, BASE_URL).outputs}

    icon = root / "templates/static/icon.svg"
    icon.write_text("<svg><title>one</title></svg>")
    footer = root / "templates/base.html"
    footer.write_text(footer.read_text().replace("</footer>", "{% include 'static/icon.svg' %}</footer>", 1))
    build.build([icon, footer])
    icon.write_text("<svg><title>two</title></svg>")
    result = build.build([icon])
    assert build.last.full == "templates changed"
    assert b"<title>two</title>" in next(o.data for o in result.outputs if o.url == "")


@pytest.mark.parametrize("seed", [4])
def test_serve_writes_the_pages_at_once_and_the_search_index_when_it_is_ready(tmp_path, seed, capsys):
    """Serve's search index comes after the pages (Pagefind re-reads every page): right after a rebuild
    the pages are new and pagefind/ is the previous index; once the worker is done, the folder equals a
    clean build. Two rebuilds in a row: the first one's index is dropped, the second one's is written."""
    rng = random.Random(seed)
    root, served, clean = tmp_path / "site", tmp_path / "served", tmp_path / "clean"
    make_small_site(root, rng)

    def split(files):
        index = {k: v for k, v in files.items() if k.startswith("pagefind/")}
        return {k: v for k, v in files.items() if k not in index}, index

    async def until_indexed(expected, seconds=60.0):
        for _ in range(int(seconds / 0.05)):
            if files_of(served) == expected:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the search index was not written within {seconds} s")

    async def session_steps():
        session = DevBuild(root, served, BASE_URL, Channel(), index_in_background=True)
        assert session.rebuild(), capsys.readouterr().err
        for step in range(6):
            _, old_index = split(files_of(served))
            edits = [rng.choice(EDITS)(root, rng) for _ in range(1 + step % 2)]
            oks = [session.rebuild() for _ in edits] if step % 2 else [session.rebuild()]
            expected = clean_build(root, clean)
            if not oks[-1]:
                fix_annotations(root)
                continue
            pages, index = split(files_of(served))
            assert pages == split(files_of(clean))[0], f"step {step}: {edits}"
            assert index == old_index, f"step {step}: the index was written before the pages were served"
            await until_indexed(files_of(clean))

    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # an event loop of its own: the browser tests'
        thread.submit(asyncio.run, session_steps()).result()  # Playwright may hold one open in this thread
