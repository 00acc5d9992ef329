"""Run `fast-pipeline` as a user does: a separate process, its own environment, stderr as they see it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from fast_pipeline_tests.conftest import REPO_ROOT


@dataclass
class CliRun:
    code: int
    stdout: str
    stderr: str

    def one_line_error(self, *expected: str) -> str:
        """The run failed with exactly one line on stderr, no traceback, containing every `expected`."""
        assert self.code != 0, (self.stdout, self.stderr)
        assert "Traceback" not in self.stderr + self.stdout, self.stderr
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, self.stderr
        for text in expected:
            assert text in lines[0], lines[0]
        return lines[0]


def run_cli(
    *args: str,
    data_dir: Path,
    env: dict[str, str] | None = None,
    timeout: float = 300,
    interpreter_options: tuple[str, ...] = (),
    **popen,
) -> CliRun:
    """`fast-pipeline ARGS` in a fresh interpreter (started with `interpreter_options`, e.g. `-X importtime`)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FAST_", "DAGSTER_"))}
    full = {**base, "FAST_DATA_DIR": str(data_dir), **(env or {})}
    done = subprocess.run(
        [sys.executable, *interpreter_options, "-m", "fast_pipeline.cli", *args],
        cwd=REPO_ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
        **popen,
    )
    return CliRun(done.returncode, done.stdout, done.stderr)


IMPORT_LOG = "import time:"  # how each line of Python's `-X importtime` log on stderr starts


def run_cli_logging_imports(*args: str, data_dir: Path, **kwargs) -> tuple[CliRun, set[str]]:
    """`run_cli` under Python's `-X importtime`: the run, with its stderr as the user sees it (the import log
    taken out), and the top-level packages the process imported."""
    run = run_cli(*args, data_dir=data_dir, interpreter_options=("-X", "importtime"), **kwargs)
    lines = run.stderr.splitlines(keepends=True)
    log = [line.rsplit("|", 1)[1].strip() for line in lines if line.startswith(IMPORT_LOG)]
    loaded = {name.partition(".")[0] for name in log if name != "imported package"}  # less the log's header
    stderr = "".join(line for line in lines if not line.startswith(IMPORT_LOG))
    return CliRun(run.code, run.stdout, stderr), loaded
