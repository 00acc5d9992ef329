"""How long `fast-pipeline build` takes, as a user runs it (a subprocess of the console script, so start-up
and imports count):

    python benchmarks/bench_build.py [--mirror ../shared/sources] [--repeat 2] [--warehouse duckdb,postgres]
    python benchmarks/bench_build.py --scaling [--editions 200]

- cold: an empty data directory (no archive, parse cache, warehouse or Dagster instance); target <= 15 s;
- no-op: the same command again on that directory; target <= 1 s;
- both for each warehouse named by --warehouse (default: duckdb), side by side: `postgres` starts a throwaway
  PostgreSQL 15 cluster (as the tests do) and gives every cold build a fresh database in it;
- scaling: the cost of one new edition with 10 already built, then with N (default 200) already built,
  from mutated copies of the saved Brazilian CSV edition; target: the N+1st costs at most 2x the 11th.

Every figure is also given as a ratio to a fixed CPU workload timed in the same run (`baseline`), so runs
on machines of different speed, or on a busy machine, can be compared.

Run with any Python: it re-executes itself with the project's .venv/bin/python when that exists.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, VENV_BIN, baseline, in_project_venv, ratio_line


def timed_build(data_dir: Path, mirror: Path, *args: str, warehouse_url: str | None = None) -> float:
    env = {**os.environ, "FAST_DATA_DIR": str(data_dir), "FAST_SOURCE_MIRROR": str(mirror)}
    for name in ("DAGSTER_HOME", "FAST_DUCKDB_PATH", "FAST_WAREHOUSE_URL", "FAST_DAGSTER_STORAGE_URL"):
        env.pop(name, None)
    if warehouse_url:
        env["FAST_WAREHOUSE_URL"] = warehouse_url
    exe = VENV_BIN / "fast-pipeline"
    started = time.perf_counter()
    proc = subprocess.run([str(exe), "build", *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def bench_cold_and_noop(mirror: Path, repeat: int, warehouses: list[str]) -> None:
    unit = baseline()
    print(ratio_line("baseline (fixed CPU workload)", unit, unit))
    with contextlib.ExitStack() as stack:
        cluster = stack.enter_context(_postgres()) if "postgres" in warehouses else None
        figures = {}
        for target in warehouses:
            colds, noops = [], []
            for i in range(repeat):
                url = cluster.create_database() if target == "postgres" else None
                data = Path(tempfile.mkdtemp(prefix="fast-bench-"))
                try:
                    colds.append(timed_build(data, mirror, warehouse_url=url))
                    noops.append(timed_build(data, mirror, warehouse_url=url))
                finally:
                    shutil.rmtree(data, ignore_errors=True)
                print(f"{target} run {i + 1}: cold {colds[-1]:.2f} s, no-op {noops[-1]:.2f} s")
            figures[target] = statistics.median(colds), statistics.median(noops)
        for target, (cold, noop) in figures.items():
            print(ratio_line(f"{target}: cold build (median of {repeat})", cold, unit, "(target <= 15 s)"))
            print(ratio_line(f"{target}: no-op rebuild (median of {repeat})", noop, unit, "(target <= 1 s)"))


@contextlib.contextmanager
def _postgres():
    """A throwaway PostgreSQL cluster, the tests' own (fast_pipeline_tests/support/postgres.py)."""
    sys.path.insert(0, str(REPO))
    from fast_pipeline_tests.support.postgres import PostgresCluster

    reason = PostgresCluster.unavailable()
    if reason:
        sys.exit(f"bench_build: cannot start PostgreSQL: {reason}")
    with PostgresCluster() as cluster:
        yield cluster


# --- scaling ---------------------------------------------------------------------------------------------
SID = "br_mte_lista_suja"
SEED_EDITION = "2026-08-02_csv"


def mutated_editions(mirror: Path, source_file: Path, count: int, start: int = 0) -> None:
    """`count` editions of the Brazilian CSV, each a different mutation of the saved one: a few employers
    leave, come back or have their worker count changed, as between real updates (within the publish gate),
    the rows numbered again as the ministry numbers them."""
    raw = source_file.read_bytes().decode("cp1252")
    header, *rows = raw.splitlines(keepends=True)
    for n in range(start, start + count):
        rng = random.Random(n)
        kept = [r for r in rows if rng.random() > 0.005]
        changed = []
        for number, r in enumerate(kept, 1):
            cells = r.split(";")
            cells[0] = str(number)  # the list numbers its rows 1..N: a gap is a damaged file to the parser
            if rng.random() < 0.02 and len(cells) > 6 and cells[6].strip().isdigit():
                cells[6] = str(int(cells[6]) + 1)
            changed.append(";".join(cells))
        day = time.strftime("%Y-%m-%d", time.gmtime(1_600_000_000 + n * 86_400))
        folder = mirror / SID / f"{day}_csv"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / source_file.name).write_bytes((header + "".join(changed)).encode("cp1252"))


def bench_scaling(shared: Path, editions: int) -> None:
    unit = baseline()
    print(ratio_line("baseline (fixed CPU workload)", unit, unit))
    source_file = next((shared / SID / SEED_EDITION).iterdir())
    root = Path(tempfile.mkdtemp(prefix="fast-scaling-"))
    try:
        mirror, data = root / "mirror", root / "data"
        mutated_editions(mirror, source_file, 10)
        timed_build(data, mirror)
        mutated_editions(mirror, source_file, 1, start=10)
        eleventh = timed_build(data, mirror)
        print(ratio_line("adding the 11th edition", eleventh, unit))
        mutated_editions(mirror, source_file, editions - 11, start=11)
        started = time.perf_counter()
        timed_build(data, mirror, "--no-release")
        print(f"(built editions 12..{editions} without releases in {time.perf_counter() - started:.0f} s)")
        mutated_editions(mirror, source_file, 1, start=editions)
        last = timed_build(data, mirror)
        print(ratio_line(f"adding the {editions + 1}st edition", last, unit))
        print(f"ratio {editions + 1}st / 11th: {last / eleventh:.2f}   (target <= 2)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    in_project_venv()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mirror", type=Path, default=REPO.parent / "shared" / "sources")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--scaling", action="store_true", help="measure the cost of one new edition instead")
    parser.add_argument("--editions", type=int, default=200, help="editions already built (with --scaling)")
    parser.add_argument(
        "--warehouse", default="duckdb", help="comma-separated warehouses to measure side by side: duckdb,postgres"
    )
    parser.add_argument("--which-python", action="store_true", help="print the interpreter it runs under, and stop")
    args = parser.parse_args()
    if args.which_python:
        print(sys.prefix)
        return
    if not args.mirror.is_dir():
        sys.exit(f"bench_build: no saved editions at {args.mirror} (give --mirror DIR)")
    if args.scaling:
        bench_scaling(args.mirror.resolve(), args.editions)
    else:
        warehouses = [w.strip() for w in args.warehouse.split(",") if w.strip()]
        unknown = sorted(set(warehouses) - {"duckdb", "postgres"})
        if unknown or not warehouses:
            sys.exit(f"bench_build: unknown --warehouse {', '.join(unknown) or '(none)'}; known: duckdb, postgres")
        bench_cold_and_noop(args.mirror.resolve(), args.repeat, warehouses)


if __name__ == "__main__":
    main()
