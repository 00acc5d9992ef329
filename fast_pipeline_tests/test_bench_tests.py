"""benchmarks/bench_tests.py reads the JUnit report pytest writes and adds each test's seconds to its xdist
group: checked on a real report of a small run (test modules laid out as the suite's, written here, so
that the run takes a fraction of a second rather than the suite's start-up)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

from fast_pipeline_tests.conftest import REPO_ROOT

# module -> its xdist group (support/xdist_groups.py): by module, except a package's grouped modules
MODULES = {
    "fast_pipeline_tests/core/test_http.py": "core/test_http.py",
    "fast_pipeline_tests/test_cli.py": "test_cli.py",
    "fast_pipeline_tests/service/test_api.py": "service",
    "fast_pipeline_tests/service/test_web_page.py": "service",
}
TESTS = """
import time

import pytest


def test_one():
    time.sleep(0.01)


class TestInAClass:
    @pytest.mark.parametrize("n", [1, 2])
    def test_two(self, n):
        time.sleep(0.01)
"""


def test_a_junit_report_is_summed_by_group(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(REPO_ROOT / "benchmarks"))
    bench_tests = importlib.import_module("bench_tests")
    for module in MODULES:
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_text(TESTS)
    junit = tmp_path / "junit.xml"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *MODULES],
        cwd=tmp_path,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    groups = bench_tests.worker_seconds_by_group(junit)
    assert set(groups) == set(MODULES.values()), groups
    assert all(0.03 <= seconds < 5 for seconds in groups.values()), groups  # three tests of 10 ms a module
    assert groups["service"] >= 0.06, groups  # both of its modules
