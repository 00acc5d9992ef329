"""The warehouse's `raw` schema, written by the Python side; dbt builds everything else over it.

One setting chooses the warehouse: `FAST_WAREHOUSE_URL` (settings.py), the embedded DuckDB file by default
(`duckdb:///<FAST_DUCKDB_PATH>`, through duckdb-engine) or PostgreSQL (`postgresql://...`, psycopg2). Every
function here takes a SQLAlchemy Engine (`engine(url)`; a DuckDB file's path is accepted and turned into
one), so callers never branch on the database. DuckDB keeps its fast path: a DataFrame is inserted through
DuckDB's own `register` + `insert ... select` on duckdb-engine's connection, never row by row.

Tables written here, one set per source (dbt sources are declared over them):
- `raw.<source_id>__parsed`: every edition's parsed rows, in the source's own vocabulary;
- `raw.<source_id>__actions`: every edition's canonical rows;
- `raw.editions`: one row per (source, edition) with dates, counts, cross-check and gate results; an edition
  its parser could not process is recorded as quarantined (`quarantine_reason`, gate failed) so that later
  builds go on without it until a new parser version retries it.
Each edition is replaced as a unit (delete + insert in one transaction), which is what a Dagster partition is.
List-valued fields are JSON text (core.canonical) on both databases; a parsed column that holds Python
lists or dicts is stored as JSON text on PostgreSQL (DuckDB keeps its native LIST/STRUCT, as before).
"""

from __future__ import annotations

import json
import os
import re
import time
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from fast_pipeline.core.errors import ConfigError, LockError

if TYPE_CHECKING:  # pandas is imported where a frame is made: a build with nothing new never loads it
    import pandas as pd

SETTING = "FAST_WAREHOUSE_URL"
EXAMPLE = "duckdb:///path/to/warehouse.duckdb or postgresql://user:password@host:5432/database"
DUCKDB, POSTGRES = "duckdb", "postgresql"
DRIVERS = {"duckdb": DUCKDB, "postgresql": POSTGRES, "postgresql+psycopg2": POSTGRES}
CONNECT_TIMEOUT_S = 10
# PostgreSQL compiles a query to machine code (JIT) once its estimated cost passes jit_above_cost. The
# models' and the release's queries are estimated far above it and run in well under a second: compiling
# took longer than running (0.85 s of int_actions__history_state's 1.5 s; the release's read of the marts
# 0.6-0.8 s, 0.05 s without). Every session the project opens, dbt's included, runs without it.
PG_SESSION_OPTIONS = "-c jit=off"

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
# The same on PostgreSQL, by code point as DuckDB orders text, whatever the server's locale.
PG_EDITION_ORDER = 'coalesce(acquired_at, retrieved_at) collate "C", edition collate "C"'


def edition_order(conn: Connection, descending: bool = False) -> str:
    """EDITION_ORDER in the dialect of `conn`, latest first when `descending`."""
    order = EDITION_ORDER if _is_duckdb(conn) else PG_EDITION_ORDER
    if not descending:
        return order
    acquired, label = order.split(", edition")
    return f"{acquired} desc, edition{label} desc"


# How long to wait for DuckDB's own file lock: a reader's is held for milliseconds, a writer's (the
# build's, while dbt runs) for minutes, so a reader gives up soon with one line instead of a traceback.
READER_WAIT, WRITER_WAIT = 3.0, 30.0
WRITER_LOCK_KEY = 0x66617374_77726974  # PostgreSQL advisory lock of the warehouse's writers ("fastwrit")
PUBLISH_LOCK_KEY = 0x66617374_70756262  # ... and of its one publisher at a time ("fastpubb")
PUBLISH_WAIT = 900.0  # seconds a build waits for another host's publish (dbt, resolution, release) to end
_PID = re.compile(r"\(PID (\d+)\)")


