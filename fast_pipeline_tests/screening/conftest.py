"""The release the real pipeline builds from ../shared/sources, for this folder's tests: the session's one
build (`full_build`, shared with the release tests and the service's).

Set FAST_TEST_RELEASE_DATA to a data directory that already holds such a build (`FAST_DATA_DIR=... ./dev build`
with the mirror) to reuse it while developing; CI builds it here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fast_pipeline.settings import Settings


@pytest.fixture(scope="package")
def release_settings(request) -> Settings:
    reuse = os.environ.get("FAST_TEST_RELEASE_DATA")
    if reuse:
        data = Path(reuse)
        return Settings(data_dir=data, duckdb_path=data / "warehouse.duckdb")
    settings, report, lines = request.getfixturevalue("full_build")  # only when not reusing: no build then
    assert report.ok and report.release, "\n".join(lines)
    return settings


@pytest.fixture
def screen_cli(release_settings, monkeypatch, tmp_path):
    """Run `fast-pipeline ARGS...` against the built release; returns (exit code, stdout, stderr)."""
    from fast_pipeline.cli import main

    monkeypatch.setenv("FAST_DATA_DIR", str(release_settings.data_dir))
    monkeypatch.setenv("FAST_DUCKDB_PATH", str(tmp_path / "decisions.duckdb"))

    def run(capsys, *args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
