"""Parse the editions a build is about to process in a second process, ahead of their Dagster runs.

A build processes its editions one Dagster run at a time, in one process, and most of a run is not
parsing (loading the definitions, recording events, validating, writing the warehouse). Parsing is a pure
function of an archived file and the parser version, and its result is cached by both (core.parsing): a
worker process that fills that cache, in the order the runs will ask for it, takes the parsers' work (a
PDF edition is a second of it) onto another core. A run whose parse is not there yet parses the file itself,
as it always did; the cache is written whole, by rename, so neither ever reads the other's half-written
file. A parse that fails in the worker is left for the run to fail on, with its own error report.

The worker is a fresh interpreter (spawn: the build process already holds Dagster's and DuckDB's state),
so it pays its imports once (pandas, Pandera, the parsers: 2-3 s of CPU); it is only started for builds
with enough editions not parsed yet to repay them (a build whose parses are all cached has nothing for it)
and a core to spare, and `FAST_PARSE_AHEAD=0` turns it off.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

MIN_EDITIONS = 3  # fewer: the worker's start-up (an interpreter, pandas) costs more than it saves
ENV = "FAST_PARSE_AHEAD"
STOP_WAIT_S = 30


def wanted(editions: Sequence[tuple[str, str]]) -> bool:
    if os.environ.get(ENV, "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    return len(editions) >= MIN_EDITIONS and len(os.sched_getaffinity(0)) > 1


def unparsed(archive_dir: Path, cache_dir: Path, editions: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The editions (in order) with a file whose parse is not in the cache: what the worker would do. An
    edition the archive cannot list stays (its run reports why)."""
    from fast_pipeline.core.archive import Archive
    from fast_pipeline.core.errors import PipelineError
    from fast_pipeline.core.parse_cache import parsed_path
    from fast_pipeline.sources.registry import get_source

    archive, todo = Archive(Path(archive_dir)), []
    for source_id, edition in editions:
        try:
            source, files = get_source(source_id), archive.source_files(source_id, edition)
        except (PipelineError, KeyError):
            todo.append((source_id, edition))
            continue
        if not all(parsed_path(cache_dir, source, file).exists() for file in files):
            todo.append((source_id, edition))
    return todo


def parse_editions(archive_dir: str, cache_dir: str, editions: Sequence[tuple[str, str]], stop) -> None:
    """The worker: fill the parse cache for `editions` ((source, edition), in processing order), until
    `stop` is set (checked between files, so that no half-written cache file is left behind)."""
    from fast_pipeline.core.archive import Archive
    from fast_pipeline.core.parsing import parse_file_cached
    from fast_pipeline.sources.registry import get_source

    archive = Archive(Path(archive_dir))
    for source_id, edition in editions:
        with contextlib.suppress(Exception):  # the run reports it, with the source, file and reason
            source = get_source(source_id)
            for file in sorted(archive.source_files(source_id, edition), key=lambda f: f.file_name):
                if stop.is_set():
                    return
                parse_file_cached(source, file, Path(cache_dir))


@contextlib.contextmanager
def parsing_ahead(archive_dir: Path, cache_dir: Path, editions: Sequence[tuple[str, str]]) -> Iterator[None]:
    """Run the worker for the duration; at the end it is asked to stop after its current file (its work is
    moot by then), and ended if it does not within STOP_WAIT_S."""
    if wanted(editions):
        editions = unparsed(archive_dir, cache_dir, editions)
    if not wanted(editions):
        yield
        return
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    worker = context.Process(
        target=parse_editions,
        args=(str(archive_dir), str(cache_dir), list(editions), stop),
        name="fast-pipeline parse-ahead",
        daemon=True,
    )
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(STOP_WAIT_S)
        if worker.is_alive():
            worker.terminate()
            worker.join()
        worker.close()
