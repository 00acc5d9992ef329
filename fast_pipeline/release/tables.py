"""The tables of a release: every dbt mart, as CSV, Parquet and JSON Lines, plus one DuckDB file of them all.

Each mart is read in key order (then by every other column), cast to its declared Arrow schema
(schema.py), and written from that Arrow table by this module, so the same rows give the same bytes
whatever the warehouse:
- Parquet through pyarrow (zstd, fixed row groups), with pandas metadata that makes nullable integers and
  booleans read back as nullable (not NaN) in pandas and frictionless;
- JSON Lines, one compact object per row in column order: lists as arrays, `details` as an object;
- CSV (RFC 4180, `\\n`, header, empty cell for null): lists and `details` as compact JSON text, and text
  cells made safe for spreadsheets (core.display.csv_cell).
Descriptions come from the dbt YAML files beside the models (the one place models are documented), and
from the canonical schema for the adverse_action columns they leave undescribed.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from fast_pipeline.core.canonical import CANONICAL_FIELDS
from fast_pipeline.core.display import csv_cell, json_text_for_csv
from fast_pipeline.core.errors import PipelineError
from fast_pipeline.release.reader import Reader
from fast_pipeline.release.schema import KEYS, TABLES, frictionless_type, is_json, is_nested, type_name
from fast_pipeline.settings import DBT_PROJECT_DIR

SCHEMA = "marts"
FORMATS = ("csv", "parquet", "jsonl")
PARQUET_OPTIONS = {"compression": "zstd", "row_group_size": 122880}
DUCKDB_STORAGE = "v1.0.0"  # readable by every DuckDB since 1.0


@dataclass(frozen=True)
class Table:
    name: str
    schema: pa.Schema  # the declared release schema (schema.TABLES)
    rows: int

    @property
    def key(self) -> list[str]:
        return KEYS.get(self.name, [])

    @property
    def columns(self) -> list[str]:
        return self.schema.names

    def order_by(self, reader: Reader | None = None) -> str:
        names = self.key + [c for c in self.columns if c not in self.key]
        types = {f.name: f.type for f in self.schema}

        def term(c: str) -> str:
            text = reader is not None and pa.types.is_string(types[c])
            return reader.text_order(f'"{c}"') if text else f'"{c}"'

        return ", ".join(f"{term(c)} asc nulls last" for c in names)

    def select(self, reader: Reader | None = None) -> str:
        """The mart's rows in release order; JSON columns as their text."""
        json_columns = {f.name for f in self.schema if is_json(f.type)}
        cols = ", ".join(
            f'{reader.json_text(f"{chr(34)}{c}{chr(34)}")} as "{c}"' if reader and c in json_columns else f'"{c}"'
            for c in self.columns
        )
        return f'select {cols} from {SCHEMA}."{self.name}" order by {self.order_by(reader)}'


def mart_tables(con: Reader) -> list[Table]:
    """The marts, checked against their declared schemas: same tables, same columns in the same order."""
    names = [
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name", [SCHEMA]
        ).fetchall()
    ]
    undeclared = sorted(set(names) - set(TABLES))
    if undeclared:
        raise PipelineError(
            None,
            None,
            f"mart(s) {', '.join(undeclared)} have no declared release schema: "
            "declare their columns in fast_pipeline/release/schema.py",
        )
    out = []
    for name in names:
        cols = [
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [SCHEMA, name],
            ).fetchall()
        ]
        declared = TABLES[name].names
        if cols != declared:
            extra, missing = [c for c in cols if c not in declared], [c for c in declared if c not in cols]
            raise PipelineError(
                None,
                None,
                f"marts.{name} does not match its release schema (release/schema.py): "
                f"undeclared {extra or 'none'}, missing {missing or 'none'}"
                + ("" if extra or missing else ", columns in another order"),
            )
        rows = con.execute(f'select count(*) from {SCHEMA}."{name}"').fetchone()[0]
        out.append(Table(name, TABLES[name], int(rows)))
    return out


def read(con: Reader, table: Table) -> pa.Table:
    """The mart's rows in key order, cast to the declared schema (a lossy cast fails)."""
    return con.arrow(table.select(con), table.schema)


def export(con: Reader, table: Table, out_dir: Path) -> dict[str, Path]:
    """The table in every format: {format: path}."""
    data = read(con, table)
    paths = {fmt: out_dir / f"{table.name}.{fmt}" for fmt in FORMATS}
    write_parquet(data, paths["parquet"])
    rows = data.to_pylist()
    write_jsonl(data.schema, rows, paths["jsonl"])
    write_csv(data.schema, rows, paths["csv"])
    return paths


def _pandas_dtype(arrow_type: pa.DataType):
    """Nullable pandas dtypes for the columns NumPy cannot hold with nulls; the rest as pyarrow maps them."""
    if pa.types.is_integer(arrow_type):
        return pd.api.types.pandas_dtype(str(arrow_type).capitalize())  # Int32, Int64
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_floating(arrow_type):
        return pd.Float64Dtype()
    return None


