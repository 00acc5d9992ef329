"""The embedded DuckDB warehouse: the Python side writes the `raw` schema, dbt builds everything else.

Tables written here, one set per source (dbt sources are declared over them):
- `raw.<source_id>__parsed`: every edition's parsed rows, in the source's own vocabulary;
- `raw.<source_id>__actions`: every edition's canonical rows;
- `raw.editions`: one row per (source, edition) with dates, counts, cross-check and gate results; an edition
  its parser could not process is recorded as quarantined (`quarantine_reason`, gate failed) so that later
  builds go on without it until a new parser version retries it.
Each edition is replaced as a unit (delete + insert in one transaction), which is what a Dagster partition is.
"""

from __future__ import annotations

import json
import re
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from fast_pipeline.core.canonical import empty_actions
from fast_pipeline.core.errors import ConfigError, LockError

EDITIONS_DDL = """
create table if not exists raw.editions (
    source_id varchar not null,
    edition varchar not null,
    parser_version varchar,
    edition_date varchar,
    retrieved_at varchar,
    files varchar,
    primary_file varchar,
    parsed_rows bigint,
    action_rows bigint,
    files_from_cache bigint,
    cross_check_issues varchar,
    gate_passed boolean,
    gate_reasons varchar,
    quarantine_reason varchar,
    primary key (source_id, edition)
)
"""
# Edition-dating columns (core.edition_dates), added to warehouses created before them.
EDITION_DATING_COLUMNS = {
    "origin": "varchar",
    "acquired_at": "varchar",
    "as_of_date": "varchar",
    "date_basis": "varchar",
    "date_warning": "varchar",
}
# The one edition order (core.edition_dates): by acquisition, ties by label. dbt's `edition_order` macro is
# the same expression; rows recorded before `acquired_at` existed fall back to their retrieval time.
EDITION_ORDER = "coalesce(acquired_at, retrieved_at), edition"


# How long to wait for DuckDB's own file lock: a reader's is held for milliseconds, a writer's (the
# build's, while dbt runs) for minutes, so a reader gives up soon with one line instead of a traceback.
READER_WAIT, WRITER_WAIT = 3.0, 30.0
_PID = re.compile(r"\(PID (\d+)\)")


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    ends = time.monotonic() + (READER_WAIT if read_only else WRITER_WAIT)
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            text = str(exc)
            if "not a valid DuckDB database" in text:
                raise ConfigError("FAST_DUCKDB_PATH", f"{path} is not a DuckDB database file") from None
            if "Could not set lock" not in text:
                raise ConfigError("FAST_DUCKDB_PATH", f"cannot open the warehouse {path}: {text}") from None
            if time.monotonic() >= ends:
                pid = _PID.search(text)
                holder = f"pid {pid.group(1)}" if pid else "another process"
                raise LockError(
                    str(path),
                    f"the warehouse is in use by {holder} (a build writes it while dbt runs); "
                    "try again when that build has finished",
                ) from None
            time.sleep(0.2)


