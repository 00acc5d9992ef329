"""Dagster's SQLite run storage (runs.db), with its connection kept open.

Dagster's `SqliteRunStorage` creates an engine and opens and closes a connection to runs.db for every
statement: about 20 ms of every edition's run (creating the run, its tags, its status events, the lookups of
the run that the steps make), and more for a publish. This subclass keeps the same file, the same schema
and the same migrations (Dagster's own class reads what it writes, and the other way round) and changes only
how it connects: one engine for the storage, with one connection kept between statements; and a new
runs.db is a copy of an empty one made once per process (sqlite_empty). SQLite holds no lock for a
connection outside a transaction, so other processes (a webserver, another build) read and write the file
as before; runs.db is in write-ahead mode from its creation, as Dagster makes it.

The generated dagster.yaml selects it (fast_pipeline.environment) when Dagster's storage is SQLite.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import sqlalchemy as sa
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

from fast_pipeline.orchestration.sqlite_empty import CopiedWhenNew

KEPT_CONNECTIONS = 1  # a build uses the storage from one thread at a time
EXTRA_CONNECTIONS = 4  # opened while several threads use it at once (a webserver's), closed after use


class PooledSqliteRunStorage(CopiedWhenNew, SqliteRunStorage):
    DATABASE, DAGSTER_CLASS = "runs", SqliteRunStorage  # a new runs.db: a copy (sqlite_empty)

    def __init__(self, conn_string: str, inst_data=None):
        self._pooled_engine: Engine | None = None
        self._engine_lock = threading.Lock()
        super().__init__(conn_string, inst_data)

    def _engine(self) -> Engine:
        with self._engine_lock:
            if self._pooled_engine is None:
                self._pooled_engine = sa.create_engine(
                    self._conn_string,
                    poolclass=QueuePool,
                    pool_size=KEPT_CONNECTIONS,
                    max_overflow=EXTRA_CONNECTIONS,
                    # returned to the pool by whichever thread used it last
                    connect_args={"check_same_thread": False},
                )
            return self._pooled_engine

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        with self._engine().connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        with self._engine_lock:
            if self._pooled_engine is not None:
                self._pooled_engine.dispose()
                self._pooled_engine = None
        super().dispose()
