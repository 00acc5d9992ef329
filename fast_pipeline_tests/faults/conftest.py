"""The EO 13126 build (from the mirror) that the fault modules start from: made once per session for every
worker (support/shared_build.py); each module damages its own copy."""

from __future__ import annotations

import pytest

from fast_pipeline_tests.conftest import SHARED_SOURCES
from fast_pipeline_tests.support.shared_build import SharedBuild, shared_build, shared_root

SID = "us_dol_eo13126"


@pytest.fixture(scope="session")
def eo13126_build(tmp_path_factory) -> SharedBuild:
    build = shared_build(shared_root(tmp_path_factory), SHARED_SOURCES, (SID,))
    assert build.report.ok and build.report.release_created, "\n".join(build.lines)
    return build
