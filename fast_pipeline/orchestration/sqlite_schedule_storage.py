"""Dagster's SQLite schedule storage (schedules.db), a new one copied from an empty one made once per process
(sqlite_empty) instead of created, stamped and migrated again. Otherwise Dagster's own class: the same file,
schema and migrations, connecting as Dagster does (the daemon and the UI use it; a build hardly does).

The generated dagster.yaml selects it (fast_pipeline.environment) when Dagster's storage is SQLite.
"""

from __future__ import annotations

import os

from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage

from fast_pipeline.orchestration.sqlite_empty import empty_database, place_copy


class CopiedSqliteScheduleStorage(SqliteScheduleStorage):
    @classmethod
    def from_config_value(cls, inst_data, config_value) -> CopiedSqliteScheduleStorage:
        return cls.from_local(inst_data=inst_data, **config_value)  # Dagster's names its own class here

    @classmethod
    def from_local(cls, base_dir: str, inst_data=None) -> CopiedSqliteScheduleStorage:
        place_copy(os.path.join(base_dir, "schedules.db"), _empty_schedules_database)
        return super().from_local(base_dir, inst_data)


def _empty_schedules_database() -> bytes:
    def make(scratch: str) -> str:
        SqliteScheduleStorage.from_local(scratch).dispose()
        return os.path.join(scratch, "schedules.db")

    return empty_database("schedules", make)
