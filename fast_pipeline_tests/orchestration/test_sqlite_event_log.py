"""The event log with open connections keeps Dagster's files: what it writes, Dagster's own class reads, and
a run's database file changes with each event (the webserver follows a live run by watching that file); a
new instance's storages read Dagster's migration scripts once per process."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time

from dagster import AssetKey, AssetMaterialization, DagsterEvent, DagsterEventType, DagsterInstance
from dagster._core.events import EngineEventData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from fast_pipeline.environment import prepare_environment
from fast_pipeline.orchestration.sqlite_event_log import (
    CHECKPOINT_DELAY,
    OPEN_RUN_DATABASES,
    PooledSqliteEventLogStorage,
)
from fast_pipeline.settings import Settings


def _event(run_id: str, message: str) -> EventLogEntry:
    return EventLogEntry(
        error_info=None,
        level="INFO",
        user_message=message,
        run_id=run_id,
        timestamp=1_700_000_000.0,
        dagster_event=DagsterEvent(
            DagsterEventType.ENGINE_EVENT.value, "job", event_specific_data=EngineEventData(), message=message
        ),
    )


def test_what_it_writes_dagsters_own_storage_reads(tmp_path):
    pooled = PooledSqliteEventLogStorage(str(tmp_path))
    for n in range(OPEN_RUN_DATABASES + 2):  # more runs than it keeps open
        pooled.store_event(_event(f"run{n}", f"event {n}"))
    pooled.store_event(_event("run0", "after its connection was closed"))
    plain = SqliteEventLogStorage(str(tmp_path))
    assert [r.event_log_entry.user_message for r in plain.get_records_for_run("run0").records] == [
        "event 0",
        "after its connection was closed",
    ]
    assert plain.get_records_for_run(f"run{OPEN_RUN_DATABASES + 1}").records
    pooled.wipe()
    assert not SqliteEventLogStorage(str(tmp_path)).get_records_for_run("run0").records
    pooled.store_event(_event("run0", "after a wipe"))  # its connections did not outlive the files
    assert [r.event_log_entry.user_message for r in plain.get_records_for_run("run0").records] == ["after a wipe"]
    pooled.dispose()


def test_each_event_reaches_the_runs_own_file(tmp_path):
    """Dagster's watchdog reacts to changes of <run_id>.db, not of its write-ahead log: the file changes
    within CHECKPOINT_DELAY of a write, with no further write to prompt it."""
    pooled = PooledSqliteEventLogStorage(str(tmp_path))
    pooled.store_event(_event("live", "first"))
    db_file = tmp_path / "live.db"
    time.sleep(CHECKPOINT_DELAY * 4)
    before = db_file.stat()
    os.utime(db_file, ns=(before.st_atime_ns, before.st_mtime_ns - 10**9))  # a second ago
    stale = db_file.stat().st_mtime_ns
    pooled.store_event(_event("live", "second"))
    waited = time.monotonic()
    while db_file.stat().st_mtime_ns == stale and time.monotonic() - waited < 5:
        time.sleep(0.01)
    assert db_file.stat().st_mtime_ns > stale
    assert time.monotonic() - waited < 1  # not at some later write or at close, but at once
    plain = SqliteEventLogStorage(str(tmp_path))  # and what the file holds is the whole log
    assert [r.event_log_entry.user_message for r in plain.get_records_for_run("live").records] == ["first", "second"]
    pooled.dispose()


def test_the_generated_instance_uses_it_for_sqlite_storage(sqlite_settings):
    settings = sqlite_settings
    prepare_environment(settings)
    with DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        instance.report_runless_asset_event(AssetMaterialization(asset_key=["x", "y"]))
        assert instance.get_latest_materialization_event(AssetKey(["x", "y"])) is not None
    assert (settings.dagster_home / "history" / "runs" / "index.db").exists()  # Dagster's default place


def _schema(db_file) -> tuple[list, list, str]:
    with contextlib.closing(sqlite3.connect(db_file)) as conn:
        objects = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        stamp = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    return objects, stamp, journal


def test_a_new_runs_database_is_the_one_dagster_creates(tmp_path):
    """A new run's database is copied from an empty one: the same tables, indexes, stamp and journal mode as
    Dagster's own initialisation gives it."""
    plain, pooled = (
        SqliteEventLogStorage(str(tmp_path / "plain")),
        PooledSqliteEventLogStorage(str(tmp_path / "pooled")),
    )
    plain.store_event(_event("run", "first"))
    pooled.store_event(_event("run", "first"))
    pooled.dispose()
    dagsters, ours = _schema(tmp_path / "plain" / "run.db"), _schema(tmp_path / "pooled" / "run.db")
    assert ours == dagsters
    assert ours[0] and ours[1] and ours[2] == "wal"
    assert sorted(p.name for p in (tmp_path / "pooled").iterdir()) == ["index.db", "run.db"]  # no staged copy left


def test_a_run_database_that_exists_is_kept(tmp_path):
    SqliteEventLogStorage(str(tmp_path)).store_event(_event("run", "written by Dagster's class"))
    pooled = PooledSqliteEventLogStorage(str(tmp_path))
    pooled.store_event(_event("run", "then by ours"))
    pooled.dispose()
    records = SqliteEventLogStorage(str(tmp_path)).get_records_for_run("run").records
    assert [r.event_log_entry.user_message for r in records] == ["written by Dagster's class", "then by ours"]


