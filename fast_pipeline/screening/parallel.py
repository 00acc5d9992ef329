"""Blocks of a counterparty file screened on several cores while the main process writes the output.

The workers are forked once the index is built, so they share it (and the file's rows) instead of building
or receiving it; each returns its block's hits as plain tuples naming parties by position, and the main
process, which holds the same parties, makes them `Hit`s again. Blocks come back in file order. Where
`fork` is not available, or for one block or one worker, blocks are screened in this process.

The pool ends by terminating its workers (SIGTERM) when the caller stops taking blocks, and the workers take
SIGTERM's default action whatever this process had installed for it. Dagster maps SIGTERM to
KeyboardInterrupt in a process that has run a job, and to a handler that only records it during one; a worker
that inherits either lets a Python handler decide, which never happens while it is stuck in native code, and
the pool then waits for it for ever (a CI run hung so, in a test process that had run Dagster jobs).
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from fast_pipeline.screening.engine import Hit, Query, Screener

_SHARED: tuple[Screener, Sequence[Sequence[Query]], dict[int, int]] | None = None  # set before the fork


def _worker_started() -> None:
    """In a worker, before its first block: SIGTERM ends it (see the module's docstring)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def _sigterm_default():
    """SIGTERM's default action while the workers are forked, so that they have it from their first
    instruction, before `_worker_started` runs (signals can be set from the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _screen_block(number: int) -> list[list[tuple]]:
    screener, blocks, position = _SHARED
    return [[_plain(h, position) for h in hits] for hits in screener.screen(blocks[number])]


def _plain(hit: Hit, position: dict[int, int]) -> tuple:
    """A hit as its fields in `Hit`'s order, the party given by its position in the index."""
    return (position[id(hit.party)], hit.score, hit.matched_name, hit.reasons, hit.excluded_by_identifier,
            hit.name_score, hit.by_identifier)  # fmt: skip


def screen_blocks(screener: Screener, blocks: Sequence[Sequence[Query]], workers: int = 1) -> Iterator[list[list[Hit]]]:
    """Each block's hits (one list per query, as `Screener.screen` gives them), in order."""
    if workers <= 1 or len(blocks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for block in blocks:
            yield screener.screen(block)
        return
    global _SHARED
    _SHARED = (screener, blocks, {id(p): i for i, p in enumerate(screener.parties)})
    try:
        with _sigterm_default():
            pool = multiprocessing.get_context("fork").Pool(min(workers, len(blocks)), initializer=_worker_started)
        with pool:
            for found in pool.imap(_screen_block, range(len(blocks))):
                yield [[Hit(screener.parties[i], *rest) for i, *rest in hits] for hits in found]
    finally:
        _SHARED = None