@contextmanager
def connect(path: Path, read_only: bool = False):
    """A DuckDB connection; readers (`read_only`) never take the writer's lock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open(path, read_only)
    try:
        yield con
    finally:
        con.close()


def ensure_tables(path: Path, source_ids: list[str]) -> None:
    """Create the raw schema, and an empty actions table for every registered source, so that dbt's
    staging models exist even for a source with no edition yet."""
    with connect(path) as con:
        con.execute("create schema if not exists raw")
        con.execute(EDITIONS_DDL)
        con.execute("alter table raw.editions add column if not exists quarantine_reason varchar")
        for name, kind in EDITION_DATING_COLUMNS.items():
            con.execute(f"alter table raw.editions add column if not exists {name} {kind}")
        template = empty_actions()
        con.register("template", template)
        for sid in source_ids:
            con.execute(f'create table if not exists raw."{sid}__actions" as select * from template')
        con.unregister("template")


def _replace_partition(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, edition: str) -> None:
    con.register("incoming", frame)
    try:
        # A column that is empty in this edition has no type of its own (DuckDB says NULL): store it as text.
        types = {
            name: ("VARCHAR" if kind.strip('"') == "NULL" else kind)
            for name, kind, *_ in con.execute("describe select * from incoming").fetchall()
        }
        columns = ", ".join(f'"{name}" {kind}' for name, kind in types.items())
        con.execute(f"create table if not exists {table} ({columns})")
        have = {r[0] for r in con.execute(f"select column_name from (describe {table})").fetchall()}
        for name, kind in types.items():
            if name not in have:  # a parser version added a field: widen the table, keep older editions
                con.execute(f'alter table {table} add column "{name}" {kind}')
        con.execute(f"delete from {table} where edition = ?", [edition])
        con.execute(f"insert into {table} by name select * from incoming")
    finally:
        con.unregister("incoming")


def write_edition(
    path: Path,
    source_id: str,
    edition: str,
    *,
    parsed: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    edition_row: dict | None = None,
) -> None:
    with connect(path) as con:
        con.begin()
        try:
            if parsed is not None:
                _replace_partition(con, f'raw."{source_id}__parsed"', parsed, edition)
            if actions is not None:
                _replace_partition(con, f'raw."{source_id}__actions"', actions, edition)
            if edition_row is not None:
                con.execute("delete from raw.editions where source_id = ? and edition = ?", [source_id, edition])
                cols = list(edition_row)
                con.execute(
                    f"insert into raw.editions ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                    [edition_row[c] for c in cols],
                )
            con.commit()
        except BaseException:
            con.rollback()
            raise


def record_quarantine(
    path: Path,
    source_id: str,
    edition: str,
    *,
    parser_version: str,
    reason: str,
    retrieved_at: str | None,
    files: list[dict],
    origin: str | None = None,
    acquired_at: str | None = None,
) -> None:
    """Record an edition that its parser cannot process: held back from releases (gate failed, with the
    reason, so the release's freshness and CHANGES.md say why) and not retried until the parser changes.
    Rows an earlier parser version wrote for it are left in place but no longer published."""
    write_edition(
        path,
        source_id,
        edition,
        edition_row={
            "source_id": source_id,
            "edition": edition,
            "parser_version": parser_version,
            "retrieved_at": retrieved_at,
            "files": json.dumps(files, sort_keys=True),
            "cross_check_issues": "[]",
            "gate_passed": False,
            "gate_reasons": json.dumps([f"quarantined: {reason}"], ensure_ascii=False),
            "quarantine_reason": reason,
            "origin": origin,
            "acquired_at": acquired_at,
        },
    )


def previous_published(path: Path, source_id: str, edition: str, acquired_at: str | None) -> dict | None:
    """The latest published edition acquired before this one (the one edition order): its label, action
    count, as-of date and what that date is (date_basis); None for a source's first."""
    if not path.exists():
        return None
    with connect(path, read_only=True) as con:
        cur = con.execute(
            """select edition, action_rows, as_of_date, date_basis from raw.editions
                where source_id = ? and gate_passed and edition <> ?
                  and (coalesce(acquired_at, retrieved_at), edition) < (?, ?)
                order by coalesce(acquired_at, retrieved_at) desc, edition desc limit 1""",
            [source_id, edition, acquired_at or "", edition],
        )
        row = cur.fetchone()
    return dict(zip(("edition", "action_rows", "as_of_date", "date_basis"), row)) if row else None


def previous_published_rows(path: Path, source_id: str, edition: str, acquired_at: str | None) -> int | None:
    """Action count of the latest published edition acquired before this one (for the publish gate)."""
    previous = previous_published(path, source_id, edition, acquired_at)
    return int(previous["action_rows"]) if previous else None


def edition_action_ids(path: Path, source_id: str, edition: str) -> set[str]:
    """The action IDs one recorded edition holds (the publish gate's removal count)."""
    if not path.exists():
        return set()
    with connect(path, read_only=True) as con:
        try:
            rows = con.execute(
                f'select distinct action_id from raw."{source_id}__actions" where edition = ?', [edition]
            ).fetchall()
        except duckdb.CatalogException:
            return set()
    return {r[0] for r in rows}


def editions_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame()
    with connect(path, read_only=True) as con:
        try:
            frame = con.execute(f"select * from raw.editions order by source_id, {EDITION_ORDER}").df()
        except duckdb.CatalogException:
            return pd.DataFrame()
    for col in ("files", "cross_check_issues", "gate_reasons"):
        if col in frame:
            frame[col] = frame[col].map(lambda v: json.loads(v) if isinstance(v, str) else v)
    return frame
