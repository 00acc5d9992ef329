"""A release built once for this folder's tests by the real pipeline from ../shared/sources.

Set FAST_TEST_RELEASE_DATA to a data directory that already holds such a build (`FAST_DATA_DIR=... ./dev build`
with the mirror) to reuse it while developing; CI builds it here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fast_pipeline.settings import Settings
from fast_pipeline_tests.conftest import SHARED_SOURCES


@pytest.fixture(scope="package")
def release_settings(tmp_path_factory) -> Settings:
    reuse = os.environ.get("FAST_TEST_RELEASE_DATA")
    if reuse:
        data = Path(reuse)
        return Settings(data_dir=data, duckdb_path=data / "warehouse.duckdb")
    from fast_pipeline.build import run_build

    data = tmp_path_factory.mktemp("screening-build")
    settings = Settings(data_dir=data, duckdb_path=data / "warehouse.duckdb", mirror=SHARED_SOURCES)
    report = run_build(settings, echo=lambda _line: None)
    assert report.ok and report.release, report
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