def parse_url(text: str, setting: str = SETTING) -> URL:
    """The warehouse URL, checked: a DuckDB file or a PostgreSQL database; else one ConfigError line."""
    try:
        url = make_url(text)
    except sa.exc.ArgumentError:
        raise ConfigError(setting, f"{text!r} is not a database URL (expected {EXAMPLE})") from None
    except ValueError:  # the only number in a URL
        raise ConfigError(setting, f"the port is not a number (expected {EXAMPLE})") from None
    shown = url.render_as_string(hide_password=True)
    kind = DRIVERS.get(url.drivername)
    if kind is None:
        raise ConfigError(setting, f"{shown}: unsupported warehouse (expected {EXAMPLE})")
    if kind == DUCKDB and (not url.database or url.database == ":memory:"):
        raise ConfigError(setting, f"{shown}: names no DuckDB file (expected duckdb:///path/to/warehouse.duckdb)")
    if kind == POSTGRES and not url.database:
        raise ConfigError(setting, f"{shown}: names no database (expected {EXAMPLE})")
    return url


def duckdb_url(path: Path) -> str:
    return f"duckdb:///{Path(path)}"


def kind_of(target) -> str:
    """`duckdb` or `postgresql`."""
    return DRIVERS[engine(target).url.drivername]


@lru_cache(maxsize=32)
def _engine(url: str, read_only: bool) -> Engine:
    parsed = parse_url(url)
    if DRIVERS[parsed.drivername] == DUCKDB:
        # No pool: a DuckDB file is locked while open, so a connection is closed as soon as it is returned.
        return sa.create_engine(parsed, poolclass=NullPool, connect_args={"read_only": read_only})
    options = pg_options(parsed.query.get("options"))
    return sa.create_engine(
        parsed, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "options": options}
    )


def pg_options(own: str | tuple[str, ...] | None) -> str:
    """libpq's `options` for a PostgreSQL session: the project's settings, then the user's own (from the
    URL's `options`, or PGOPTIONS for dbt), which win where they set the same one (the last `-c` does)."""
    own = " ".join(own) if isinstance(own, tuple) else own
    return f"{PG_SESSION_OPTIONS} {own}".strip() if own else PG_SESSION_OPTIONS


def engine(target, read_only: bool = False) -> Engine:
    """The Engine for a warehouse URL (or a DuckDB file's path); an Engine is returned as it is.
    `read_only` matters for DuckDB only: a reader never takes the writer's file lock."""
    if isinstance(target, Engine):
        return target
    url = target if isinstance(target, str) and "://" in target else duckdb_url(Path(target).expanduser().resolve())
    return _engine(url, read_only)


def duckdb_path(target) -> Path | None:
    """The DuckDB file behind `target`, or None when the warehouse is PostgreSQL."""
    url = engine(target).url
    return Path(url.database) if DRIVERS[url.drivername] == DUCKDB else None


def exists(target) -> bool:
    """False when a DuckDB warehouse has no file yet (a reader then has nothing to read); a server is
    taken to exist (reaching it is the reader's own error)."""
    path = duckdb_path(target)
    return path is None or path.exists()


def _reader(target, read_only: bool) -> Engine:
    """The engine to use: for a DuckDB file, the read-only or read-write one over the same file (read-write
    while this process keeps the file open: DuckDB opens a file one way per process)."""
    path = duckdb_path(target)
    if path is None:
        return engine(target)
    return engine(path, read_only and path not in _KEPT_OPEN)


_KEPT_OPEN: dict[Path, int] = {}  # DuckDB files kept_open holds in this process: how many blocks hold each


@contextmanager
def kept_open(target):
    """Keep a DuckDB warehouse open in this process for the block (a CLI build's edition runs). Its sessions
    then join the open database, about a millisecond each, instead of opening the file and checkpointing it
    as they close, 20-30 ms each. The file stays locked for the block, as it is while any writer works;
    the block must not span dbt, whose DuckDB connection is configured differently. PostgreSQL, or a file
    not created yet: nothing to do."""
    path = duckdb_path(target)
    if path is None or not path.exists():
        yield
        return
    conn = _open(engine(path), read_only=False)
    _KEPT_OPEN[path] = _KEPT_OPEN.get(path, 0) + 1
    try:
        yield
    finally:
        _KEPT_OPEN[path] -= 1
        if not _KEPT_OPEN[path]:
            del _KEPT_OPEN[path]
        conn.close()


