"""The tables of a release: every dbt mart, as CSV, Parquet and JSON Lines, plus one DuckDB file of them all.

Same warehouse, same bytes: rows are written in the order of each table's key (then of every other
column), by one thread, with every writer option spelled out rather than left to library defaults.
The marts are discovered in the warehouse, so a mart added to dbt is released without a change here.
Descriptions come from the dbt YAML files beside the models (the one place models are documented), and
from the canonical schema for the adverse_action columns they leave undescribed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import yaml

from fast_pipeline.core.canonical import CANONICAL_FIELDS
from fast_pipeline.settings import DBT_PROJECT_DIR

SCHEMA = "marts"
FORMATS = ("csv", "parquet", "jsonl")
KEYS = {  # rows are unique by these (dbt tests say so); other marts are ordered by all their columns
    "adverse_actions": ["action_id"],
    "action_history": ["action_id", "version"],
    "action_changes": ["source_id", "edition_seq", "action_id", "field"],
    "source_freshness": ["source_id"],
}
# Text columns holding JSON: real arrays/objects in JSON Lines, JSON text in CSV and Parquet (as Frictionless
# reads the `array` and `object` types in CSV).
JSON_COLUMNS = {
    "party_identifiers": "array", "party_aliases": "array", "party_former_names": "array",
    "related_parties": "array", "details": "object", "held_back_editions": "array", "held_back_reasons": "array",
}
CSV_OPTIONS = "format csv, header true, delimiter ',', quote '\"', escape '\"', nullstr '', new_line '\\n'"
PARQUET_OPTIONS = "format parquet, compression zstd, row_group_size 122880"
DUCKDB_STORAGE = "v1.0.0"  # readable by every DuckDB since 1.0


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[tuple[str, str]]  # (name, DuckDB type)
    rows: int

    @property
    def key(self) -> list[str]:
        return KEYS.get(self.name, [])

    def order_by(self) -> str:
        names = self.key + [c for c, _ in self.columns if c not in self.key]
        return ", ".join(f'"{c}" asc nulls last' for c in names)

    def select(self, fmt: str) -> str:
        """The table's rows in key order, shaped for one format: JSON text becomes JSON in JSON Lines, and
        nested DuckDB values (lists, structs) become JSON text in CSV."""
        def column(c: str, t: str) -> str:
            if fmt == "jsonl" and c in JSON_COLUMNS and t == "VARCHAR":
                return f'cast("{c}" as json) as "{c}"'
            if fmt == "csv" and _nested(t):
                return f'cast(to_json("{c}") as varchar) as "{c}"'
            return f'"{c}"'
        cols = ", ".join(column(c, t) for c, t in self.columns)
        return f'select {cols} from {SCHEMA}."{self.name}" order by {self.order_by()}'


def _nested(duckdb_type: str) -> bool:
    t = duckdb_type.upper()
    return t.endswith("]") or t.startswith(("STRUCT", "MAP", "UNION"))


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[Table]:
    names = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = ? order by table_name",
        [SCHEMA]).fetchall()]
    out = []
    for name in names:
        cols = con.execute("select column_name, data_type from information_schema.columns "
                           "where table_schema = ? and table_name = ? order by ordinal_position",
                           [SCHEMA, name]).fetchall()
        rows = con.execute(f'select count(*) from {SCHEMA}."{name}"').fetchone()[0]
        out.append(Table(name, [(c, t) for c, t in cols], int(rows)))
    return out


def export(con: duckdb.DuckDBPyConnection, table: Table, out_dir: Path) -> dict[str, Path]:
    """The table in every format: {format: path}."""
    paths = {fmt: out_dir / f"{table.name}.{fmt}" for fmt in FORMATS}
    con.execute(f"copy ({table.select('csv')}) to '{paths['csv']}' ({CSV_OPTIONS})")
    con.execute(f"copy ({table.select('parquet')}) to '{paths['parquet']}' ({PARQUET_OPTIONS})")
    con.execute(f"copy ({table.select('jsonl')}) to '{paths['jsonl']}' (format json)")
    return paths


def write_duckdb(path: Path, tables: list[Table], parquet: dict[str, Path]) -> None:
    """One DuckDB file holding every table, loaded from the release's own Parquet files, with comments.

    DuckDB stamps each new file with a random identifier, so this file is the one release file that is
    not byte-identical between rebuilds (its tables are)."""
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute(f"attach '{path}' as rel (storage_version '{DUCKDB_STORAGE}')")
        for t in tables:
            con.execute(f"create table rel.\"{t.name}\" as select * from read_parquet('{parquet[t.name]}')")
            doc = describe(t.name)
            if doc["description"]:
                con.execute(f"comment on table rel.\"{t.name}\" is {_sql_text(doc['description'])}")
            for col, _ in t.columns:
                if doc["columns"].get(col):
                    con.execute(f"comment on column rel.\"{t.name}\".\"{col}\" is {_sql_text(doc['columns'][col])}")
        con.execute("detach rel")
    finally:
        con.close()


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@cache
def _dbt_docs() -> dict[str, dict]:
    docs = {}
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            docs[model["name"]] = {
                "description": " ".join(str(model.get("description") or "").split()),
                "columns": {c["name"]: " ".join(str(c.get("description") or "").split())
                            for c in model.get("columns", [])},
            }
    return docs


def describe(table: str) -> dict:
    """{"description": ..., "columns": {name: description}} from dbt's YAML, canonical schema as fallback."""
    doc = _dbt_docs().get(table, {"description": "", "columns": {}})
    columns = {name: desc for name, (_, _, desc) in CANONICAL_FIELDS.items()}
    columns.update({k: v for k, v in doc["columns"].items() if v})
    return {"description": doc["description"], "columns": columns}


def _field_type(column: str, duckdb_type: str) -> str:
    t = duckdb_type.upper()
    if column in JSON_COLUMNS and t == "VARCHAR":
        return JSON_COLUMNS[column]
    if _nested(t):
        return "array" if t.endswith("]") else "object"
    if t in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT"):
        return "integer"
    if t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
        return "number"
    return {"BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "datetime", "TIMESTAMP WITH TIME ZONE": "datetime",
            "TIME": "time"}.get(t, "string")


def table_schema(table: Table) -> dict:
    """A Frictionless Table Schema for every format of the table."""
    doc = describe(table.name)
    fields = []
    for col, dtype in table.columns:
        field = {"name": col, "type": _field_type(col, dtype)}
        if doc["columns"].get(col):
            field["description"] = doc["columns"][col]
        fields.append(field)
    schema: dict = {"fields": fields, "missingValues": [""]}
    if table.key and table.name != "action_changes":  # action_changes' key holds an empty field (added/removed)
        schema["primaryKey"] = table.key
    if table.name in ("action_history", "action_changes"):
        schema["foreignKeys"] = [{"fields": ["action_id"],
                                  "reference": {"resource": "adverse_actions", "fields": ["action_id"]}}]
    return schema
