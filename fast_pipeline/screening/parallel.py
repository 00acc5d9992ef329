"""Blocks of a counterparty file screened on several cores while the main process writes the output.

The workers are forked once the index is built, so they share it (and the file's rows) instead of building
or receiving it; each returns its block's hits as plain tuples naming parties by position, and the main
process, which holds the same parties, makes them `Hit`s again. Blocks come back in file order. Where
`fork` is not available, or for one block or one worker, blocks are screened in this process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator, Sequence

from fast_pipeline.screening.engine import Hit, Query, Screener

_SHARED: tuple[Screener, Sequence[Sequence[Query]], dict[int, int]] | None = None  # set before the fork


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
        with multiprocessing.get_context("fork").Pool(min(workers, len(blocks))) as pool:
            for found in pool.imap(_screen_block, range(len(blocks))):
                yield [[Hit(screener.parties[i], *rest) for i, *rest in hits] for hits in found]
    finally:
        _SHARED = None