def _shown(eng: Engine) -> str:
    return eng.url.render_as_string(hide_password=True)


def shown(target) -> str:
    """The warehouse for people: a DuckDB file's path, or the server's URL without its password."""
    path = duckdb_path(target)
    return str(path) if path is not None else _shown(engine(target))


DBT_TARGETS = {DUCKDB: "duckdb", POSTGRES: "postgres"}  # dbt_project/profiles.yml's outputs
PG_VARIABLES = ("FAST_PG_HOST", "FAST_PG_PORT", "FAST_PG_USER", "FAST_PG_PASSWORD", "FAST_PG_DBNAME")


def dbt_environment(target) -> dict[str, str | None]:
    """What dbt's profile reads (dbt_project/profiles.yml), derived from the one warehouse URL: the target
    name and, for PostgreSQL, its connection fields (None: unset the variable)."""
    url = engine(target).url
    kind = DRIVERS[url.drivername]
    env: dict[str, str | None] = {"FAST_DBT_TARGET": DBT_TARGETS[kind], **dict.fromkeys(PG_VARIABLES)}
    if kind == DUCKDB:
        env["FAST_DUCKDB_PATH"] = url.database
        return env
    host = url.host or url.query.get("host")
    env |= {
        "FAST_PG_HOST": str(host or "localhost"),
        "FAST_PG_PORT": str(url.port or 5432),
        "FAST_PG_USER": url.username or "postgres",
        "FAST_PG_PASSWORD": url.password or "",
        "FAST_PG_DBNAME": url.database,
    }
    return env


def export_dbt_environment(target) -> None:
    """Put dbt_environment(target) into this process's environment, for dbt and its subprocesses."""
    for name, value in dbt_environment(target).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def _open(eng: Engine, read_only: bool) -> Connection:
    path = duckdb_path(eng)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    ends = time.monotonic() + (READER_WAIT if read_only else WRITER_WAIT)
    while True:
        try:
            return eng.connect()
        except sa.exc.DBAPIError as exc:
            text = " ".join(str(exc.orig or exc).split())
            if path is None:
                raise ConfigError(SETTING, f"cannot connect to {_shown(eng)}: {text}") from None
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
def session(target, read_only: bool = False):
    """A SQLAlchemy connection to the warehouse; writes commit when the block ends, and a failure rolls
    every statement of the block back (one edition is one transaction).

    Writers take turns: DuckDB's file lock does it there; on PostgreSQL a transaction-scoped advisory lock,
    because creating or widening a table (`create ... if not exists`, `add column`) races between two
    transactions. Readers never wait for writers."""
    conn = _open(_reader(target, read_only), read_only)
    try:
        with conn.begin():
            if not read_only and conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"select pg_advisory_xact_lock({WRITER_LOCK_KEY})")
            yield conn
    finally:
        conn.close()


@contextmanager
def publish_lock(target, wait: float = PUBLISH_WAIT, on_wait=None):
    """One publish at a time on a shared warehouse: dbt replaces the marts it builds, and two `dbt build`s of
    one PostgreSQL schema at once collide (on its temporary relations, or replace each other's tables half
    way). An advisory lock held for the whole publish, so builds on several hosts take turns; `on_wait` is
    told once if another holds it. DuckDB needs none: its file has one writer, which the data directory's
    writer lock is."""
    if engine(target).dialect.name != "postgresql":
        yield
        return
    with advisory_lock(target, PUBLISH_LOCK_KEY, doing="publishing to this warehouse", wait=wait, on_wait=on_wait):
        yield


