"""The same archive built twice gives the same release files: the first two saved Brazilian editions built
step by step here, against the session's step-by-step build of them all (release/stepwise.py)."""

from __future__ import annotations

from fast_pipeline_tests.release.stepwise import NOT_REPRODUCIBLE, VERSIONS, build_stepwise, shared_stepwise
from fast_pipeline_tests.support.fake_source import tree_digest


def test_the_same_archive_built_twice_gives_the_same_release_files(tmp_path_factory):
    again = build_stepwise(tmp_path_factory.mktemp("again") / "data", 2)  # first: another worker may be
    stepwise = shared_stepwise(tmp_path_factory)  # making the shared build meanwhile
    assert [r.release for r in again.reports] == VERSIONS[:2], again.lines
    for version in VERSIONS[:2]:
        first, second = (run.settings.releases_dir / version for run in (stepwise, again))
        assert (first / "datapackage.json").read_bytes() == (second / "datapackage.json").read_bytes()
        assert {n: d for n, d in tree_digest(first).items() if n not in NOT_REPRODUCIBLE} == {
            n: d for n, d in tree_digest(second).items() if n not in NOT_REPRODUCIBLE
        }
