"""Shared fixtures and suite configuration. The publishers' saved files are read in place from
../shared/sources, never copied.

- Hypothesis: profile `ci` (the default) runs a fixed, derandomized example budget, so every run tries the
  same examples; `HYPOTHESIS_PROFILE=thorough` multiplies every budget by 20 and randomizes, on demand.
  Tests that need more examples than the default say so with `examples(n)`.
- Parallel runs (pytest-xdist, `--dist loadgroup`, scheduled by support/xdist_groups.py): a module's tests
  stay on one worker, and so do all the tests of a package that share a package-scoped fixture, so each
  expensive fixture is built once; the longest groups run first (LONGEST_FIRST). The builds of the saved editions that several
  modules read are made once per session for all workers (support/shared_build.py).
- `slow` marks the tests that build the whole pipeline or run dbt; `./dev test --quick` leaves them out, without
  importing their modules (pytest_ignore_collect).
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_SOURCES = Path(os.environ.get("FAST_SHARED_SOURCES", REPO_ROOT.parent / "shared" / "sources"))

THOROUGH_FACTOR = 20
settings.register_profile(
    "ci", derandomize=True, deadline=None, database=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=100 * THOROUGH_FACTOR, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def examples(n: int) -> int:
    """An example budget of `n` in CI, scaled up under the `thorough` profile."""
    return n * THOROUGH_FACTOR if settings().max_examples > 100 else n


# Tests that build the pipeline (archive, Dagster runs, dbt, release) or run dbt: minutes, not seconds.
SLOW = (
    "test_build_end_to_end.py",
    "faults/",
    "orchestration/test_dbt_in_process.py",
    "orchestration/test_quarantine.py",
    "orchestration/test_ui_after_cli_build.py",
    "orchestration/test_each_edition.py",
    "postgres/test_builds_on_postgres.py",
    "postgres/test_dbt_on_postgres.py",
    "release/",
    "resolution/test_dbt_models.py",
    "resolution/test_real_editions.py",
    "sources/no_nbim_exclusions/test_history_build.py",
    "sources/br_mte_ceac/test_build.py",
    "screening/test_screen_real_release.py",
    "service/",
)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds the pipeline or runs dbt (left out by ./dev test --quick)")
    # The builds tests make in process get the collector settings the program runs with (cli.run).
    from fast_pipeline.cli import GC_THRESHOLDS

    gc.set_threshold(*GC_THRESHOLDS)


# The longest xdist groups (support/xdist_groups.py), longest first, from `--durations` of a whole run:
# `./dev test` hands groups out in collection order (--no-loadscope-reorder), so the long ones start at once
# and the short ones fill the gaps at the end. The first needs the session's full build
# (support/shared_build.py): one worker builds it while the other runs the next group, which builds its own.
LONGEST_FIRST = (
    "test_build_end_to_end.py",
    "release/test_edition_by_edition.py",
    "release/test_reproducible_release.py",
    "orchestration",
    "release/test_dated_builds.py",
    "faults/test_pipeline_faults.py",
    "postgres/test_builds_on_postgres.py",
    "release/test_real_release.py",
    "sources/br_mte_ceac/test_build.py",
    "sources/no_nbim_exclusions/test_history_build.py",
    "release",
    "faults/test_truncated_list.py",
    "faults/test_cli_paths.py",
    "service",
    "faults/test_corrupt_archive.py",
    "screening",
    # the longest of the quick subset (`./dev test --quick`), which has none of the above
    "test_cli_errors.py",
    "core/test_concurrency.py",
    "postgres/test_warehouse_layer.py",
    "resolution/test_records_each_row.py",
    "postgres/test_dagster_storage.py",
    "core/test_http.py",
    "test_cli.py",
    "orchestration/test_sqlite_event_log.py",
)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` by support/xdist_groups.py's groups (xdist's own cannot group under pytest 9.2)."""
    if config.getvalue("dist") == "loadgroup":
        from fast_pipeline_tests.support.xdist_groups import GroupScheduling

        return GroupScheduling(config, log)
    return None


def pytest_ignore_collect(collection_path, config):
    """`./dev test --quick` (`-m "not slow"`) does not import the slow modules at all: several import dbt
    or Dagster, seconds in every worker, for tests it would deselect."""
    if config.getoption("markexpr") != "not slow":
        return None
    path, root = Path(collection_path).resolve(), Path(__file__).parent
    if not path.is_relative_to(root):
        return None
    rel = path.relative_to(root).as_posix()
    return True if rel.startswith(SLOW) or f"{rel}/".startswith(SLOW) else None


def pytest_collection_modifyitems(config, items):
    from fast_pipeline_tests.support.xdist_groups import check_package_groups, group_of

    root = Path(__file__).parent
    for item in items:
        if Path(item.path).relative_to(root).as_posix().startswith(SLOW):
            item.add_marker(pytest.mark.slow)
    check_package_groups(items)
    groups = {item: group_of(item.nodeid) for item in items}
    first_seen = {g: n for n, g in reversed(list(enumerate(groups.values())))}
    rank = {g: n for n, g in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: (rank.get(groups[item], len(rank)), first_seen[groups[item]]))  # stable


@pytest.fixture(scope="session")
def shared_sources() -> Path:
    if not SHARED_SOURCES.is_dir():
        pytest.fail(f"saved publisher files not found at {SHARED_SOURCES} (set FAST_SHARED_SOURCES)")
    return SHARED_SOURCES


def saved_file(source_id: str, edition: str) -> Path:
    """The single saved file of one edition folder under ../shared/sources."""
    files = sorted((SHARED_SOURCES / source_id / edition).iterdir())
    assert len(files) == 1, files
    return files[0]


@pytest.fixture(scope="session")
def full_build(tmp_path_factory):
    """Every saved edition under ../shared/sources built through the real pipeline (archive, Dagster, dbt,
    release) once per session for every worker (support/shared_build.py), copied into this worker:
    (settings, report, output lines). Shared by the tests that only read what it made, or that change
    nothing the others read."""
    from fast_pipeline_tests.support.shared_build import copy_build, shared_build, shared_root

    build = shared_build(shared_root(tmp_path_factory), SHARED_SOURCES)
    settings = copy_build(build, tmp_path_factory.mktemp("full-build") / "data", mirror=SHARED_SOURCES)
    return settings, build.report, list(build.lines)


@pytest.fixture
def loopback():
    """A loopback HTTP server (127.0.0.1, free port) with scriptable routes."""
    from fast_pipeline_tests.support.http_server import LoopbackServer

    with LoopbackServer() as server:
        yield server


@pytest.fixture
def fast_http():
    """HTTP settings for tests: short timeouts and backoff so fault tests stay quick."""
    from fast_pipeline.core.http import HttpClient, HttpSettings

    return HttpClient(HttpSettings(connect_timeout=2, read_timeout=1.5, retries=2, backoff=0.05, max_bytes=5_000_000))
