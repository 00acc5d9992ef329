"""Dagster's SQLite schedule storage (schedules.db), a new one copied from an empty one made once per process
(sqlite_empty) instead of created, stamped and migrated again. Otherwise Dagster's own class: the same file,
schema and migrations, connecting as Dagster does (the daemon and the UI use it; a build hardly does).

The generated dagster.yaml selects it (fast_pipeline.environment) when Dagster's storage is SQLite.
"""

from __future__ import annotations

from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage

from fast_pipeline.orchestration.sqlite_empty import CopiedWhenNew


class CopiedSqliteScheduleStorage(CopiedWhenNew, SqliteScheduleStorage):
    DATABASE, DAGSTER_CLASS = "schedules", SqliteScheduleStorage
