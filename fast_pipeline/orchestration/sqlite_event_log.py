"""Dagster's SQLite event log (one database per run, plus an index), with its connections kept open.

Dagster's `SqliteEventLogStorage` creates an engine, opens a connection and closes it (checkpointing the
write-ahead log) for every event it stores, and stores an asset event twice (the run's database and the
index). That made storing an event cost 5-11 ms here, a third of each edition's run and seconds of every
publish (hundreds of planned, materialization and check events). This subclass keeps the same files and the
same layout (a history written by either class is read by the other) and changes only how it connects:

- one engine per database, its one connection kept open (the few most recent run databases and the index);
- `synchronous=NORMAL`, SQLite's recommended setting with a write-ahead log: a committed event survives the
  process dying, and only an operating-system crash can lose the last ones, never corrupting the file;
- a passive checkpoint of a run's database CHECKPOINT_DELAY after a write (one for a burst of events), so
  that the run's file itself changes: the webserver follows a run's live log by watching that file
  (Dagster's watchdog), not its write-ahead log;
- a new run's database, and a new index, is a copy of an empty one made once per process by Dagster's own
  initialisation (tables, write-ahead mode, alembic stamp, data migrations marked done: sqlite_empty),
  which otherwise runs its DDL and loads alembic's scripts for every run;
- that a table exists is looked up once (Dagster asks before storing every asset check event).

The generated dagster.yaml selects it (fast_pipeline.environment) when Dagster's storage is SQLite.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator

import sqlalchemy as sa
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, QueuePool

from fast_pipeline.orchestration.sqlite_empty import empty_database, place_copy

OPEN_RUN_DATABASES = 4  # a build writes one run at a time; a webserver reads a few
CHECKPOINT_DELAY = 0.05  # seconds from a write to the run's file changing (the UI's live log lags by that)


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables_present: set[str] = set()
        self._unchecked: set[str] = set()  # run databases written since their last checkpoint
        self._checkpoint_timer: threading.Timer | None = None
        # a new index as Dagster's own initialisation leaves it (tables, stamp, data migrations marked done)
        place_copy(os.path.join(os.path.abspath(base_dir), f"{INDEX_SHARD_NAME}.db"), _empty_index)
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = sa.create_engine(
            self.conn_string_for_shard(shard),
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=2,
            # used by one thread at a time (under the storage's lock), not always the one that opened it
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        sa.event.listen(engine, "connect", _tune)
        self._engines[shard] = engine
        runs = [s for s in self._engines if s != INDEX_SHARD_NAME]
        for stale in runs[:-OPEN_RUN_DATABASES]:
            self._engines.pop(stale).dispose()
        return engine

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._init_shard(shard, engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn
            if shard != INDEX_SHARD_NAME:
                self._checkpoint_soon(shard)

    def _checkpoint_soon(self, shard: str) -> None:
        """Checkpoint `shard` CHECKPOINT_DELAY from now, with whatever else is written meanwhile (under the
        storage's lock)."""
        self._unchecked.add(shard)
        if self._checkpoint_timer is None:
            self._checkpoint_timer = threading.Timer(CHECKPOINT_DELAY, self._checkpoint_unchecked)
            self._checkpoint_timer.daemon = True
            self._checkpoint_timer.start()

    def _checkpoint_unchecked(self) -> None:
        with self._db_lock:
            self._checkpoint_timer = None
            shards, self._unchecked = self._unchecked, set()
            for shard in shards:
                engine = self._engines.get(shard)
                if engine is None:  # closed since: its last connection's close checkpointed it
                    continue
                with engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    def _init_shard(self, shard: str, engine: Engine) -> None:
        if shard == INDEX_SHARD_NAME or not place_copy(self.path_for_shard(shard), self._empty_run_database):
            # an existing database (or one another process may still be creating): Dagster's own retrying
            # check, and stamp
            self._initdb(engine)

    def _empty_run_database(self) -> bytes:
        """A run's database as Dagster's `_initdb` leaves it (sqlite_empty)."""

        def make(scratch: str) -> str:
            path = os.path.join(scratch, "run.db")
            engine = sa.create_engine(f"sqlite:///{path}", poolclass=NullPool)
            self._initdb(engine)
            engine.dispose()  # its last connection closed: the write-ahead log is folded into the file
            return path

        return empty_database("event log run", make)

    def has_table(self, table_name: str) -> bool:
        if table_name not in self._tables_present and super().has_table(table_name):
            self._tables_present.add(table_name)  # tables are added by migrations, never dropped
        return table_name in self._tables_present

    def _close_all(self) -> None:
        with self._db_lock:
            if self._checkpoint_timer is not None:
                self._checkpoint_timer.cancel()  # closing each database's last connection checkpoints it
                self._checkpoint_timer = None
            self._unchecked.clear()
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._close_all()  # the run databases' files are deleted: no connection may outlive them
        super().wipe()

    def dispose(self) -> None:
        self._close_all()
        super().dispose()


def _tune(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def _empty_index() -> bytes:
    """The event log's index as Dagster's own class creates it in a new directory (sqlite_empty)."""

    def make(scratch: str) -> str:
        SqliteEventLogStorage(scratch).dispose()
        return os.path.join(scratch, f"{INDEX_SHARD_NAME}.db")

    return empty_database("event log index", make)
