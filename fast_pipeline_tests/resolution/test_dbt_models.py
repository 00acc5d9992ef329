"""The publish job's path over a warehouse of real editions: dbt's models, the `resolution` asset on its own
(a Dagster materialization), then the marts parties, party_links and party_redirects, whose dbt tests
(uniqueness, relationships, accepted values, every merge explained) pass. Run again, the asset rewrites
the resolved tables identically."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from dagster import materialize

from fast_pipeline.core import warehouse
from fast_pipeline.core.parsing import EditionResult
from fast_pipeline.orchestration.dbt_assets import MARTS
from fast_pipeline.orchestration.resolution_assets import resolution
from fast_pipeline.orchestration.resources import PipelineResource
from fast_pipeline.resolution.tables import SCHEMA, TABLES
from fast_pipeline.sources.registry import SOURCE_IDS
from fast_pipeline_tests.support.dbt import dbt, dbt_build

EDITIONS = {
    "br_mte_lista_suja": ["2026-08-02_csv", "2026-08-03_csv"],
    "us_dhs_uflpa": ["2026-07-09_html"],
    "us_dol_ilab": ["2016-09-30_xlsx"],
    "us_dol_eo13126": ["2014-11"],
}


def _warehouse(actions, path: Path) -> None:
    warehouse.ensure_tables(path, list(SOURCE_IDS))
    for sid, editions in EDITIONS.items():
        for edition in editions:
            rows = actions[(actions["source_id"] == sid) & (actions["edition"] == edition)].reset_index(drop=True)
            assert len(rows), (sid, edition)
            dates = rows["edition_date"].dropna()
            record = EditionResult(
                source_id=sid,
                edition=edition,
                parser_version="test",
                edition_date=dates.max() if len(dates) else None,
                retrieved_at=None,
                files=[],
                primary_file="test",
                parsed_rows=len(rows),
                action_rows=len(rows),
                files_from_cache=0,
                cross_check_issues=[],
            )
            warehouse.write_edition(path, sid, edition, actions=rows, edition_row=record.as_row())


@dataclass(frozen=True)
class Built:
    db: Path
    data_dir: Path
    chosen: pd.DataFrame
    metadata: dict  # of the resolution run, per table


def _materialize_resolution(built_db: Path, data_dir: Path) -> dict:
    pipeline = PipelineResource(data_dir=str(data_dir), duckdb_path=str(built_db))
    result = materialize([resolution], resources={"pipeline": pipeline})
    assert result.success
    return {
        m.asset_key.path[-1]: {k: v.value for k, v in m.metadata.items()}
        for m in result.asset_materializations_for_node("resolution")
    }


def _resolved_tables(db: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"select * from {SCHEMA}.{t} order by all").df() for t in TABLES}


@pytest.fixture(scope="module")
def built(real_actions, tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("party-models")
    db = root / "warehouse.duckdb"
    _warehouse(real_actions, db)
    chosen = real_actions[
        [e in EDITIONS.get(s, ()) for s, e in zip(real_actions["source_id"], real_actions["edition"])]
    ]
    cautious = ("--indirect-selection", "cautious")
    upstream = ("--select", "+adverse_actions", "+party_links", "party_overrides", "--exclude", MARTS)
    dbt_build(db, root, *upstream, *cautious)
    metadata = _materialize_resolution(db, root)
    dbt_build(db, root, "--select", "parties", "party_links", "party_redirects", "adverse_actions", *cautious)
    return Built(db, root, chosen, metadata)


def test_the_party_marts_over_the_resolution_assets_tables(built):
    chosen = built.chosen
    employers = chosen.loc[chosen["source_id"] == "br_mte_lista_suja", "party_identifiers"].nunique()
    with duckdb.connect(str(built.db), read_only=True) as con:
        actions, _parties, unresolved = con.execute(
            "select count(*), count(distinct party_id), count(*) filter (where party_id is null) "
            "from marts.adverse_actions"
        ).fetchone()
        br = con.execute(
            "select count(distinct party_id) from marts.adverse_actions where source_id = 'br_mte_lista_suja'"
        ).fetchone()[0]
        rules = dict(con.execute("select rule, count(*) from marts.party_links group by rule").fetchall())
        parties, records = con.execute("select count(*), sum(record_count) from marts.parties").fetchone()
        same = con.execute("select count(*) from marts.party_links where relation = 'same'").fetchone()[0]
    assert unresolved == 0 and actions == chosen["action_id"].nunique()
    assert br == employers  # one party per CPF/CNPJ
    assert rules["identifier"] > 40 and rules["override_same"] == 4 and rules["override_not_same"] == 1
    # the asset's metadata says what it wrote: every merge is one `same` link, n records make n - merges parties
    meta = built.metadata["parties"]
    assert (meta["party_count"], meta["record_count"], meta["merge_count"]) == (parties, records, same)
    assert records - same == parties and meta["dagster/row_count"] == parties


def test_the_resolution_asset_rerun_on_its_own_rewrites_the_tables_identically(built):
    before = _resolved_tables(built.db)
    with duckdb.connect(str(built.db)) as con:  # damage each table, so that only a rewrite restores them
        for table in TABLES:
            con.execute(f"delete from {SCHEMA}.{table} where rowid % 2 = 0")
    again = _materialize_resolution(built.db, built.data_dir)
    after = _resolved_tables(built.db)
    for table in TABLES:
        assert len(before[table]) > 0, table
        pd.testing.assert_frame_equal(after[table], before[table], check_exact=True)
    assert again == built.metadata


def test_a_null_in_a_required_column_fails_the_models_not_null_check_naming_the_column(built, tmp_path):
    """A model's required columns are one dbt test (tests/generic/not_null_columns.sql): it passed on the real
    editions above; a null in two of them fails it, and its rows say which columns and how many rows."""
    damaged = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built.db, damaged)
    with duckdb.connect(str(damaged)) as con:
        con.execute(
            "update marts.parties set party_name = null where party_id = (select min(party_id) from marts.parties)"
        )
        con.execute(
            "update marts.parties set record_count = null where party_id = (select max(party_id) from marts.parties)"
        )
    test = "not_null_columns_parties_party_id__party_name__party_kind__record_count"
    with pytest.raises(RuntimeError, match=f"(?s)Failure in test {test} .*Got 2 results"):
        dbt(["test", "--select", test], damaged, tmp_path)
    (compiled,) = (tmp_path / "target" / "compiled").rglob(
        "not_null_columns_parties*.sql"
    )  # dbt shortens a long name by a hash
    with duckdb.connect(str(damaged), read_only=True) as con:
        assert sorted(con.execute(compiled.read_text(encoding="utf-8")).fetchall()) == [
            ("party_name", 1),
            ("record_count", 1),
        ]


def test_resolution_opens_the_duckdb_file_once(built, tmp_path):
    """Its three sessions (the actions, the overrides, the resolved tables written) join one open database:
    each opened the file, and checkpointed it as it closed, a tenth of a second of every publish. Counted:
    the connections made while no other connection of this process had the file open."""
    import sqlalchemy as sa

    from fast_pipeline.resolution.tables import resolve_warehouse

    db = tmp_path / "warehouse.duckdb"
    shutil.copy(built.db, db)
    live: set[int] = set()  # this process's connections open now
    opened = []  # the connections that opened the file: none of the others had it open

    def connected(dbapi_connection, _record):
        if not live:
            opened.append(dbapi_connection)
        live.add(id(dbapi_connection))

    def closed(dbapi_connection, _record):
        live.discard(id(dbapi_connection))

    events = (("connect", connected), ("close", closed))
    for name, listener in events:
        sa.event.listen(sa.pool.Pool, name, listener)
    try:
        result = resolve_warehouse(db)
    finally:
        for name, listener in events:
            sa.event.remove(sa.pool.Pool, name, listener)
    assert len(opened) == 1 and not live
    assert result.rows["parties"] == len(_resolved_tables(db)["parties"]) > 0
