"""Dagster's migration scripts read once per process, not again for every storage it opens.

Opening an instance, each SQLite storage (runs, the event log's index, schedules) asks alembic for the
newest migration, and stamps a new database with it: each time alembic builds a fresh `ScriptDirectory`
and executes every one of Dagster's ~90 migration files to map their revisions. That was seven times per
instance, 0.6-0.9 s of every build in a new data directory (most of the tests' builds) and part of every
other. The three storages' alembic.ini files are identical and name the same scripts, which do not change
while a process runs, so one `ScriptDirectory` per (ini file's contents, script location, version
locations) serves them all. Dagster calls alembic under its own lock; the directory's revision map is
built once, under ours.
"""

from __future__ import annotations

import threading
from pathlib import Path


def read_migrations_once() -> None:
    """Install, once per process, the `ScriptDirectory.from_config` that keeps what it read."""
    from alembic.script import ScriptDirectory

    if getattr(ScriptDirectory.from_config, "reads_once", False):
        return
    build = ScriptDirectory.from_config.__func__
    directories: dict[tuple, ScriptDirectory] = {}
    lock = threading.Lock()

    def from_config(cls, config):
        ini = config.config_file_name
        key = (
            cls,
            Path(ini).read_bytes() if ini else None,
            config.get_main_option("script_location"),
            config.get_main_option("version_locations"),
        )
        with lock:
            directory = directories.get(key)
            if directory is None:
                directory = directories[key] = build(cls, config)
                directory.revision_map.heads  # noqa: B018 - read the scripts now, under the lock
        return directory

    from_config.reads_once, from_config.builds_with = True, build
    ScriptDirectory.from_config = classmethod(from_config)
