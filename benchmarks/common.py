"""What the benchmark scripts share: running under the project's virtualenv, and the fixed CPU workload
every figure is divided by (so runs on machines of different speed, or on a busy machine, compare)."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"  # the project's console scripts and Python
VENV_PYTHON = VENV_BIN / "python"


def in_project_venv() -> None:
    """Re-run the calling script under the project's virtualenv (the README's `python benchmarks/...` is
    typed outside it)."""
    if Path(sys.prefix).resolve() == (REPO / ".venv").resolve():
        return
    script = Path(sys.argv[0]).resolve()
    if not VENV_PYTHON.exists():
        sys.exit(f"{script.stem}: no virtualenv at {REPO / '.venv'}: run `./dev build` (or ./dev test) once first")
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(script), *sys.argv[1:]])


def baseline() -> float:
    """Seconds for a fixed CPU workload (hashing and a pure-Python loop), the unit of the ratios."""
    started = time.perf_counter()
    digest = hashlib.sha256()
    block = bytes(range(256)) * 4096
    for _ in range(400):
        digest.update(block)
    total = 0
    for i in range(3_000_000):
        total += i % 7
    return time.perf_counter() - started


def ratio_line(name: str, seconds: float, unit: float, target: str = "") -> str:
    return f"{name:<34} {seconds:8.2f} s  {seconds / unit:7.1f} x baseline  {target}"
