"""The saved Brazilian editions built one at a time, oldest first, through the real pipeline (archive,
Dagster, dbt, release): made once per session for every worker (support/shared_build.py), read by
test_edition_by_edition.py and test_reproducible_release.py, which may run on different workers."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from fast_pipeline.build import BuildReport, run_build
from fast_pipeline.settings import Settings
from fast_pipeline_tests.conftest import SHARED_SOURCES
from fast_pipeline_tests.support.shared_build import build_key, made_once, shared_root

SID = "br_mte_lista_suja"
EDITIONS = sorted(p.name for p in (SHARED_SOURCES / SID).iterdir() if p.is_dir())
VERSIONS = ["2023.03.09", "2024.12.04", "2026.01.28", "2026.08.02", "2026.08.03"]  # the editions' own dates
NOT_REPRODUCIBLE = {"fast_pipeline.duckdb", "SHA256SUMS"}  # DuckDB stamps each file with a random identifier


@dataclass
class Run:
    settings: Settings
    reports: list[BuildReport]
    lines: list[str]


def use_build_environment(mp: pytest.MonkeyPatch, data: Path, mirror: Path) -> None:
    """The environment a build of `data` from `mirror` reads (the Dagster assets read their settings from it)."""
    for var, value in (
        ("FAST_DATA_DIR", data),
        ("FAST_SOURCE_MIRROR", mirror),
        ("FAST_DUCKDB_PATH", data / "warehouse.duckdb"),
        ("DAGSTER_HOME", data / "dagster"),
    ):
        mp.setenv(var, str(value))


def build_stepwise(data: Path, steps: int) -> Run:
    """Build `data` from a mirror that gains one edition folder (copied from ../shared/sources) per step."""
    mirror = data.parent / f"{data.name}-mirror"
    (mirror / SID).mkdir(parents=True)
    reports, lines = [], []
    with pytest.MonkeyPatch.context() as mp:  # the Dagster assets read their settings from the environment
        use_build_environment(mp, data, mirror)
        for edition in EDITIONS[:steps]:
            shutil.copytree(SHARED_SOURCES / SID / edition, mirror / SID / edition)  # no symlinks out of a mirror
            settings = Settings.from_env()
            reports.append(run_build(settings, [SID], echo=lines.append))
    return Run(settings, reports, lines)


def shared_stepwise(tmp_path_factory) -> Run:
    """Every saved edition built step by step, once for the session (read-only: copy it to change it)."""
    key = build_key(SHARED_SOURCES / SID, ("stepwise",), extra=(Path(__file__),))
    return made_once(
        shared_root(tmp_path_factory), f"stepwise-{key}", lambda folder: build_stepwise(folder / "data", len(EDITIONS))
    )
