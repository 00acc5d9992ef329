"""The warehouse layer (core/warehouse.py) on both databases: the same calls write, replace and read the
same rows on DuckDB and on a real PostgreSQL server, and an edition that fails half-way leaves nothing."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from urllib.parse import quote

import pandas as pd
import pytest
import sqlalchemy as sa

from fast_pipeline.core import warehouse
from fast_pipeline.core.canonical import CANONICAL_COLUMNS, conform
from fast_pipeline.core.errors import ConfigError
from fast_pipeline.environment import prepare_environment
from fast_pipeline.settings import Settings
from fast_pipeline_tests.support.cli import run_cli

SOURCE = "us_cbp_wro"


def _actions(edition: str, names: list[str]) -> pd.DataFrame:
    rows = [
        {
            "action_id": f"a{i}",
            "source_id": SOURCE,
            "edition": edition,
            "edition_date": "2024-05-01",
            "natural_key": f"key {i}",
            "action_type": "withhold_release_order",
            "authority": "U.S. Customs and Border Protection",
            "jurisdiction": "US",
            "party_record_id": f"r{i}",
            "party_name": name,
            "party_kind": "company",
            "party_identifiers": '[{"scheme":"duns","value":"1"}]',
            "party_aliases": '["Ação Ltda"]',
            "party_former_names": "[]",
            "related_parties": "[]",
            "workers_affected": i if i % 2 else None,
            "status": "active",
            "details": '{"a":1}',
            "source_sha256": "0" * 64,
            "source_locator": f"row {i}",
        }
        for i, name in enumerate(names)
    ]
    return conform(pd.DataFrame(rows))


def _parsed(edition: str, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "edition": [edition] * n,
            "row": list(range(n)),
            "name": [f"firm {i}" for i in range(n)],
            "amount": [1.5 * i for i in range(n)],
            "flag": [i % 2 == 0 for i in range(n)],
            "empty": [None] * n,
        }
    )


def _edition_row(edition: str, rows: int, acquired_at: str) -> dict:
    return {
        "source_id": SOURCE,
        "edition": edition,
        "parser_version": "1",
        "retrieved_at": acquired_at,
        "acquired_at": acquired_at,
        "files": "[]",
        "action_rows": rows,
        "gate_passed": True,
        "gate_reasons": "[]",
    }


@pytest.fixture(params=["duckdb", "postgres"])
def target(request, tmp_path):
    if request.param == "duckdb":
        return warehouse.engine(warehouse.duckdb_url(tmp_path / "warehouse.duckdb"))
    return warehouse.engine(request.getfixturevalue("postgres_url"))


def _rows(target, table: str) -> list[tuple]:
    with warehouse.session(target, read_only=True) as conn:
        cols = [c["name"] for c in sa.inspect(conn).get_columns(table, schema="raw")]
        order = ", ".join(f'"{c}"' for c in cols)
        result = conn.execute(sa.text(f'select {order} from raw."{table}" order by {order}')).fetchall()
    return [tuple(None if pd.isna(v) else v for v in row) for row in result]


def _write_history(target) -> None:
    warehouse.ensure_tables(target, [SOURCE, "us_dol_ilab"])
    warehouse.ensure_tables(target, [SOURCE, "us_dol_ilab"])  # idempotent
    for edition, names, acquired in (("e1", ["Alpha", "Beta", "Gamma"], "2024-01-01"), ("e2", ["Alpha"], "2024-02-01")):
        warehouse.write_edition(
            target,
            SOURCE,
            edition,
            parsed=_parsed(edition, len(names)),
            actions=_actions(edition, names),
            edition_row=_edition_row(edition, len(names), acquired),
        )
    # e2 again, as a rerun of its partition: replaced, not appended
    warehouse.write_edition(
        target,
        SOURCE,
        "e2",
        parsed=_parsed("e2", 2),
        actions=_actions("e2", ["Alpha", "Delta"]),
        edition_row=_edition_row("e2", 2, "2024-02-01"),
    )


def test_an_edition_is_written_and_replaced_with_the_same_rows_on_both_databases(tmp_path, postgres_url):
    engines = [warehouse.engine(warehouse.duckdb_url(tmp_path / "w.duckdb")), warehouse.engine(postgres_url)]
    for eng in engines:
        _write_history(eng)
    duck, pg = engines
    for table in (f"{SOURCE}__actions", f"{SOURCE}__parsed"):
        assert _rows(duck, table) == _rows(pg, table)
    actions = _rows(pg, f"{SOURCE}__actions")
    assert [r[CANONICAL_COLUMNS.index("edition")] for r in actions].count("e2") == 2
    assert {r[CANONICAL_COLUMNS.index("party_aliases")] for r in actions} == {'["Ação Ltda"]'}
    assert _rows(pg, "us_dol_ilab__actions") == []  # made empty by ensure_tables, so staging has a table
    for eng in engines:
        editions = warehouse.edition_rows(eng)
        assert [row["edition"] for row in editions] == ["e1", "e2"]
        assert [row["action_rows"] for row in editions] == [3, 2]
        assert warehouse.edition_action_ids(eng, SOURCE, "e2") == {"a0", "a1"}
        assert warehouse.edition_action_ids(eng, "us_dhs_uflpa", "e2") == set()  # no such table yet
        previous = warehouse.previous_published(eng, SOURCE, "e3", "2024-03-01")
        assert previous == {"edition": "e2", "action_rows": 2, "as_of_date": None, "date_basis": None}
        assert warehouse.previous_published_rows(eng, SOURCE, "e1", "2024-01-01") is None


def test_a_parser_version_that_adds_a_column_widens_the_table(target):
    warehouse.write_edition(target, SOURCE, "e1", parsed=_parsed("e1", 2))
    wider = _parsed("e2", 1).assign(extra=["new"])
    warehouse.write_edition(target, SOURCE, "e2", parsed=wider)
    rows = _rows(target, f"{SOURCE}__parsed")
    assert len(rows) == 3 and sorted(r[-1] for r in rows if r[-1] is not None) == ["new"]


def test_an_edition_that_fails_half_way_leaves_the_warehouse_as_it_was(target, monkeypatch):
    warehouse.ensure_tables(target, [SOURCE])
    warehouse.write_edition(
        target, SOURCE, "e1", actions=_actions("e1", ["Alpha"]), edition_row=_edition_row("e1", 1, "x")
    )
    before = _rows(target, f"{SOURCE}__actions"), warehouse.edition_rows(target)

    real_insert = warehouse._insert

    def failing_insert(conn, table, frame, schema="raw"):
        real_insert(conn, table, frame, schema)
        if table.endswith("__actions"):
            raise RuntimeError("the run worker died")

    monkeypatch.setattr(warehouse, "_insert", failing_insert)
    with pytest.raises(RuntimeError, match="worker died"):
        warehouse.write_edition(
            target, SOURCE, "e1", actions=_actions("e1", ["Beta", "Gamma"]), edition_row=_edition_row("e1", 2, "x")
        )
    assert (_rows(target, f"{SOURCE}__actions"), warehouse.edition_rows(target)) == before


def test_replace_table_writes_a_whole_table(target):
    frame = pd.DataFrame({"party_id": ["p1", "p2"], "record_count": [1, 2], "names": ['["A"]', '["B","C"]']})
    warehouse.replace_table(target, "marts", "parties", frame)
    warehouse.replace_table(target, "marts", "parties", frame.iloc[:1])
    with warehouse.session(target, read_only=True) as conn:
        rows = conn.execute(sa.text("select party_id, record_count, names from marts.parties")).fetchall()
    assert [tuple(r) for r in rows] == [("p1", 1, '["A"]')]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("not a url", "is not a database URL"),
        ("mysql://u@h/db", "unsupported warehouse"),
        ("duckdb:///:memory:", "names no DuckDB file"),
        ("postgresql://u@h:5432/", "names no database"),
        ("postgresql://u@h:port/db", "port is not a number"),
    ],
)
def test_a_bad_warehouse_url_is_one_config_error_naming_the_setting(monkeypatch, url, reason):
    monkeypatch.setenv("FAST_WAREHOUSE_URL", url)
    with pytest.raises(ConfigError, match=reason) as caught:
        Settings.from_env()
    assert caught.value.message.startswith("FAST_WAREHOUSE_URL: ")


def test_a_server_that_is_down_is_one_config_error(postgres_cluster):
    url = f"postgresql://nobody:secret@127.0.0.1:{postgres_cluster.port}/missing"
    with pytest.raises(ConfigError) as caught:
        warehouse.edition_rows(url)
    assert caught.value.message.startswith("FAST_WAREHOUSE_URL: cannot connect to postgresql://nobody:***@")
    assert "secret" not in caught.value.message


def test_sessions_run_without_jit_and_keep_the_urls_own_options(postgres_url):
    """PostgreSQL's JIT compiled the models' and the release's plans for longer than they ran
    (warehouse.PG_SESSION_OPTIONS); options the URL gives still apply, and win where they say otherwise."""
    show = "select current_setting('jit'), current_setting('work_mem'), (select boot_val from pg_settings where name = 'jit')"
    with warehouse.session(postgres_url, read_only=True) as conn:
        assert conn.exec_driver_sql(show).one() == ("off", "4MB", "on")  # the server's own default is on
    own = f"{postgres_url}?options={quote('-c work_mem=8MB -c jit=on')}"
    with warehouse.session(own, read_only=True) as conn:
        assert conn.exec_driver_sql(show).one() == ("on", "8MB", "on")


def test_the_default_warehouse_is_the_duckdb_file(monkeypatch, tmp_path):
    monkeypatch.delenv("FAST_WAREHOUSE_URL", raising=False)
    monkeypatch.setenv("FAST_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FAST_DUCKDB_PATH", raising=False)
    settings = Settings.from_env()
    assert settings.warehouse_url == f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    monkeypatch.setenv("FAST_WAREHOUSE_URL", f"duckdb:///{tmp_path / 'other.duckdb'}")
    assert Settings.from_env().duckdb_path == tmp_path / "other.duckdb"


def test_the_cli_reads_the_editions_from_a_postgres_warehouse(tmp_path, postgres_url):
    _write_history(postgres_url)
    run = run_cli("sources", data_dir=tmp_path, env={"FAST_WAREHOUSE_URL": postgres_url})
    assert run.code == 0, run.stderr
    line = next(row for row in run.stdout.splitlines() if row.startswith(SOURCE))
    assert "e2" in line.split()  # the last published edition, read from PostgreSQL
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_the_cli_names_a_bad_warehouse_url_in_one_line(tmp_path):
    run = run_cli("sources", data_dir=tmp_path, env={"FAST_WAREHOUSE_URL": "mysql://u@h/db"})
    run.one_line_error("FAST_WAREHOUSE_URL", "unsupported warehouse")


def test_dbt_gets_its_target_and_connection_from_the_one_url(tmp_path, restore_environ):
    url = "postgresql://fast:s%40cret@db.internal:6543/warehouse"
    prepare_environment(replace(Settings.from_env(), data_dir=tmp_path, postgres_url=url))
    assert {k: os.environ.get(k) for k in ("FAST_DBT_TARGET", *warehouse.PG_VARIABLES)} == {
        "FAST_DBT_TARGET": "postgres",
        "FAST_PG_HOST": "db.internal",
        "FAST_PG_PORT": "6543",
        "FAST_PG_USER": "fast",
        "FAST_PG_PASSWORD": "s@cret",
        "FAST_PG_DBNAME": "warehouse",
    }
    prepare_environment(replace(Settings.from_env(), data_dir=tmp_path, postgres_url=None))
    assert os.environ["FAST_DBT_TARGET"] == "duckdb"
    assert os.environ["FAST_DUCKDB_PATH"] == str(Settings.from_env().duckdb_path)
    assert not any(k in os.environ for k in warehouse.PG_VARIABLES)


def test_writers_at_once_on_postgres_lose_nothing(postgres_url):
    """Run workers of two builds load editions into one server at the same time: creating and widening the
    tables must not race (PostgreSQL's `create table if not exists` is not safe under concurrency)."""
    editions = [f"e{i:02d}" for i in range(12)]

    def load(edition: str) -> None:
        warehouse.ensure_tables(postgres_url, [SOURCE])
        parsed = _parsed(edition, 3).assign(**{f"extra_{edition}": ["x"] * 3})  # every writer widens the table
        warehouse.write_edition(
            postgres_url,
            SOURCE,
            edition,
            parsed=parsed,
            actions=_actions(edition, ["Alpha", "Beta"]),
            edition_row=_edition_row(edition, 2, edition),
        )

    with ThreadPoolExecutor(max_workers=len(editions)) as pool:
        list(pool.map(load, editions))
    assert [row["edition"] for row in warehouse.edition_rows(postgres_url)] == editions
    assert len(_rows(postgres_url, f"{SOURCE}__actions")) == 2 * len(editions)
    assert len(_rows(postgres_url, f"{SOURCE}__parsed")) == 3 * len(editions)