@contextmanager
def advisory_lock(target, key: int, *, doing: str, wait: float, on_wait=None, who: str = "another build"):
    """Hold PostgreSQL's session-level advisory lock `key` on `target` (a PostgreSQL URL) for the block, on
    a connection of its own: processes on every host take turns (builds publishing, every process opening
    a Dagster storage), and the server drops the lock if its holder dies. A caller that finds it held says
    so once (`on_wait`: "WHO ... is DOING: waiting for it") and waits up to `wait` seconds, then stops with
    one line (a LockError: "WHO ... has been DOING for more than WAIT s")."""
    eng = engine(target)
    conn = eng.connect()
    try:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        if not conn.exec_driver_sql(f"select pg_try_advisory_lock({key})").scalar():
            if on_wait:
                on_wait(f"{who} (server pid {_lock_holder(conn, key)}) is {doing}: waiting for it")
            conn.exec_driver_sql(f"set lock_timeout = {max(1, int(wait * 1000))}")  # milliseconds; 0 is none
            try:
                conn.exec_driver_sql(f"select pg_advisory_lock({key})")
            except sa.exc.OperationalError as exc:
                if getattr(exc.orig, "pgcode", None) != "55P03":  # lock_not_available: waited `wait`
                    raise
                raise LockError(
                    _shown(eng),
                    f"{who} (server pid {_lock_holder(conn, key)}) has been {doing} for more than "
                    f"{wait:g}s; try again when it has finished",
                ) from None
        try:
            yield
        finally:
            conn.exec_driver_sql(f"select pg_advisory_unlock({key})")
    finally:
        conn.close()


def _lock_holder(conn: Connection, key: int) -> str:
    """The server pid of the session holding advisory lock `key`, or '?'."""
    pid = conn.exec_driver_sql(
        "select a.pid from pg_locks l join pg_stat_activity a on a.pid = l.pid "
        f"where l.locktype = 'advisory' and l.granted and (l.classid::bigint << 32 | l.objid::bigint) = {key}"
    ).scalar()
    return str(pid) if pid is not None else "?"


def native(conn: Connection) -> duckdb.DuckDBPyConnection:
    """DuckDB's own connection under duckdb-engine's (same transaction), for its fast paths: `register`,
    Arrow results, `.df()`."""
    wrapper = conn.connection.dbapi_connection
    return getattr(wrapper, "_ConnectionWrapper__c", wrapper)  # duckdb-engine's ConnectionWrapper holds it


@contextmanager
def connect(target, read_only: bool = False):
    """DuckDB's native connection to a DuckDB warehouse (the release's Arrow reads); readers (`read_only`)
    never take the writer's lock. A PostgreSQL warehouse has no such connection: use `session`."""
    if duckdb_path(target) is None:
        raise ConfigError(SETTING, f"{_shown(engine(target))}: this step reads a DuckDB warehouse only (for now)")
    with session(target, read_only) as conn:
        yield native(conn)


def _is_duckdb(conn: Connection) -> bool:
    return conn.dialect.name == "duckdb"


# information_schema rather than SQLAlchemy's reflection, which costs tens of milliseconds a call on DuckDB.
def _columns(conn: Connection, name: str, schema: str = "raw") -> list[str]:
    """The table's columns in order; empty when there is no such table."""
    return list(
        conn.execute(
            sa.text(
                "select column_name from information_schema.columns "
                "where table_schema = :schema and table_name = :name order by ordinal_position"
            ),
            {"schema": schema, "name": name},
        ).scalars()
    )


def _has_table(conn: Connection, name: str, schema: str = "raw") -> bool:
    return bool(_columns(conn, name, schema))


# A pandas column's type in the warehouse (PostgreSQL; DuckDB infers its own from the registered frame).
def _sql_type(series: pd.Series) -> str:
    import pandas as pd

    kind = series.dtype
    if pd.api.types.is_bool_dtype(kind):
        return "boolean"
    if pd.api.types.is_integer_dtype(kind):
        return "bigint"
    if pd.api.types.is_float_dtype(kind):
        return "double precision"
    if pd.api.types.is_datetime64_any_dtype(kind):
        return "timestamp"
    return "text"


