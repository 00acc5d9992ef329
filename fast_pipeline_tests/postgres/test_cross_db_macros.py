"""The macros of dbt_project/macros/cross_db.sql give the same values on PostgreSQL as on DuckDB, on the
edge cases that real editions seldom hold (impossible dates, nested JSON, nulls in a patch's base). Each
macro's two renderings run on the real engines; the full models are compared in test_dbt_on_postgres.py."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import jinja2
import pytest
import sqlalchemy as sa

from fast_pipeline.core import warehouse
from fast_pipeline.settings import DBT_PROJECT_DIR

MACROS = (DBT_PROJECT_DIR / "macros" / "cross_db.sql").read_text(encoding="utf-8")


def _render(adapter: str, call: str, **names) -> str:
    """`call` (e.g. "safe_date('v')") with the adapter's implementation of the macro; `names` are Jinja
    variables the call may use."""
    return jinja2.Environment().from_string(MACROS + "{{ " + adapter + "__" + call + " }}").render(**names).strip()


def _duckdb(expr: str, values: list) -> list:
    con = duckdb.connect()
    try:
        con.execute("create table t (i integer, v varchar)")
        con.executemany("insert into t values (?, ?)", list(enumerate(values)))
        return [r[0] for r in con.execute(f"select {expr} from t order by i").fetchall()]
    finally:
        con.close()


def _postgres(url: str, expr: str, values: list) -> list:
    with warehouse.session(url) as conn:
        conn.exec_driver_sql("create temp table t (i integer, v text)")
        conn.execute(sa.text("insert into t values (:i, :v)"), [{"i": i, "v": v} for i, v in enumerate(values)])
        return [r[0] for r in conn.exec_driver_sql(f"select {expr} from t order by i").fetchall()]


DATES = [
    "2024-02-29",
    "2023-02-29",  # no such day
    "2024-02-30",
    "2024-04-31",
    "2024-12-31",
    "2024-13-01",
    "0000-01-01",
    "1999-00-10",
    "not a date",
    "",
    None,
]


def test_safe_date_gives_null_for_what_is_not_a_date(postgres_url):
    pg = _postgres(postgres_url, _render("postgres", "safe_date('v')"), DATES)
    duck = _duckdb(_render("duckdb", "safe_date('v')"), DATES)
    assert pg == [dt.date(2024, 2, 29), None, None, None, dt.date(2024, 12, 31), *[None] * 6]
    assert pg[:6] == duck[:6] and pg[7:] == duck[7:]  # year 0: DuckDB takes it, PostgreSQL has none


DETAILS = [
    '{"a":1,"b":null,"c":[1,2],"d":{"x":"é"}}',
    '{"z":"last"}',
    "{}",
]
PATCH = '{"b":"carried","e":[{"k":"v"}],"f":true}'


def test_json_patch_text_lays_members_out_as_duckdb_does(postgres_url):
    literal = "'" + PATCH + "'"
    pg = _postgres(postgres_url, _render("postgres", "json_patch_text('v', patch)", patch=literal), DETAILS)
    duck = _duckdb(_render("duckdb", "json_patch_text('v', patch)", patch=literal), DETAILS)
    assert pg == duck
    assert json.loads(pg[0]) == {"a": 1, "c": [1, 2], "d": {"x": "é"}, "b": "carried", "e": [{"k": "v"}], "f": True}


@pytest.mark.parametrize("value", ['"text"', "12", "true", "null", '[1,"a"]', '{"k":["v"]}'])
def test_json_as_text_reads_a_value_as_duckdb_does(postgres_url, value):
    pg = _postgres(postgres_url, _render("postgres", "json_as_text('v')"), [value])
    duck = _duckdb(_render("duckdb", "json_as_text('v')"), [value])
    assert pg == duck
