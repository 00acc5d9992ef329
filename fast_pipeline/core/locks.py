"""One writer per data directory: `build` and `verify` hold `data/state/writer.lock` while they run.

The lock is an `fcntl.flock` on that file, so the kernel drops it when the holder exits, however it exits;
the file's text (pid, command, since when) only tells the next writer whom it waited for. A second writer
waits `FAST_LOCK_WAIT` seconds (default 10), then stops with one line naming the holder's pid. Readers
(`sources`, `releases`, `diff`) take no lock: they read releases' files, or the warehouse read-only.

`locked_file` is the same flock on any file, for short critical sections (the archive's manifest appends).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from fast_pipeline.core.errors import LockError

DEFAULT_WAIT = 10.0
_held: dict[Path, int] = {}  # writer locks this process holds, with their depth (a build may call verify)


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / "state" / "writer.lock"


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {info['pid']} (`{info['command']}` since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process (pid not recorded yet)"


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise LockError(str(path), f"cannot write this lock file: {exc.strerror}") from None


@contextlib.contextmanager
def writer_lock(data_dir: Path, command: str, wait: float | None = None) -> Iterator[None]:
    """Hold the data directory's writer lock for `command`, waiting up to `wait` seconds for it."""
    path = lock_path(data_dir).resolve()
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    wait = DEFAULT_WAIT if wait is None else wait
    fd = _open(path)
    try:
        ends = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= ends:
                    raise LockError(
                        str(data_dir),
                        f"the data directory is being written by {_holder(path)}; one writer at a time: "
                        f"wait for it to finish (FAST_LOCK_WAIT={wait:g}s was not enough)",
                    ) from None
                time.sleep(0.1)
        since = datetime.now(UTC).replace(microsecond=0).isoformat()
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "command": command, "since": since}).encode(), 0)
        _held[path] = 1
        try:
            yield
        finally:
            del _held[path]
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked_file(path: Path) -> Iterator[None]:
    """An exclusive flock on `path` (created if missing) for the length of the block."""
    fd = _open(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
