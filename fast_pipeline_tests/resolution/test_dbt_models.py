"""The dbt models build parties, party_links and party_redirects over a warehouse of real editions, and the
dbt tests (uniqueness, relationships, accepted values, every merge explained) pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from fast_pipeline.core import warehouse
from fast_pipeline.core.parsing import EditionResult
from fast_pipeline.settings import DBT_PROJECT_DIR
from fast_pipeline.sources.registry import SOURCE_IDS

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


def test_dbt_build_of_the_party_models(real_actions, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    _warehouse(real_actions, db)
    chosen = real_actions[
        [e in EDITIONS.get(s, ()) for s, e in zip(real_actions["source_id"], real_actions["edition"])]
    ]
    employers = chosen.loc[chosen["source_id"] == "br_mte_lista_suja", "party_identifiers"].nunique()
    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "FAST_DUCKDB_PATH": str(db), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    proc = subprocess.run(
        [
            str(dbt),
            "build",
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
            "--select",
            "+adverse_actions",
            "+party_links",
            "+party_redirects",
            "party_overrides",
            "--indirect-selection",
            "cautious",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
    with duckdb.connect(str(db), read_only=True) as con:
        actions, _parties, unresolved = con.execute(
            "select count(*), count(distinct party_id), count(*) filter (where party_id is null) "
            "from marts.adverse_actions"
        ).fetchone()
        br = con.execute(
            "select count(distinct party_id) from marts.adverse_actions where source_id = 'br_mte_lista_suja'"
        ).fetchone()[0]
        rules = dict(con.execute("select rule, count(*) from marts.party_links group by rule").fetchall())
    assert unresolved == 0 and actions == chosen["action_id"].nunique()
    assert br == employers  # one party per CPF/CNPJ
    assert rules["identifier"] > 40 and rules["override_same"] == 4 and rules["override_not_same"] == 1