def _json_cell(value):
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # a NumPy array from a list column
        return json.dumps(value.tolist(), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values: NA as None, lists and dicts as JSON text."""
    out = frame.astype(object).where(frame.notna(), None)
    return [{k: _json_cell(v) for k, v in row.items()} for row in out.to_dict("records")]


def _quoted(table: str, schema: str = "raw") -> str:
    return f'{schema}."{table}"'


def _create_like(conn: Connection, table: str, frame: pd.DataFrame, schema: str = "raw") -> None:
    """Create `schema.table` with the frame's columns if it is missing; widen it by any new column."""
    have = set(_columns(conn, table, schema))
    if have and have.issuperset(frame.columns):  # the usual case: nothing to create, no types to infer
        return
    if _is_duckdb(conn):
        con = native(conn)
        con.register("incoming", frame)
        try:
            # A column that is empty in this edition has no type of its own (DuckDB says NULL): store it as text.
            types = {
                name: ("VARCHAR" if kind.strip('"') == "NULL" else kind)
                for name, kind, *_ in con.execute("describe select * from incoming").fetchall()
            }
        finally:
            con.unregister("incoming")
    else:
        types = {name: _sql_type(frame[name]) for name in frame.columns}
    columns = ", ".join(f'"{name}" {kind}' for name, kind in types.items())
    conn.exec_driver_sql(f"create schema if not exists {schema}")
    conn.exec_driver_sql(f"create table if not exists {_quoted(table, schema)} ({columns})")
    have = set(_columns(conn, table, schema))
    for name, kind in types.items():
        if name not in have:  # a parser version added a field: widen the table, keep older editions
            conn.exec_driver_sql(f'alter table {_quoted(table, schema)} add column "{name}" {kind}')


def _insert(conn: Connection, table: str, frame: pd.DataFrame, schema: str = "raw") -> None:
    if frame.empty:
        return
    if _is_duckdb(conn):
        con = native(conn)
        con.register("incoming", frame)
        try:
            con.execute(f"insert into {_quoted(table, schema)} by name select * from incoming")
        finally:
            con.unregister("incoming")
        return
    target = sa.Table(table, sa.MetaData(), *(sa.Column(c) for c in frame.columns), schema=schema)
    conn.execute(target.insert(), _records(frame))


def _replace_partition(conn: Connection, table: str, frame: pd.DataFrame, edition: str) -> None:
    _create_like(conn, table, frame)
    conn.execute(sa.text(f"delete from {_quoted(table)} where edition = :edition"), {"edition": edition})
    _insert(conn, table, frame)


def ensure_tables(target, source_ids: list[str]) -> None:
    """Create the raw schema, and an empty actions table for every registered source, so that dbt's
    staging models exist even for a source with no edition yet."""
    with session(target) as conn:
        conn.exec_driver_sql("create schema if not exists raw")
        conn.exec_driver_sql(EDITIONS_DDL)
        conn.exec_driver_sql("alter table raw.editions add column if not exists quarantine_reason varchar")
        for name, kind in EDITION_DATING_COLUMNS.items():
            conn.exec_driver_sql(f"alter table raw.editions add column if not exists {name} {kind}")
        present = set(
            conn.execute(
                sa.text("select table_name from information_schema.tables where table_schema = 'raw'")
            ).scalars()
        )
        missing = [sid for sid in source_ids if f"{sid}__actions" not in present]
        if not missing:
            return
        from fast_pipeline.core.canonical import empty_actions

        template = empty_actions()
        if _is_duckdb(conn):
            con = native(conn)
            con.register("template", template)
            for sid in missing:
                con.execute(f'create table if not exists raw."{sid}__actions" as select * from template')
            con.unregister("template")
        else:
            for sid in missing:
                _create_like(conn, f"{sid}__actions", template)


def write_edition(
    target,
    source_id: str,
    edition: str,
    *,
    parsed: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    edition_row: dict | None = None,
) -> None:
    """Replace one edition's rows (parsed, canonical, its raw.editions row) in one transaction."""
    with session(target) as conn:
        if parsed is not None:
            _replace_partition(conn, f"{source_id}__parsed", parsed, edition)
        if actions is not None:
            _replace_partition(conn, f"{source_id}__actions", actions, edition)
        if edition_row is not None:
            key = {"source_id": source_id, "edition": edition}
            conn.execute(sa.text("delete from raw.editions where source_id = :source_id and edition = :edition"), key)
            cols = list(edition_row)
            conn.execute(
                sa.text(f"insert into raw.editions ({', '.join(cols)}) values ({', '.join(':' + c for c in cols)})"),
                edition_row,
            )


def replace_table(target, schema: str, table: str, frame: pd.DataFrame) -> None:
    """Replace a whole table with a DataFrame's rows in one transaction (created, or widened, as needed)."""
    with session(target) as conn:
        _create_like(conn, table, frame, schema)
        conn.exec_driver_sql(f"delete from {_quoted(table, schema)}")
        _insert(conn, table, frame, schema)


def record_quarantine(
    target,
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
        target,
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


def previous_published(target, source_id: str, edition: str, acquired_at: str | None) -> dict | None:
    """The latest published edition acquired before this one (the one edition order): its label, action
    count, as-of date and what that date is (date_basis); None for a source's first."""
    if not exists(target):
        return None
    with session(target, read_only=True) as conn:
        row = conn.execute(
            sa.text(f"""select edition, action_rows, as_of_date, date_basis from raw.editions
                where source_id = :source_id and gate_passed and edition <> :edition
                  and ({edition_order(conn)}) < (:acquired_at, :edition)
                order by {edition_order(conn, descending=True)} limit 1"""),
            {"source_id": source_id, "edition": edition, "acquired_at": acquired_at or ""},
        ).fetchone()
    return dict(zip(("edition", "action_rows", "as_of_date", "date_basis"), row)) if row else None


def previous_published_rows(target, source_id: str, edition: str, acquired_at: str | None) -> int | None:
    """Action count of the latest published edition acquired before this one (for the publish gate)."""
    previous = previous_published(target, source_id, edition, acquired_at)
    return int(previous["action_rows"]) if previous else None


def edition_action_ids(target, source_id: str, edition: str) -> set[str]:
    """The action IDs one recorded edition holds (the publish gate's removal count)."""
    if not exists(target):
        return set()
    table = f"{source_id}__actions"
    with session(target, read_only=True) as conn:
        if not _has_table(conn, table):
            return set()
        rows = conn.execute(
            sa.text(f"select distinct action_id from {_quoted(table)} where edition = :edition"), {"edition": edition}
        ).fetchall()
    return {r[0] for r in rows}


def read_frame(conn: Connection, sql: str) -> pd.DataFrame:
    """A query's result as a DataFrame: DuckDB's own `.df()` (its dtypes, as before), else pandas."""
    if _is_duckdb(conn):
        return native(conn).execute(sql).df()
    import pandas as pd

    return pd.read_sql_query(sa.text(sql), conn)


EDITION_JSON_COLUMNS = ("files", "cross_check_issues", "gate_reasons")


def _editions_query(conn: Connection) -> str:
    """raw.editions in the one edition order (source, then edition date)."""
    return f"select * from raw.editions order by source_id, {edition_order(conn)}"


def edition_rows(target) -> list[dict]:
    """raw.editions in the one edition order (source, then edition date), JSON columns decoded, as plain
    rows (dicts): what a build needs to decide that there is nothing to do, and what `sources` shows,
    without loading pandas."""
    if not exists(target):
        return []
    with session(target, read_only=True) as conn:
        if not _has_table(conn, "editions"):
            return []
        result = conn.execute(sa.text(_editions_query(conn)))
        rows = [dict(r) for r in result.mappings()]
    for row in rows:
        for col in EDITION_JSON_COLUMNS:
            if isinstance(row.get(col), str):
                row[col] = json.loads(row[col])
    return rows
