"""dbt's SQL models build on PostgreSQL from the same files as on DuckDB (macros/cross_db.sql) and give the
same rows: raw tables loaded through the warehouse layer from a real parse of ../shared/sources, `dbt
build` on both targets, and the marts compared row by row after sorting.

On each target the models run as the publish job runs them: the models resolution reads, then resolution
(the Dagster asset's function, through the warehouse layer), then the marts and every dbt test."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from fast_pipeline.core import warehouse
from fast_pipeline.core.parsing import EditionResult, normalise_edition, parse_edition
from fast_pipeline.core.source import local_source_file
from fast_pipeline.orchestration import dbt_in_process
from fast_pipeline.release import write_release
from fast_pipeline.release.package import DUCKDB_FILE
from fast_pipeline.settings import Settings
from fast_pipeline.sources.registry import SOURCE_IDS, get_source
from fast_pipeline_tests.support.dbt import build_warehouse_models, comparable_manifest, dbt

SOURCES = ("br_mte_lista_suja", "us_dhs_uflpa", "us_dol_ilab", "us_dol_eo13126")
HELD_BACK = ("us_dol_ilab", "2018-app-xml_2019-08-30")  # recorded as gate failed: source_freshness holds it back
COMPARED = ("adverse_actions", "action_history", "action_changes", "source_freshness")
COMPARED_TOO = ("parties", "party_links", "party_redirects")  # resolution's output, through the marts
JSON_COLUMNS = {"details"}


def _editions(shared_sources: Path, cache: Path):
    """(source_id, edition, parsed, actions, raw.editions row) of every saved edition of SOURCES."""
    for sid in SOURCES:
        source = get_source(sid)
        for folder in sorted(p for p in (shared_sources / sid).iterdir() if p.is_dir()):
            files = [local_source_file(sid, p, edition=folder.name) for p in sorted(folder.iterdir())]
            parsed, _ = parse_edition(source, files, cache)
            actions, _ = normalise_edition(source, parsed, folder.name)
            dates = actions["edition_date"].dropna()
            held = (sid, folder.name) == HELD_BACK
            record = EditionResult(
                source_id=sid,
                edition=folder.name,
                parser_version=source.parser_version,
                edition_date=dates.max() if len(dates) else None,
                retrieved_at=None,
                files=[],
                primary_file="test",
                parsed_rows=len(parsed),
                action_rows=len(actions),
                files_from_cache=0,
                cross_check_issues=[],
                gate_passed=not held,
                gate_reasons=["test: held back to exercise source_freshness"] if held else [],
            )
            yield sid, folder.name, parsed, actions, record.as_row()


def _plain(value, column: str):
    """A value as both databases' drivers can agree on: JSON parsed, a struct's null members left out (a
    jsonb object has only the keys it was given; DuckDB's struct has every key of its shape)."""
    if column in JSON_COLUMNS and isinstance(value, str):
        value = json.loads(value)
    if isinstance(value, dict):
        return {k: _plain(v, "") for k, v in sorted(value.items()) if v is not None}
    if isinstance(value, list):
        return [_plain(v, "") for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _sorted_rows(columns: list[str], rows) -> list[tuple]:
    plain = [tuple(_plain(v, c) for c, v in zip(columns, row)) for row in rows]
    return sorted(plain, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def _duckdb_mart(path: Path, name: str) -> tuple[list[str], list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        cur = con.execute(f"select * from marts.{name}")
        columns = [d[0] for d in cur.description]
        return columns, _sorted_rows(columns, cur.fetchall())
    finally:
        con.close()


def _postgres_mart(url: str, name: str) -> tuple[list[str], list[tuple]]:
    with warehouse.session(url, read_only=True) as conn:
        result = conn.execute(sa.text(f"select * from marts.{name}"))
        columns = list(result.keys())
        return columns, _sorted_rows(columns, result.fetchall())


def _english_collation_database(cluster) -> str:
    """A database whose text sorts as English does ('_z' < '2016-09' < 'a' < 'B'), not by code point as
    DuckDB: the models and the release must not depend on the server's locale. ICU, when the server has it."""
    import psycopg2

    name = "english_collation"
    conn = psycopg2.connect(cluster.url())
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            try:
                cur.execute(
                    f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'"
                )
            except psycopg2.Error:  # a server built without ICU: the cluster's own (code point) collation
                return cluster.create_database()
    finally:
        conn.close()
    return cluster.url(name)


@pytest.fixture(scope="module")
def both_warehouses(shared_sources, full_build, postgres_cluster, tmp_path_factory):
    """(DuckDB file, PostgreSQL URL, work dir): the same raw tables in both, dbt built over each. The editions
    are parsed through the session's full build's parse cache (keyed by the files' bytes and the parser)."""
    work = tmp_path_factory.mktemp("dbt-both")
    duck, pg = work / "warehouse.duckdb", _english_collation_database(postgres_cluster)
    for target in (duck, pg):
        warehouse.ensure_tables(target, list(SOURCE_IDS))
    for sid, edition, parsed, actions, row in _editions(shared_sources, full_build[0].cache_dir):
        for target in (duck, pg):
            warehouse.write_edition(target, sid, edition, parsed=parsed, actions=actions, edition_row=row)

    for target, name in ((duck, "duckdb"), (pg, "postgres")):
        build_warehouse_models(target, work / name)
    return duck, pg, work


@pytest.mark.parametrize("mart", COMPARED + COMPARED_TOO)
def test_a_mart_built_on_postgres_equals_the_one_built_on_duckdb(both_warehouses, mart):
    duck, pg, _ = both_warehouses
    duck_columns, duck_rows = _duckdb_mart(duck, mart)
    pg_columns, pg_rows = _postgres_mart(pg, mart)
    assert pg_columns == duck_columns
    assert len(duck_rows) > 0
    assert len(pg_rows) == len(duck_rows)
    for mine, theirs in zip(pg_rows, duck_rows):
        assert dict(zip(pg_columns, mine)) == dict(zip(duck_columns, theirs))


def test_the_history_saw_changes_and_a_held_back_edition(both_warehouses):
    """The comparison above covers what matters: changes between editions and a held-back edition."""
    _, pg, _ = both_warehouses
    with warehouse.session(pg, read_only=True) as conn:
        kinds = dict(conn.execute(sa.text("select change, count(*) from marts.action_changes group by change")).all())
        held = conn.execute(
            sa.text("select held_back_editions, held_back_reasons from marts.source_freshness where source_id = :s"),
            {"s": HELD_BACK[0]},
        ).one()
    assert {"added", "removed", "changed"} <= set(kinds)
    assert held == ([HELD_BACK[1]], [["test: held back to exercise source_freshness"]])
    with warehouse.session(pg, read_only=True) as conn:  # the server's own order is not DuckDB's
        order = conn.exec_driver_sql("select x from (values ('a'), ('B')) as v(x) order by x").scalars().all()
    assert order == ["a", "B"] or "english_collation" not in pg
    assert pd.notna(kinds["changed"])


def test_dbt_runs_its_postgresql_sessions_without_jit(both_warehouses):
    """PostgreSQL's JIT compiled the models' plans for longer than they ran (warehouse.PG_SESSION_OPTIONS):
    dbt-postgres's own connections run without it too."""
    _, pg, work = both_warehouses
    query = "select current_setting('jit') as jit, (select boot_val from pg_settings where name = 'jit') as server"
    shown = dbt(["show", "--inline", query], pg, work / "postgres")
    assert [tuple(row) for row in shown.results[0].agate_table.rows] == [("off", "on")]


def test_a_release_written_from_postgres_has_the_bytes_of_the_one_from_duckdb(both_warehouses):
    duck, pg, work = both_warehouses
    results = [
        write_release(Settings(data_dir=work / "release-duckdb", duckdb_path=duck)),
        write_release(
            Settings(data_dir=work / "release-postgres", duckdb_path=work / "unused.duckdb", postgres_url=pg)
        ),
    ]
    assert [r.created for r in results] == [True, True]
    assert results[0].version == results[1].version
    files = [sorted(p.name for p in r.path.iterdir()) for r in results]
    assert files[0] == files[1] and "adverse_actions.parquet" in files[0]
    different = [
        name
        for name in files[0]
        if name not in (DUCKDB_FILE, "SHA256SUMS")  # DuckDB stamps its file with a random identifier
        and (results[0].path / name).read_bytes() != (results[1].path / name).read_bytes()
    ]
    assert different == []


def test_a_fresh_data_directory_on_another_database_gets_the_checkouts_parse_at_its_database(
    postgres_cluster, tmp_path, monkeypatch
):
    """A PostgreSQL parse is made once per checkout, for the canonical profile (dbt_in_process), and moved to
    each database: a data directory with no parse of its own, on another database and server port, runs
    no dbt parse, and gets what dbt's own parse for that profile gives."""
    monkeypatch.setattr(dbt_in_process, "_parsed", {})
    _use_profile(monkeypatch, warehouse.dbt_environment(postgres_cluster.create_database()))
    dbt_in_process.parsed_manifest(tmp_path / "first-cache", tmp_path / "first")  # made, or the checkout's
    assert dbt_in_process.PREPARED_POSTGRES_MANIFEST.exists()
    monkeypatch.setattr(dbt_in_process, "_parsed", {})  # the next process
    url = postgres_cluster.create_database()
    profile = warehouse.dbt_environment(url)
    _use_profile(monkeypatch, profile)
    moved = dbt_in_process.parsed_manifest(tmp_path / "cache", tmp_path / "work")
    assert not (tmp_path / "work").exists()  # no dbt parse
    assert {n.database for n in moved.nodes.values() if n.resource_type == "model"} == {profile["FAST_PG_DBNAME"]}
    assert profile["FAST_PG_PORT"] != "5432" and profile["FAST_PG_DBNAME"] != "fast_pipeline"
    assert comparable_manifest(moved) == comparable_manifest(dbt_in_process.parse(tmp_path / "own", profile))


def _use_profile(monkeypatch, profile: dict[str, str | None]) -> None:
    for name, value in profile.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
