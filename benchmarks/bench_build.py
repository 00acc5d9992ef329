"""Cold build vs no-op rebuild of everything in the mirror, in one run, as a user runs them.

    .venv/bin/python benchmarks/bench_build.py [--mirror ../shared/sources] [--repeat 3]

Each cold build starts from an empty data directory (no archive, no parse cache, no warehouse, no Dagster
instance); the no-op rebuild runs the same command again on that directory. Both are timed as subprocesses
of the `fast-pipeline build` console script, so interpreter start-up and imports count. Targets (issue 2):
no-op <= 10% of cold; cold < 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed_build(data_dir: Path, mirror: Path) -> float:
    env = {**os.environ, "FAST_DATA_DIR": str(data_dir), "FAST_SOURCE_MIRROR": str(mirror)}
    env.pop("DAGSTER_HOME", None)
    exe = Path(sys.executable).with_name("fast-pipeline")
    started = time.perf_counter()
    proc = subprocess.run([str(exe), "build"], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "sources")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    colds, noops = [], []
    for i in range(args.repeat):
        data = Path(tempfile.mkdtemp(prefix="fast-bench-"))
        try:
            colds.append(timed_build(data, args.mirror.resolve()))
            noops.append(timed_build(data, args.mirror.resolve()))
        finally:
            shutil.rmtree(data, ignore_errors=True)
        print(f"run {i + 1}: cold {colds[-1]:.2f} s, no-op {noops[-1]:.2f} s")
    cold, noop = statistics.median(colds), statistics.median(noops)
    print(f"cold build (median of {args.repeat}):   {cold:.2f} s   (target < 60 s)")
    print(f"no-op rebuild (median of {args.repeat}): {noop:.2f} s")
    print(f"no-op / cold:                 {noop / cold:.1%}   (target <= 10%)")


if __name__ == "__main__":
    main()
