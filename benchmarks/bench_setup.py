"""A fresh clone to the end of its first build, as a new user meets the project:

    python3 benchmarks/bench_setup.py [--mirror ../shared/sources] [--skip-empty]

Clones this repository (its committed HEAD) into a temporary directory and times
`FAST_SOURCE_MIRROR=<mirror> ./dev build` there twice:
- empty package cache: uv's and pip's caches pointed at a new, empty directory (every package downloaded);
  target <= 60 s;
- warm package cache: a second fresh clone reusing the cache the first one filled; target <= 30 s.
For each it reports the time to the first line on the terminal and to the end of the build.
Needs only Python 3.11 and git (no virtualenv: that is what it measures).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def fresh_clone(into: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(into)], check=True)
    return into


def timed_first_build(clone: Path, mirror: Path, cache: Path) -> tuple[float, float, str]:
    """(seconds to the first line of output, seconds to the end, the output)."""
    env = {
        **os.environ,
        "FAST_SOURCE_MIRROR": str(mirror),
        "UV_CACHE_DIR": str(cache / "uv"),
        "PIP_CACHE_DIR": str(cache / "pip"),
    }
    for var in ("FAST_DATA_DIR", "FAST_DUCKDB_PATH", "DAGSTER_HOME", "FAST_VENV", "VIRTUAL_ENV"):
        env.pop(var, None)
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["./dev", "build"], cwd=clone, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    first: list[float] = []
    out: list[str] = []

    def read() -> None:
        for line in proc.stdout:
            if not first:
                first.append(time.perf_counter() - started)
            out.append(line)

    reader = threading.Thread(target=read)
    reader.start()
    code = proc.wait()
    reader.join()
    total = time.perf_counter() - started
    if code != 0:
        sys.exit(f"./dev build failed ({code}) in {clone}:\n{''.join(out)}")
    return (first[0] if first else total), total, "".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "sources")
    parser.add_argument("--skip-empty", action="store_true", help="only the warm-cache run (default cache dirs)")
    args = parser.parse_args()
    mirror = args.mirror.resolve()
    if not mirror.is_dir():
        sys.exit(f"bench_setup: no saved editions at {mirror} (give --mirror DIR)")
    root = Path(tempfile.mkdtemp(prefix="fast-setup-"))
    try:
        cache = root / "cache"
        runs = [("warm package cache", "target <= 30 s")]
        if not args.skip_empty:
            runs.insert(0, ("empty package cache", "target <= 60 s"))
        else:
            cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        for n, (name, target) in enumerate(runs):
            clone = fresh_clone(root / f"clone-{n}")
            first, total, output = timed_first_build(clone, mirror, cache)
            print(f"{name:<20} first line after {first:5.1f} s, build done after {total:6.1f} s   ({target})")
            print("  " + "\n  ".join(line for line in output.splitlines() if line.startswith(("setup:", "publish"))))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
