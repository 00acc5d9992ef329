"""The forked screening pool ends when its caller stops taking blocks, whatever the workers are doing and
whatever this process has made of SIGTERM (CI once hung here for 15 minutes, in a test process that had run
Dagster jobs)."""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time

from fast_pipeline.screening.parallel import screen_blocks

PATIENCE = 20  # seconds before the test kills the workers itself and fails


class _ScreenerStuckOnOneBlock:
    """Stands in for the index: each query has no hits, but the block holding "stuck" never comes back, as a
    worker stuck in a library would not."""

    parties = ()

    def screen(self, queries):
        while "stuck" in queries:
            time.sleep(0.05)
        return [[] for _ in queries]


def test_the_pool_ends_when_the_caller_stops_while_a_worker_is_busy():
    killed = []

    def kill_the_workers():
        for worker in multiprocessing.active_children():
            killed.append(worker.pid)
            worker.kill()

    def recording(signum, frame):  # what Dagster installs for SIGTERM while a job runs in this process
        pass

    previous = signal.signal(signal.SIGTERM, recording)
    watchdog = threading.Timer(PATIENCE, kill_the_workers)
    try:
        watchdog.start()
        blocks = screen_blocks(_ScreenerStuckOnOneBlock(), [["a"], ["stuck"], ["b"]], workers=2)
        assert next(blocks) == [[]]
        assert signal.getsignal(signal.SIGTERM) is recording  # given back to this process once forked
        started = time.monotonic()
        blocks.close()  # the writer failed, or was interrupted: the stuck worker must go with the pool
        waited = time.monotonic() - started
    finally:
        watchdog.cancel()
        signal.signal(signal.SIGTERM, previous)
    assert not killed, f"the pool waited for its workers until the test killed them ({PATIENCE} s)"
    assert waited < 5


def test_the_workers_screen_every_block_in_order():
    """With no worker stuck, every block comes back, in the order given."""
    sizes = [3, 0, 1, 2]
    blocks = [["q"] * n for n in sizes]
    assert [len(hits) for hits in screen_blocks(_ScreenerStuckOnOneBlock(), blocks, workers=2)] == sizes
