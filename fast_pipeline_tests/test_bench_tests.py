"""benchmarks/bench_tests.py reads the JUnit report pytest writes and adds each test's seconds to its xdist
group: checked on a real report of a small run."""

from __future__ import annotations

import importlib
import subprocess
import sys

from fast_pipeline_tests.conftest import REPO_ROOT

RUN = {
    "fast_pipeline_tests/core/test_http.py::test_connection_refused": "core/test_http.py",
    "fast_pipeline_tests/test_cli.py::test_parse_command_csv_to_stdout_and_canonical": "test_cli.py",
}


def test_a_junit_report_is_summed_by_group(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(REPO_ROOT / "benchmarks"))
    bench_tests = importlib.import_module("bench_tests")
    junit = tmp_path / "junit.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *RUN],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    groups = bench_tests.worker_seconds_by_group(junit)
    assert set(groups) == set(RUN.values()) and all(seconds > 0 for seconds in groups.values()), groups
