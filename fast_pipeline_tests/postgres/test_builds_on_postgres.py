"""The whole pipeline on PostgreSQL: two `fast-pipeline build`s at once, as two hosts would run them (each
its own data directory, one warehouse and one Dagster storage on the server), from ../shared/sources.

Both finish; the warehouse holds every edition once, as one build leaves it; each release has the bytes of
the release the embedded DuckDB build writes (the session's shared build), its DuckDB file aside; and the
runs and materializations are in PostgreSQL, readable by any process that opens the instance, with nothing
in a local SQLite file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from dagster import AssetKey, DagsterInstance, DagsterRunStatus

from fast_pipeline.core import warehouse
from fast_pipeline.dagster_storage import ENV
from fast_pipeline.release.package import DUCKDB_FILE
from fast_pipeline_tests.conftest import SHARED_SOURCES
from fast_pipeline_tests.support.shared_build import shared_build, shared_root

HOSTS = ("host-a", "host-b")


def _build(data_dir: Path, warehouse_url: str, storage_url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAST_", "DAGSTER_HOME"))}
    env |= {
        "FAST_DATA_DIR": str(data_dir),
        "FAST_SOURCE_MIRROR": str(SHARED_SOURCES),
        "FAST_WAREHOUSE_URL": warehouse_url,
        "FAST_DAGSTER_STORAGE_URL": storage_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "fast_pipeline.cli", "build"], env=env, capture_output=True, text=True, timeout=1200
    )


@pytest.fixture(scope="module")
def two_builds(postgres_cluster, tmp_path_factory):
    """Each host starts with the parses of the session's DuckDB build (a parse is keyed by the file's bytes
    and the parser's version, whatever the warehouse): the hosts still acquire, archive, write the warehouse,
    run dbt and release, at once, and parsing is tested elsewhere."""
    root = tmp_path_factory.mktemp("pg-builds")
    parses = shared_build(shared_root(tmp_path_factory), SHARED_SOURCES).data_dir / "cache" / "parsed"
    for host in HOSTS:
        shutil.copytree(parses, root / host / "cache" / "parsed")
    warehouse_url, storage_url = postgres_cluster.create_database(), postgres_cluster.create_database()
    with ThreadPoolExecutor(len(HOSTS)) as pool:
        done = list(pool.map(lambda host: _build(root / host, warehouse_url, storage_url), HOSTS))
    return root, warehouse_url, storage_url, done


def _newest_release(data_dir: Path) -> Path:
    return max((p for p in (data_dir / "releases").iterdir() if p.is_dir()), key=lambda p: p.name)


def test_two_builds_at_once_both_finish(two_builds):
    _, warehouse_url, _, done = two_builds
    for proc in done:
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert "release 2026.08.03 written" in proc.stdout
        assert f"warehouse: {warehouse.shown(warehouse_url)}" in proc.stdout


def test_the_warehouse_holds_each_edition_once_as_one_build_leaves_it(two_builds, full_build):
    _, warehouse_url, _, _ = two_builds
    reference, _, _ = full_build
    count_sql = "select source_id, edition, count(*) from raw.editions group by source_id, edition"
    with duckdb.connect(str(reference.duckdb_path), read_only=True) as con:
        expected = {(s, e): n for s, e, n in con.execute(count_sql).fetchall()}
        actions = dict(con.execute("select source_id, count(*) from marts.adverse_actions group by 1").fetchall())
    with warehouse.session(warehouse_url, read_only=True) as conn:
        editions = {(s, e): n for s, e, n in conn.execute(sa.text(count_sql)).all()}
        got = dict(conn.execute(sa.text("select source_id, count(*) from marts.adverse_actions group by 1")).all())
    assert len(expected) == 13 and set(expected.values()) == {1}
    assert editions == expected  # nothing lost, nothing twice
    assert got == actions


def test_each_release_has_the_bytes_of_the_duckdb_build(two_builds, full_build):
    root, _, _, _ = two_builds
    reference = _newest_release(full_build[0].data_dir)
    names = sorted(p.name for p in reference.iterdir())
    assert "adverse_actions.parquet" in names and "parties.csv" in names
    for host in HOSTS:
        release = _newest_release(root / host)
        assert release.name == reference.name
        assert sorted(p.name for p in release.iterdir()) == names
        different = [
            name
            for name in names
            if name not in (DUCKDB_FILE, "SHA256SUMS")  # DuckDB stamps its file with a random identifier
            and (release / name).read_bytes() != (reference / name).read_bytes()
        ]
        assert different == [], host


def test_both_hosts_recorded_their_runs_in_the_one_dagster_storage(two_builds):
    root, _, storage_url, _ = two_builds
    for host in HOSTS:
        assert list((root / host / "dagster").rglob("*.db")) == []  # nothing in a local SQLite file
    with warehouse.session(storage_url, read_only=True) as conn:
        statuses = conn.execute(sa.text("select status, count(*) from runs group by status")).all()
        publishes = conn.execute(
            sa.text("select count(*) from runs where pipeline_name = 'publish' and status = 'SUCCESS'")
        ).scalar()
    assert {status for status, _ in statuses} == {"SUCCESS"}
    assert publishes == len(HOSTS)


def test_each_build_keeps_its_connections_to_the_dagster_storage(two_builds):
    """dagster-postgres connects anew for every statement unless told to keep a connection: a build stores
    hundreds of events."""
    _, _, storage_url, _ = two_builds
    with warehouse.session(storage_url, read_only=True) as conn:
        sessions = conn.execute(sa.text("select sessions from pg_stat_database where datname = current_database()"))
        opened = sessions.scalar()
    assert opened <= 200 * len(HOSTS), opened  # about 120 a build, and 2,900 before


def test_cli_build_records_its_runs_and_materializations_in_postgres(two_builds, monkeypatch):
    """Last in this module: it builds host-a once more."""
    root, warehouse_url, storage_url, _ = two_builds
    source = "us_dol_eo13126"  # the smallest source: one saved edition
    with warehouse.session(storage_url, read_only=True) as conn:
        runs = conn.execute(sa.text("select status from runs")).scalars().all()
        materialized = (
            conn.execute(
                sa.text("select distinct asset_key from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION'")
            )
            .scalars()
            .all()
        )
    assert runs and set(runs) == {"SUCCESS"}
    assert any(source in key for key in materialized), materialized

    # Another process (the UI, a daemon) sees the same history through the same instance configuration.
    home = root / HOSTS[0] / "dagster"
    monkeypatch.setenv(ENV, storage_url)
    with DagsterInstance.from_config(str(home)) as instance:
        dagster_runs = instance.get_runs()
        assert len(dagster_runs) == len(runs)
        assert all(r.status == DagsterRunStatus.SUCCESS for r in dagster_runs)
        assert {r.tags.get("trigger") for r in dagster_runs} == {"cli-build"}
        assert instance.get_dynamic_partitions(f"{source}__editions") == ["2014-11"]
        assert instance.get_latest_materialization_event(AssetKey([source, "acquisition"])) is not None

    # A further build finds nothing new: the history it reads back is the one in PostgreSQL.
    again = _build(root / HOSTS[0], warehouse_url, storage_url)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert "nothing changed since release 2026.08.03" in again.stdout, again.stdout
    assert list(home.rglob("*.db")) == []