def _dagsters_own_storages(home) -> None:
    """The databases Dagster's own SQLite classes create in a new instance directory (its default layout)."""
    from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
    from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage

    SqliteRunStorage.from_local(str(home / "history")).dispose()
    SqliteEventLogStorage(str(home / "history" / "runs")).dispose()
    SqliteScheduleStorage.from_local(str(home / "schedules")).dispose()


def test_an_instance_in_a_new_data_directory_reads_dagsters_migrations_once_per_process(tmp_path, monkeypatch):
    """Each storage Dagster opened had alembic read all of Dagster's migration scripts again (five to seven
    times for a new instance); now they are read once per process, and every new database is still stamped
    with the newest migration."""
    from alembic.script import Script, ScriptDirectory
    from dagster._core.storage.event_log.sqlite import sqlite_event_log
    from dagster._core.storage.sql import get_alembic_config

    from fast_pipeline.orchestration import sqlite_empty
    from fast_pipeline.orchestration.dagster_migrations import read_migrations_once

    installed = ScriptDirectory.from_config.__func__  # a build in this process may have installed it already
    alembic_builds = getattr(installed, "builds_with", installed)
    monkeypatch.setattr(ScriptDirectory, "from_config", classmethod(alembic_builds))  # as Dagster has it
    read, read_script = [], Script._from_path.__func__
    monkeypatch.setattr(
        Script, "_from_path", classmethod(lambda cls, *a, **k: read.append(a) or read_script(cls, *a, **k))
    )

    def scripts_read_by_a_new_instance(name: str) -> int:
        read.clear()
        data = tmp_path / name
        prepare_environment(Settings(data_dir=data, duckdb_path=data / "warehouse.duckdb"))
        with DagsterInstance.get():
            scripts_read = len(read)
        head = alembic_builds(ScriptDirectory, get_alembic_config(sqlite_event_log.__file__)).get_current_head()
        for db in ("history/runs.db", "history/runs/index.db", "schedules/schedules.db"):
            with contextlib.closing(sqlite3.connect(data / "dagster" / db)) as con:
                assert con.execute("select version_num from alembic_version").fetchall() == [(head,)], db
        return scripts_read

    plain = tmp_path / "as-dagster-has-it"  # Dagster's own storages in a new directory
    _dagsters_own_storages(plain)
    as_dagster_reads = len(read)
    read_migrations_once()
    monkeypatch.setattr(sqlite_empty, "_EMPTY", {})  # this process has made no empty database yet
    first = scripts_read_by_a_new_instance("first")
    assert as_dagster_reads >= 5 * first > 0  # every storage read every script; now one reading of them
    assert scripts_read_by_a_new_instance("second") == 0


def test_a_new_data_directorys_databases_are_the_ones_dagster_creates_and_copied(
    tmp_path, sqlite_settings, monkeypatch
):
    """runs.db, the event log's index.db and schedules.db of a new instance are copies of empty ones made once
    per process (orchestration/sqlite_empty): the same tables, indexes, stamp, journal mode and data
    migrations marked done as Dagster's own classes give a new directory, and the second new instance of
    the process runs no DDL at all."""
    import sqlalchemy as sa
    from sqlalchemy.engine import Engine

    from fast_pipeline.orchestration import sqlite_empty

    plain = tmp_path / "plain"
    _dagsters_own_storages(plain)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_):
        statements.append(statement)

    def new_instance(name: str):
        statements.clear()
        data = tmp_path / name
        prepare_environment(Settings(data_dir=data, duckdb_path=data / "warehouse.duckdb"))
        with DagsterInstance.get() as instance:
            instance.get_runs(limit=1)
            instance.get_dynamic_partitions("editions")
            instance.all_instigator_state()
        return data / "dagster", [s for s in statements if s.lstrip().upper().startswith(("CREATE", "ALTER"))]

    sa.event.listen(Engine, "before_cursor_execute", record)
    try:
        first, _ = new_instance("first")
        second, ddl = new_instance("second")
        monkeypatch.setattr(sqlite_empty, "_EMPTY", {})
        _, ddl_again = new_instance("second")  # the same directory, in a process that has made no empty one
    finally:
        sa.event.remove(Engine, "before_cursor_execute", record)
    assert ddl == ddl_again == []
    assert sqlite_empty._EMPTY == {}  # an existing directory made none
    for db in ("history/runs.db", "history/runs/index.db", "schedules/schedules.db"):
        dagsters = _schema(plain / db)
        assert _schema(first / db) == _schema(second / db) == dagsters, db
        assert dagsters[0] and dagsters[1] and dagsters[2] == "wal", db
        with contextlib.closing(sqlite3.connect(plain / db)) as con:
            marked = con.execute("select name from secondary_indexes order by name").fetchall()
        with contextlib.closing(sqlite3.connect(second / db)) as con:
            assert con.execute("select name from secondary_indexes order by name").fetchall() == marked, db
    assert not [p for p in second.rglob("*.new")]  # no staged copy left
