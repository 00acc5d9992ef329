"""Dagster's local compute logs (each run's stdout and stderr, shown in the UI), echoed without a process.

Dagster's `LocalComputeLogManager` redirects the process's stdout and stderr into the run's log files and,
to echo them live on the streams they were redirected from, starts four processes for every capture: a
`tail -F` per stream and a Python interpreter that watches each tail for being orphaned. With the
in-process executor that is once per run: 56 process starts in a cold build of the saved editions,
thousands in the test suite, and a wait for each to be terminated when the run ends.

This subclass captures into the same files, in the same layout (the UI, and a history written by either
class, read the same), and echoes what the run wrote when the capture ends instead of while it runs: to the
terminal, or wherever the caller pointed the stream (the build keeps dagster-dbt's echo of dbt's events in
`logs/dbt-build.log` that way).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator, Sequence
from contextlib import ExitStack, contextmanager

from dagster._core.execution.compute_logs import redirect_to_file
from dagster._core.storage.compute_log_manager import CapturedLogContext, ComputeIOType
from dagster._core.storage.local_compute_log_manager import IO_TYPE_EXTENSION, LocalComputeLogManager
from dagster._utils import ensure_file, touch_file


class FileComputeLogManager(LocalComputeLogManager):
    """Capture to the run's files, echo afterwards (see the module's docstring)."""

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> FileComputeLogManager:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def capture_logs(self, log_key: Sequence[str]) -> Generator[CapturedLogContext, None, None]:
        captures = [
            (stream, self.get_captured_local_path(log_key, IO_TYPE_EXTENSION[io_type]))
            for stream, io_type in ((sys.stdout, ComputeIOType.STDOUT), (sys.stderr, ComputeIOType.STDERR))
        ]
        with ExitStack() as echoes:
            for stream, path in captures:
                ensure_file(path)
                echoes.callback(_echo, stream, path, os.path.getsize(path))  # after the redirects end
            with ExitStack() as redirects:
                for stream, path in captures:
                    redirects.enter_context(redirect_to_file(stream, path))
                yield CapturedLogContext(log_key)
        touch_file(self.complete_artifact_path(log_key))  # what tells the UI that the capture is complete


def _echo(stream, path: str, start: int) -> None:
    """What the capture added to `path`, written to the stream it was redirected from."""
    with open(path, "rb") as captured:
        captured.seek(start)
        written = captured.read()
    if written:
        stream.write(written.decode("utf-8", errors="replace"))
        stream.flush()
