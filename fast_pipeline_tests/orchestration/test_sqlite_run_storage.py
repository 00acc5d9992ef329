"""The run storage with a kept connection: the generated instance uses it, runs go through one connection to
runs.db instead of one per statement, and Dagster's own class reads what it wrote (and the other way round)."""

from __future__ import annotations

import sqlalchemy as sa
from dagster import DagsterInstance, DagsterRunStatus, job, op
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from sqlalchemy.pool import Pool

from fast_pipeline.environment import prepare_environment
from fast_pipeline.orchestration.sqlite_run_storage import PooledSqliteRunStorage


@op
def nothing():
    return None


@job
def small():
    nothing()


def test_runs_go_through_one_connection_and_dagsters_own_class_reads_them(sqlite_settings):
    settings = sqlite_settings
    prepare_environment(settings)
    history = settings.dagster_home / "history"
    opened: list[str] = []

    def record(dbapi_connection, _record):
        (_, _, path), *_ = dbapi_connection.execute("PRAGMA database_list").fetchall()
        opened.append(path)

    sa.event.listen(Pool, "connect", record)
    try:
        with DagsterInstance.from_config(str(settings.dagster_home)) as instance:
            assert isinstance(instance.run_storage, PooledSqliteRunStorage)
            opened.clear()  # opening the instance connects for Dagster's migration check
            run_ids = [small.execute_in_process(instance=instance).run_id for _ in range(3)]
    finally:
        sa.event.remove(Pool, "connect", record)
    # three runs, and at most the kept connection to runs.db (Dagster's class: one per statement, dozens a run)
    assert opened.count(str(history / "runs.db")) <= 1
    assert {str(history / "runs" / f"{r}.db") for r in run_ids} <= set(opened)  # what the recording sees

    plain = SqliteRunStorage.from_local(str(history))
    assert {r.run_id: r.status for r in plain.get_runs()} == dict.fromkeys(run_ids, DagsterRunStatus.SUCCESS)
    plain.delete_run(run_ids[0])
    plain.dispose()
    pooled = PooledSqliteRunStorage.from_local(str(history))
    assert sorted(r.run_id for r in pooled.get_runs()) == sorted(run_ids[1:])
    pooled.dispose()
