"""The event log with open connections keeps Dagster's files: what it writes, Dagster's own class reads, and
a run's database file changes with each event (the webserver follows a live run by watching that file)."""

from __future__ import annotations

import os

from dagster import AssetKey, AssetMaterialization, DagsterEvent, DagsterEventType, DagsterInstance
from dagster._core.events import EngineEventData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from fast_pipeline.environment import prepare_environment
from fast_pipeline.orchestration.sqlite_event_log import OPEN_RUN_DATABASES, PooledSqliteEventLogStorage
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
    """Dagster's watchdog reacts to changes of <run_id>.db, not of its write-ahead log."""
    pooled = PooledSqliteEventLogStorage(str(tmp_path))
    pooled.store_event(_event("live", "first"))
    db_file = tmp_path / "live.db"
    before = db_file.stat()
    os.utime(db_file, ns=(before.st_atime_ns, before.st_mtime_ns - 10**9))  # a second ago
    stale = db_file.stat().st_mtime_ns
    pooled.store_event(_event("live", "second"))
    assert db_file.stat().st_mtime_ns > stale
    pooled.dispose()


def test_the_generated_instance_uses_it_for_sqlite_storage(tmp_path, monkeypatch):
    for name in ("FAST_DAGSTER_STORAGE_URL", "FAST_WAREHOUSE_URL", "FAST_DUCKDB_PATH", "DAGSTER_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FAST_DATA_DIR", str(tmp_path))
    settings = Settings.from_env()
    prepare_environment(settings)
    with DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        instance.report_runless_asset_event(AssetMaterialization(asset_key=["x", "y"]))
        assert instance.get_latest_materialization_event(AssetKey(["x", "y"])) is not None
    assert (settings.dagster_home / "history" / "runs" / "index.db").exists()  # Dagster's default place
