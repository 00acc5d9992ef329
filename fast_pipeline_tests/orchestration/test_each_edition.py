"""Issue 10 item 17: the README's `fast-pipeline diff 2026.08.02 2026.08.03` works after building the saved
editions edition by edition (`build --each-edition` publishes after each one, dated by its data)."""

from __future__ import annotations

import pytest

from fast_pipeline_tests.orchestration.conftest import SID

# The package's shared builds (three dbt publishes) take minutes on a busy machine.
pytestmark = pytest.mark.timeout(1800)


def test_each_edition_writes_one_release_per_processed_edition(builds):
    assert "releases:  2026.08.02, 2026.08.02.2 in " in builds.first.out, builds.first.out
    listed = builds.cli("releases")
    assert listed.code == 0
    assert [line.split()[0] for line in listed.out.splitlines()[1:]] == ["2026.08.02", "2026.08.02.2", "2026.08.03"]


def test_the_readme_diff_between_two_dated_releases(builds):
    run = builds.cli("diff", "2026.08.02", "2026.08.03")
    assert run.code == 0, run.err
    assert run.out.startswith("2026.08.02 -> 2026.08.03: 0 added, 2 removed, 0 changed")
    assert run.out.count(f"\n- {SID}") == 2
