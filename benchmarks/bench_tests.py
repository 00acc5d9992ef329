"""How long `./dev test` takes, as CI runs it (in parallel on every core), as a ratio to a fixed CPU workload
timed before and after it in the same run, so figures from a busy or a slow machine can be compared:

    python benchmarks/bench_tests.py [--quick] [pytest args]

- the suite's wall time (target <= 150 s on 2 cores) or, with --quick, the quick subset's (target < 60 s);
- the CPU seconds its processes used, and the worker seconds (the sum of every test's setup, call and
  teardown, from pytest's JUnit report), with the xdist groups that cost most: those are what to look at
  first to make the suite faster (a group runs on one worker, so the longest one bounds the wall time too).

Run with any Python: it re-executes itself with the project's .venv/bin/python when that exists. The
suite must pass: a failing run's time says nothing.
"""

from __future__ import annotations

import argparse
import collections
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from common import REPO, baseline, in_project_venv, ratio_line


def worker_seconds_by_group(junit: Path) -> dict[str, float]:
    """Seconds per xdist group (support/xdist_groups.py) from a JUnit report."""
    sys.path.insert(0, str(REPO))
    from fast_pipeline_tests.support.xdist_groups import group_of

    groups: dict[str, float] = collections.Counter()
    for case in ET.parse(junit).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")  # fast_pipeline_tests.pkg.test_mod[.Class]
        while module and not module[-1].startswith("test_"):
            module.pop()
        groups[group_of("/".join(module) + ".py")] += float(case.get("time", 0))
    return groups


def main() -> None:
    in_project_venv()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the quick subset (./dev test --quick)")
    parser.add_argument("--top", type=int, default=10, help="how many of the costliest groups to list")
    args, pytest_args = parser.parse_known_args()

    before = [baseline() for _ in range(3)]
    with tempfile.TemporaryDirectory(prefix="fast-bench-tests-") as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [str(REPO / "dev"), "test", *(["--quick"] if args.quick else []), f"--junitxml={junit}", "-q"]
        started = time.perf_counter()
        proc = subprocess.run([*command, *pytest_args], cwd=REPO, capture_output=True, text=True)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.exit(
                f"bench_tests: the suite failed ({proc.returncode}):\n{proc.stdout[-5000:]}\n{proc.stderr[-2000:]}"
            )
        groups = worker_seconds_by_group(junit)
    after = [baseline() for _ in range(3)]
    unit = statistics.median(before + after)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)

    summary = proc.stdout.strip().splitlines()[-1]
    print(f"{summary} on {os.cpu_count()} cores")
    print(ratio_line("baseline (median, before and after)", unit, unit))
    print(f"  baseline before {min(before):.2f}-{max(before):.2f} s, after {min(after):.2f}-{max(after):.2f} s")
    target = "(target < 60 s)" if args.quick else "(target <= 150 s on 2 cores)"
    print(ratio_line("quick subset: wall" if args.quick else "whole suite: wall", wall, unit, target))
    print(ratio_line("CPU (user + system, every process)", children.ru_utime + children.ru_stime, unit))
    print(ratio_line("worker seconds (sum over tests)", sum(groups.values()), unit))
    print(f"the {args.top} costliest groups (one worker each):")
    for group, seconds in sorted(groups.items(), key=lambda kv: -kv[1])[: args.top]:
        print("  " + ratio_line(group, seconds, unit))


if __name__ == "__main__":
    main()
