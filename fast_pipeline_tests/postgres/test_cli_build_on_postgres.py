"""A real `fast-pipeline build` with FAST_DAGSTER_STORAGE_URL: its runs and materializations are in
PostgreSQL, readable by any other process that opens the instance, and nothing is in a local SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys

import sqlalchemy
from dagster import AssetKey, DagsterInstance, DagsterRunStatus

from fast_pipeline.dagster_storage import ENV
from fast_pipeline_tests.conftest import SHARED_SOURCES

SOURCE = "us_dol_eo13126"  # the smallest source: one saved edition


def _cli_build(tmp_path, url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAST_", "DAGSTER_HOME"))}
    env |= {"FAST_DATA_DIR": str(tmp_path / "data"), "FAST_SOURCE_MIRROR": str(SHARED_SOURCES), ENV: url}
    return subprocess.run(
        [sys.executable, "-m", "fast_pipeline.cli", "build", "--source", SOURCE],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_cli_build_records_its_runs_and_materializations_in_postgres(tmp_path, postgres_url, monkeypatch):
    done = _cli_build(tmp_path, postgres_url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{SOURCE}" in done.stdout and "ok" in done.stdout

    home = tmp_path / "data" / "dagster"
    assert list(home.rglob("*.db")) == []  # no SQLite run, event or schedule storage was created

    engine = sqlalchemy.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            runs = conn.execute(sqlalchemy.text("SELECT status FROM runs")).scalars().all()
            materialized = (
                conn.execute(
                    sqlalchemy.text(
                        "SELECT DISTINCT asset_key FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'"
                    )
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert runs and set(runs) == {"SUCCESS"}
    assert any(SOURCE in key for key in materialized), materialized

    # Another process (the UI, a daemon) sees the same history through the same instance configuration.
    monkeypatch.setenv(ENV, postgres_url)
    with DagsterInstance.from_config(str(home)) as instance:
        dagster_runs = instance.get_runs()
        assert len(dagster_runs) == len(runs)
        assert all(r.status == DagsterRunStatus.SUCCESS for r in dagster_runs)
        assert {r.tags.get("trigger") for r in dagster_runs} == {"cli-build"}
        assert instance.get_dynamic_partitions(f"{SOURCE}__editions") == ["2014-11"]
        acquisition = instance.get_latest_materialization_event(AssetKey([SOURCE, "acquisition"]))
        assert acquisition is not None

    # A second build finds nothing new: the history it reads back is the one in PostgreSQL.
    again = _cli_build(tmp_path, postgres_url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert list(home.rglob("*.db")) == []
