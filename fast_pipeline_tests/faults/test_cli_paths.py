"""Surroundings a user's machine may have: a data directory whose path holds a quote, a dbt project whose
manifest was never prepared. Both must simply work."""

from __future__ import annotations

import shutil

from fast_pipeline_tests.conftest import SHARED_SOURCES
from fast_pipeline_tests.support.cli import run_cli


def test_a_data_directory_with_a_quote_in_its_path_builds_and_reads(tmp_path):
    data = tmp_path / 'it\'s "data"'
    env = {"FAST_SOURCE_MIRROR": str(SHARED_SOURCES)}
    build = run_cli("build", "--source", "us_dol_eo13126", data_dir=data, env=env, timeout=900)
    assert build.code == 0, build.stdout + build.stderr
    assert "release 2014.11.01 written" in build.stdout
    assert "release:" in build.stdout.splitlines()[-1]  # the whole summary, though the process skips teardown
    # ... and every database was closed before it ended (cli.run): no write-ahead log is left to replay
    assert [p.name for p in data.rglob("*") if p.name.endswith((".wal", "-wal", "-shm", "-journal"))] == []
    sources = run_cli("sources", data_dir=data)
    assert sources.code == 0 and "2014-11" in sources.stdout, sources.stderr
    releases = run_cli("releases", data_dir=data)
    assert releases.code == 0 and "2014.11.01" in releases.stdout, releases.stderr
    diff = run_cli("diff", "2014.11.01", "2014.11.01", data_dir=data)
    assert diff.code == 0 and "0 added" in diff.stdout, diff.stderr


def test_a_dbt_manifest_never_prepared_is_prepared(tmp_path, monkeypatch):
    """`build` loads the Dagster definitions only through ensure_dbt_manifest (build._Build.instance)."""
    from fast_pipeline import environment
    from fast_pipeline.settings import DBT_PROJECT_DIR

    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    assert not (project / "target").exists()
    monkeypatch.setattr(environment, "DBT_PROJECT_DIR", project)
    manifest = environment.ensure_dbt_manifest()
    assert manifest == project / "target" / "manifest.json" and manifest.stat().st_size > 1000
