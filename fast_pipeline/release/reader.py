"""The release's reads from the warehouse, one interface over both databases (core.warehouse: DuckDB or
PostgreSQL from FAST_WAREHOUSE_URL).

The release code writes its SQL once, in the common dialect with `?` parameters, and reads through this:
- on DuckDB, DuckDB's own connection (under duckdb-engine's), with its fast paths: Arrow results, and a
  DataFrame registered as a view;
- on PostgreSQL, the SQLAlchemy connection: rows turned into Arrow by the declared release schema, and a
  DataFrame "registered" as a temporary table.
Text sorts by code point on both (`collate "C"` on PostgreSQL, DuckDB's own order), so rows come out in
the same order whatever the server's locale.
"""

from __future__ import annotations

from contextlib import contextmanager

import pandas as pd
import pyarrow as pa
import sqlalchemy as sa

from fast_pipeline.core import warehouse
from fast_pipeline.release.schema import is_json


class _Rows:
    """A result as the release reads it: `description`, `fetchall()`, `fetchone()`."""

    def __init__(self, result: sa.CursorResult):
        self.description = [(name,) for name in list(result.keys())] if result.returns_rows else []
        self._result = result

    def fetchall(self) -> list[tuple]:
        return [tuple(r) for r in self._result.fetchall()]

    def fetchone(self) -> tuple | None:
        row = self._result.fetchone()
        return tuple(row) if row is not None else None


class Reader:
    """One open warehouse connection for a release (a read-only snapshot on DuckDB)."""

    def __init__(self, conn: sa.Connection):
        self.conn = conn
        self.dialect = conn.dialect.name
        self.duckdb = warehouse.native(conn) if self.dialect == "duckdb" else None

    def execute(self, sql: str, params: list | None = None):
        if self.duckdb is not None:
            return self.duckdb.execute(sql, params) if params else self.duckdb.execute(sql)
        return _Rows(self.conn.exec_driver_sql(sql.replace("%", "%%").replace("?", "%s"), tuple(params or ())))

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """`frame` readable as the table `name` until `unregister(name)`."""
        if self.duckdb is not None:
            self.duckdb.register(name, frame)
            return
        columns = ", ".join(f'"{c}" text' for c in frame.columns)
        self.conn.exec_driver_sql(f'create temp table "{name}" ({columns})')
        if len(frame):
            table = sa.Table(name, sa.MetaData(), *(sa.Column(c) for c in frame.columns))
            self.conn.execute(table.insert(), frame.astype(object).where(frame.notna(), None).to_dict("records"))

    def unregister(self, name: str) -> None:
        if self.duckdb is not None:
            self.duckdb.unregister(name)
        else:
            self.conn.exec_driver_sql(f'drop table "{name}"')

    def text_order(self, column: str) -> str:
        """`column` for an `order by` that sorts text by code point."""
        return column if self.duckdb is not None else f'{column} collate "C"'

    def json_text(self, column: str) -> str:
        """A JSON column as its text (the form the release writes)."""
        return column if self.duckdb is not None else f"({column})::text"

    def arrow(self, sql: str, schema: pa.Schema) -> pa.Table:
        """The query's rows as an Arrow table of `schema` (a lossy cast fails)."""
        if self.duckdb is not None:
            cursor = self.duckdb.cursor()  # its own result state: an unfinished fetch elsewhere does not block it
            try:
                return cursor.sql(sql).to_arrow_table().cast(schema)
            finally:
                cursor.close()
        result = self.conn.exec_driver_sql(sql.replace("%", "%%"))
        names = list(result.keys())
        rows = [dict(zip(names, r)) for r in result.fetchall()]
        storage = pa.schema([pa.field(f.name, pa.string() if is_json(f.type) else f.type) for f in schema])
        return pa.Table.from_pylist(rows, schema=storage).cast(schema)


@contextmanager
def reading(target):
    """A Reader over the warehouse behind `target` (an Engine, URL or DuckDB path), read-only on DuckDB."""
    with warehouse.session(target, read_only=True) as conn:
        reader = Reader(conn)
        if reader.duckdb is not None:
            reader.duckdb.execute("set threads = 1")  # one writer thread: the same rows in the same files every time
        yield reader
