"""Dagster's local compute logs (each step's stdout and stderr, shown in the UI), kept without a terminal mirror.

Dagster's `LocalComputeLogManager` redirects the process's stdout and stderr into the step's log files and,
to echo them back on the terminal, starts four processes for every captured step: a `tail -F` per stream
and a Python interpreter that watches each tail for being orphaned. With the in-process executor that is
once per run: 60 process starts in a cold build of the saved editions, thousands in the test suite, and a
wait for each to be terminated when the run ends.

This subclass captures into the same files, in the same layout (the UI and a history written by either
class read the same), and leaves out the mirror. Nothing is lost on the terminal: a build prints its own
one-line reports there, and the run's log (and its step's output) is in the UI.
"""

from __future__ import annotations

import sys
from collections.abc import Generator, Sequence
from contextlib import contextmanager

from dagster._core.execution.compute_logs import redirect_to_file
from dagster._core.storage.compute_log_manager import CapturedLogContext, ComputeIOType
from dagster._core.storage.local_compute_log_manager import IO_TYPE_EXTENSION, LocalComputeLogManager
from dagster._utils import ensure_file, touch_file


class FileComputeLogManager(LocalComputeLogManager):
    """Step output to the step's files only (see the module's docstring)."""

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> FileComputeLogManager:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def capture_logs(self, log_key: Sequence[str]) -> Generator[CapturedLogContext, None, None]:
        out_path = self.get_captured_local_path(log_key, IO_TYPE_EXTENSION[ComputeIOType.STDOUT])
        err_path = self.get_captured_local_path(log_key, IO_TYPE_EXTENSION[ComputeIOType.STDERR])
        ensure_file(out_path)
        ensure_file(err_path)
        with redirect_to_file(sys.stdout, out_path), redirect_to_file(sys.stderr, err_path):
            yield CapturedLogContext(log_key)
        touch_file(self.complete_artifact_path(log_key))  # what tells the UI that the capture is complete
