"""Two writers at once: the archive's manifest loses no row, and the data directory admits one writer."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from pathlib import Path

import pytest

from fast_pipeline.core.archive import Archive, ManifestRow
from fast_pipeline_tests.conftest import SHARED_SOURCES

EDITIONS_EACH = 100


def _archive_editions(root: str, writer: int, start) -> None:
    """One process: archive EDITIONS_EACH one-file editions, as fast as it can."""
    archive = Archive(Path(root))
    start.wait()
    for n in range(EDITIONS_EACH):
        data = f"writer {writer} edition {n}\n".encode()
        sha = hashlib.sha256(data).hexdigest()
        tmp = Path(root) / f".tmp-{writer}-{n}"
        tmp.write_bytes(data)
        archive.store_object(tmp, sha, source_id="fake", file_name="list.csv")
        archive.add_edition(
            [
                ManifestRow(
                    source_id="fake",
                    edition=f"2026-01-01_w{writer}_{n:03d}",
                    file_name="list.csv",
                    file_format="csv",
                    sha256=sha,
                    size=len(data),
                    retrieved_at="2026-01-01T00:00:00Z",
                    origin="mirror",
                )
            ]
        )


def test_two_processes_archiving_at_once_lose_no_manifest_row(tmp_path):
    root = tmp_path / "archive"
    root.mkdir()
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=_archive_editions, args=(str(root), w, start)) for w in (1, 2)]
    for p in workers:
        p.start()
    start.set()
    for p in workers:
        p.join(120)
        assert p.exitcode == 0
    rows = Archive(root).rows()
    assert len(rows) == 2 * EDITIONS_EACH
    assert len({r.edition for r in rows}) == 2 * EDITIONS_EACH


def test_a_torn_last_line_is_dropped_before_the_next_append(tmp_path):
    """A crash in the middle of an append leaves a partial last row; it was never recorded, and the next
    append must not glue a row onto it."""
    root = tmp_path / "archive"
    _archive_editions_inline(root, 0, 2)
    good = root.joinpath("manifest.jsonl").read_bytes()
    root.joinpath("manifest.jsonl").write_bytes(good + b'{"source_id": "fake", "edi')
    assert len(Archive(root).rows()) == 2  # the partial row is not an edition
    _archive_editions_inline(root, 1, 1)
    assert len(Archive(root).rows()) == 3
    assert root.joinpath("manifest.jsonl").read_bytes().startswith(good)


def _archive_editions_inline(root: Path, writer: int, count: int) -> None:
    root.mkdir(exist_ok=True)

    class _Go:
        def wait(self):
            pass

    global EDITIONS_EACH
    saved, EDITIONS_EACH = EDITIONS_EACH, count
    try:
        _archive_editions(str(root), writer, _Go())
    finally:
        EDITIONS_EACH = saved


def test_the_data_directory_admits_one_writer(tmp_path):
    from fast_pipeline.core.errors import PipelineError
    from fast_pipeline.core.locks import writer_lock

    ctx = multiprocessing.get_context("spawn")
    held, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(tmp_path), held, release))
    holder.start()
    try:
        assert held.wait(60)
        with pytest.raises(PipelineError) as info, writer_lock(tmp_path, "build", wait=0.5):
            pass
        assert f"pid {holder.pid}" in info.value.message and "FAST_LOCK_WAIT" in info.value.message
    finally:
        release.set()
        holder.join(60)
    with writer_lock(tmp_path, "build", wait=0):  # free again once the holder is done
        assert os.getpid() == int(_lock_pid(tmp_path))


def _hold_lock(data_dir: str, held, release) -> None:
    from fast_pipeline.core.locks import writer_lock

    with writer_lock(Path(data_dir), "build", wait=0):
        held.set()
        release.wait(60)


def _lock_pid(data_dir: Path) -> str:
    import json

    return json.loads((data_dir / "state" / "writer.lock").read_text())["pid"]


def _hold_warehouse(path: str, held, release) -> None:
    """A writer holding DuckDB's file lock, as a build does while dbt runs."""
    import duckdb

    con = duckdb.connect(path)
    con.execute("create schema if not exists raw")
    held.set()
    release.wait(60)
    con.close()


@pytest.fixture
def holding(tmp_path):
    """Start a helper process holding something until the test ends: `holding(target, arg)` -> its pid."""
    ctx = multiprocessing.get_context("spawn")
    started = []

    def start(target, arg: str) -> int:
        held, release = ctx.Event(), ctx.Event()
        proc = ctx.Process(target=target, args=(arg, held, release))
        proc.start()
        started.append((proc, release))
        assert held.wait(60)
        return proc.pid

    yield start
    for proc, release in started:
        release.set()
        proc.join(60)


def test_a_second_build_is_one_line_naming_the_first(tmp_path, holding):
    from fast_pipeline_tests.support.cli import run_cli

    pid = holding(_hold_lock, str(tmp_path))
    env = {"FAST_LOCK_WAIT": "0.5", "FAST_SOURCE_MIRROR": str(SHARED_SOURCES)}  # never the network
    run = run_cli("build", "--source", "us_dol_eo13126", data_dir=tmp_path, env=env)
    run.one_line_error(f"pid {pid}", "`build`", "one writer at a time")


def test_readers_during_a_build_say_so_in_one_line_or_read_the_releases(tmp_path, holding):
    """`sources` and `diff` read the warehouse read-only and, while a build holds it, say so in one line;
    `releases` reads only the releases' own files, so it works throughout."""
    from fast_pipeline_tests.support.cli import run_cli

    pid = holding(_hold_warehouse, str(tmp_path / "warehouse.duckdb"))
    run_cli("sources", data_dir=tmp_path).one_line_error(f"pid {pid}", "warehouse is in use", "try again")
    releases = run_cli("releases", data_dir=tmp_path)
    assert releases.code == 0 and "Traceback" not in releases.stderr


def test_an_acquisition_run_from_the_ui_waits_for_the_writer_then_says_who(tmp_path, holding, monkeypatch):
    from dagster import materialize

    from fast_pipeline.orchestration.resources import PipelineResource
    from fast_pipeline.orchestration.source_assets import build_source_definitions
    from fast_pipeline.sources.registry import get_source

    monkeypatch.setenv("FAST_LOCK_WAIT", "0.5")
    (acquisition,) = [
        a for a in build_source_definitions(get_source("us_dol_eo13126")).assets if a.key.path[-1] == "acquisition"
    ]
    resource = PipelineResource(data_dir=str(tmp_path), mirror=str(SHARED_SOURCES))
    pid = holding(_hold_lock, str(tmp_path))
    result = materialize([acquisition], resources={"pipeline": resource}, raise_on_error=False)
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert f"pid {pid}" in str(failure.event_specific_data.error.message)
    assert not (tmp_path / "archive" / "manifest.jsonl").exists()