def write_parquet(data: pa.Table, path: Path) -> None:
    """Parquet of the declared schema. The table goes once through pandas so that the file carries pandas
    metadata naming nullable dtypes: without it, readers built on pandas (frictionless among them) turn an
    integer column with nulls into floats with NaN."""
    frame = data.to_pandas(types_mapper=_pandas_dtype)
    table = pa.Table.from_pandas(frame, schema=data.schema, preserve_index=False)
    pq.write_table(table, path, **PARQUET_OPTIONS)


def _json_ready(value, arrow_type: pa.DataType):
    if value is None:
        return None
    if is_json(arrow_type):
        return json.loads(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plain(arrow_type: pa.DataType) -> bool:
    """Values that JSON Lines writes as they come (no JSON text to decode, no date to format)."""
    return (
        pa.types.is_string(arrow_type)
        or pa.types.is_large_string(arrow_type)
        or pa.types.is_integer(arrow_type)
        or pa.types.is_floating(arrow_type)
        or pa.types.is_boolean(arrow_type)
    )


def write_jsonl(schema: pa.Schema, rows: list[dict], path: Path) -> None:
    # each column's conversion is chosen once, not for every cell (the release writes every cell)
    converted = [(f.name, f.type) for f in schema if not _plain(f.type)]
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            if converted:
                row = dict(row)  # the CSV is written from the same rows
                for name, arrow_type in converted:
                    row[name] = _json_ready(row[name], arrow_type)
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def _csv_value(value, arrow_type: pa.DataType) -> str:
    if value is None:
        return ""
    if is_json(arrow_type):
        return json_text_for_csv(value)
    if is_nested(arrow_type):
        return json_text_for_csv(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return csv_cell(value)
    return str(value)


def _csv_converter(arrow_type: pa.DataType):
    """_csv_value for one column, chosen once: text and whole numbers directly, the rest through it."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return lambda value: "" if value is None else csv_cell(value)
    if pa.types.is_integer(arrow_type):
        return lambda value: "" if value is None else str(value)
    if is_json(arrow_type):
        return lambda value: "" if value is None else json_text_for_csv(value)
    return lambda value: _csv_value(value, arrow_type)


def write_csv(schema: pa.Schema, rows: list[dict], path: Path) -> None:
    names = [f.name for f in schema]
    converters = [_csv_converter(f.type) for f in schema]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(
            out, delimiter=",", quotechar='"', doublequote=True, lineterminator="\n", quoting=csv.QUOTE_MINIMAL
        )
        writer.writerow(names)
        writer.writerows([convert(row[name]) for name, convert in zip(names, converters)] for row in rows)


def sql_text(text: str) -> str:
    """A SQL string literal (DuckDB takes no parameters in ATTACH or in a table function's file name)."""
    return "'" + str(text).replace("'", "''") + "'"


def write_duckdb(path: Path, tables: list[Table], parquet: dict[str, Path]) -> None:
    """One DuckDB file holding every table, loaded from the release's own Parquet files, with comments.

    DuckDB stamps each new file with a random identifier, so this file is the one release file that is
    not byte-identical between rebuilds (its tables are). Tables and comments are one transaction: each
    statement in a transaction of its own (a commit for every table and every comment) took a third longer."""
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute(f"attach {sql_text(path)} as rel (storage_version '{DUCKDB_STORAGE}')")
        con.execute("begin transaction")
        for t in tables:
            con.execute(f'create table rel."{t.name}" as select * from read_parquet({sql_text(parquet[t.name])})')
            doc = describe(t.name)
            if doc["description"]:
                con.execute(f'comment on table rel."{t.name}" is {sql_text(doc["description"])}')
            for col in t.columns:
                if doc["columns"].get(col):
                    con.execute(f'comment on column rel."{t.name}"."{col}" is {sql_text(doc["columns"][col])}')
        con.execute("commit")
        con.execute("detach rel")
    finally:
        con.close()


@cache
def _dbt_docs() -> dict[str, dict]:
    docs = {}
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            docs[model["name"]] = {
                "description": " ".join(str(model.get("description") or "").split()),
                "columns": {
                    c["name"]: " ".join(str(c.get("description") or "").split()) for c in model.get("columns", [])
                },
            }
    return docs


def describe(table: str) -> dict:
    """{"description": ..., "columns": {name: description}} from dbt's YAML, canonical schema as fallback."""
    doc = _dbt_docs().get(table, {"description": "", "columns": {}})
    columns = {name: desc for name, (_, _, desc) in CANONICAL_FIELDS.items()}
    columns.update({k: v for k, v in doc["columns"].items() if v})
    return {"description": doc["description"], "columns": columns}


def table_schema(table: Table, fmt: str) -> dict:
    """A Frictionless Table Schema of the table in one format; `arrowType` names each column's exact type."""
    doc = describe(table.name)
    fields = []
    for f in table.schema:
        field = {"name": f.name, "type": frictionless_type(f.type, fmt), "arrowType": type_name(f.type)}
        if doc["columns"].get(f.name):
            field["description"] = doc["columns"][f.name]
        fields.append(field)
    schema: dict = {"fields": fields, "missingValues": [""]}
    if table.key and table.name != "action_changes":  # action_changes' key holds an empty field (added/removed)
        schema["primaryKey"] = table.key
    if table.name in ("action_history", "action_changes"):
        schema["foreignKeys"] = [
            {"fields": ["action_id"], "reference": {"resource": "adverse_actions", "fields": ["action_id"]}}
        ]
    return schema
