"""The parse-ahead worker fills the parse cache with exactly what a run would have parsed, and a file it
cannot parse is left for the run to report."""

from __future__ import annotations

import multiprocessing
import os

import pandas as pd

from fast_pipeline.core import parse_ahead
from fast_pipeline.core.acquire import acquire
from fast_pipeline.core.archive import Archive
from fast_pipeline.core.parsing import parse_file_cached
from fast_pipeline.sources.registry import get_source
from fast_pipeline_tests.conftest import SHARED_SOURCES

SID = "br_mte_lista_suja"
EDITIONS = ["2026-08-02_csv", "2026-08-03_csv", "2023-03-09_txt"]


def test_the_worker_parses_the_pending_editions_as_a_run_would(tmp_path, monkeypatch):
    monkeypatch.delenv(parse_ahead.ENV, raising=False)
    archive = Archive(tmp_path / "archive")
    assert acquire(get_source(SID), archive, mirror=SHARED_SOURCES).ok
    todo = [(SID, e) for e in EDITIONS]
    # the object of one edition is damaged: the worker goes on with the others
    broken = archive.source_files(SID, "2026-08-02_csv")[0]
    broken.path.chmod(0o644)
    broken.path.write_bytes(b"not the list")
    assert parse_ahead.wanted(todo) == (len(os.sched_getaffinity(0)) > 1)
    monkeypatch.setattr(parse_ahead, "wanted", lambda editions: True)  # on a 1-core machine too
    with parse_ahead.parsing_ahead(tmp_path / "archive", tmp_path / "cache", todo):
        pass  # the build's runs would go here; leaving asks the worker to stop after its current file
    cached = sorted(p.name for p in (tmp_path / "cache" / "parsed" / SID).glob("*.parquet"))
    assert len(cached) <= 2 and not list((tmp_path / "cache").rglob(".parse-*"))  # stopped, no torn file
    # run the worker to the end, then every good file is there and is what a fresh parse gives
    parse_ahead.parse_editions(str(tmp_path / "archive"), str(tmp_path / "cache"), todo, _NeverStop())
    source = get_source(SID)
    for edition in EDITIONS[1:]:
        for file in archive.source_files(SID, edition):
            from_cache, hit = parse_file_cached(source, file, tmp_path / "cache")
            fresh, fresh_hit = parse_file_cached(source, file, tmp_path / "elsewhere")
            assert hit and not fresh_hit
            pd.testing.assert_frame_equal(from_cache, fresh)
    assert not any(tmp_path.joinpath("cache", "parsed", SID).glob(f"{broken.sha256}-*"))
    # what is left for a worker: the edition it could not parse; with nothing left, none is started
    assert parse_ahead.unparsed(tmp_path / "archive", tmp_path / "cache", todo) == [(SID, "2026-08-02_csv")]
    done = [(SID, e) for e in EDITIONS[1:]] * 2  # as many as a worker would repay, all parsed
    monkeypatch.setattr(parse_ahead, "wanted", lambda editions: len(editions) >= parse_ahead.MIN_EDITIONS)
    before = set(multiprocessing.active_children())
    with parse_ahead.parsing_ahead(tmp_path / "archive", tmp_path / "cache", done):
        assert set(multiprocessing.active_children()) == before
    with parse_ahead.parsing_ahead(tmp_path / "archive", tmp_path / "no-cache", done):
        started = set(multiprocessing.active_children()) - before
    assert [worker.name for worker in started] == ["fast-pipeline parse-ahead"]  # the same, not parsed yet


def test_it_can_be_turned_off_and_skips_small_builds(monkeypatch):
    todo = [(SID, e) for e in EDITIONS]
    monkeypatch.setenv(parse_ahead.ENV, "0")
    assert not parse_ahead.wanted(todo)
    monkeypatch.setenv(parse_ahead.ENV, "1")
    assert not parse_ahead.wanted(todo[: parse_ahead.MIN_EDITIONS - 1])


class _NeverStop:
    def is_set(self) -> bool:
        return False
