"""Serve's builds and Python's cycle collector: paused during a build, then the build's cyclic
garbage collected and its survivors frozen, with the collector on again (reader/collector.py)."""
from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import shutil
import weakref
from pathlib import Path

import pytest

from reader import collector
from reader.devserver import Channel
from reader.serve import DevBuild

TINY = Path(__file__).parent / "sites" / "tiny"


@pytest.fixture(autouse=True)
def collector_restored():
    gc.enable()
    yield
    gc.unfreeze()  # hand frozen objects back, so that later tests' collections see them
    gc.enable()


class Node:
    def __init__(self) -> None:
        self.me = self


def test_a_build_s_cyclic_garbage_is_collected_not_frozen():
    resume = collector.pause()
    garbage = Node()
    gone = weakref.ref(garbage)
    kept = Node()
    del garbage
    assert not gc.isenabled() and gone() is not None  # nothing collects while a build runs
    collector.settle(resume)
    assert gone() is None
    assert gc.is_finalized(kept) is False and gc.get_freeze_count() > 0 and gc.isenabled()


def test_serve_rebuild_without_an_event_loop_settles_at_once(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(TINY, site)
    gc.unfreeze()
    assert DevBuild(site, tmp_path / "out", "http://127.0.0.1:8000/", Channel()).rebuild()
    assert gc.isenabled() and gc.get_freeze_count() > 0


def test_serve_rebuild_in_the_event_loop_settles_once_the_loop_is_free(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(TINY, site)
    session = DevBuild(site, tmp_path / "out", "http://127.0.0.1:8000/", Channel())

    async def edit_then_yield() -> tuple[bool, bool]:
        session.settle_soon = asyncio.get_running_loop().call_soon  # as serve does
        gc.unfreeze()
        assert session.rebuild()
        during = gc.isenabled() or gc.get_freeze_count() > 0
        await asyncio.sleep(0)
        return during, gc.isenabled() and gc.get_freeze_count() > 0

    with concurrent.futures.ThreadPoolExecutor(1) as thread:  # an event loop of its own: the browser tests'
        during, after = thread.submit(asyncio.run, edit_then_yield()).result()  # Playwright may hold one here
    assert (during, after) == (False, True)
