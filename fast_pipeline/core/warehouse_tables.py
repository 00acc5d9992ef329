"""DataFrames in and out of the warehouse, for Python assets that sit between dbt's layers (resolution reads
dbt models and writes tables that dbt reads back as sources).

Two functions and nothing else, so that the warehouse behind them can change (the embedded DuckDB today,
SQLAlchemy for PostgreSQL) without touching their callers. List columns stay JSON text: every warehouse
stores text, and the marts turn it into native lists (macros/list_columns.sql).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import pandas as pd

from fast_pipeline.core import warehouse
from fast_pipeline.core.errors import PipelineError


def read_table(path: Path, schema: str, name: str) -> pd.DataFrame:
    """Every row of `schema.name`, as DuckDB hands it to pandas (what a dbt Python model's `.df()` gave)."""
    with warehouse.connect(path, read_only=True) as con:
        try:
            return con.execute(f'select * from "{schema}"."{name}"').df()
        except duckdb.CatalogException:
            raise PipelineError(
                None, str(path), f"the warehouse has no table {schema}.{name}: build the dbt models first"
            ) from None


def replace_tables(path: Path, schema: str, frames: Mapping[str, pd.DataFrame]) -> None:
    """Replace `schema.<name>` by each frame, all in one transaction: a reader sees the old set or the new
    one, and a failure leaves the old one. Column types are the ones DuckDB infers from the frame."""
    views = {name: f"incoming_{i}" for i, name in enumerate(frames)}
    with warehouse.connect(path) as con:
        for name, view in views.items():  # outside the transaction: an aborted one refuses even unregister
            con.register(view, frames[name])
        try:
            con.execute("begin transaction")
            try:
                con.execute(f'create schema if not exists "{schema}"')
                for name, view in views.items():
                    con.execute(f'create or replace table "{schema}"."{name}" as select * from {view}')
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
        finally:
            for view in views.values():
                con.unregister(view)
