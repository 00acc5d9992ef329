"""DataFrames in and out of the warehouse, for Python assets that sit between dbt's layers (resolution reads
dbt models and writes tables that dbt reads back as sources).

Two functions and nothing else, over either warehouse (FAST_WAREHOUSE_URL, a DuckDB path or URL, or
PostgreSQL through SQLAlchemy). List columns stay JSON text: every warehouse stores text, and the marts turn
it into native lists (macros/list_columns.sql).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from fast_pipeline.core import warehouse
from fast_pipeline.core.errors import PipelineError


def read_table(target, schema: str, name: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Every row of `schema.name` (of its `columns` only, if given): on DuckDB as it hands it to pandas (what
    a dbt Python model's `.df()` gave), on PostgreSQL as pandas reads it, with integer columns holding nulls
    kept integer (nullable)."""
    with warehouse.session(target, read_only=True) as conn:
        if not warehouse._has_table(conn, name, schema):
            raise PipelineError(
                None, warehouse.shown(target), f"the warehouse has no table {schema}.{name}: build the dbt models first"
            )
        selected = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        return warehouse.read_frame(conn, f'select {selected} from "{schema}"."{name}"')


def replace_tables(target, schema: str, frames: Mapping[str, pd.DataFrame]) -> None:
    """Replace `schema.<name>` by each frame, all in one transaction: a reader sees the old set or the new
    one, and a failure leaves the old one. Column types: the ones DuckDB infers from the frame; on
    PostgreSQL, the warehouse layer's mapping of the frame's dtypes (text, bigint, double, boolean)."""
    if warehouse.duckdb_path(target) is None:
        with warehouse.session(target) as conn:  # PostgreSQL: DDL is transactional, as the rows are
            conn.exec_driver_sql(f'create schema if not exists "{schema}"')
            for name, frame in frames.items():
                conn.exec_driver_sql(f'drop table if exists "{schema}"."{name}"')
                warehouse._create_like(conn, name, frame, schema)
                warehouse._insert(conn, name, frame, schema)
        return
    views = {name: f"incoming_{i}" for i, name in enumerate(frames)}
    with warehouse.session(target) as conn:  # one transaction, committed when the block ends
        con = warehouse.native(conn)
        for name, view in views.items():
            con.register(view, frames[name])
        con.execute(f'create schema if not exists "{schema}"')
        for name, view in views.items():
            con.execute(f'create or replace table "{schema}"."{name}" as select * from {view}')
        # only on success: an aborted transaction refuses even `unregister`, and its error would hide the
        # real one (the views go with the connection)
        for view in views.values():
            con.unregister(view)
