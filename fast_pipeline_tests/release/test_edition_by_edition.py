"""Building the saved Brazilian editions one at a time, oldest first, through the real pipeline (archive,
Dagster, dbt, release): one release per step whose changes are what really changed between those
editions (the same archive built twice: test_reproducible_release.py)."""

from __future__ import annotations

import json
import re

import duckdb
import pandas as pd
import pytest

from fast_pipeline.cli import main
from fast_pipeline_tests.conftest import SHARED_SOURCES
from fast_pipeline_tests.release.stepwise import EDITIONS, SID, VERSIONS, Run, shared_stepwise


@pytest.fixture(scope="module")
def stepwise(tmp_path_factory) -> Run:
    return shared_stepwise(tmp_path_factory)  # one for every worker: test_reproducible_release.py reads it too


@pytest.fixture(scope="module")
def final_changes(stepwise) -> pd.DataFrame:
    with duckdb.connect(str(stepwise.settings.duckdb_path), read_only=True) as con:
        return con.execute("select * from marts.action_changes").df()


def _changes(run: Run, step: int) -> dict:
    return json.loads((run.settings.releases_dir / VERSIONS[step] / "changes.json").read_text(encoding="utf-8"))


def test_one_release_per_edition_dated_by_the_edition(stepwise):
    assert EDITIONS == ["2023-03-09_txt", "2024-12-04_pdf", "2026-01-28_xlsx", "2026-08-02_csv", "2026-08-03_csv"]
    for report, version in zip(stepwise.reports, VERSIONS):
        assert report.ok and report.release_created and report.release == version, stepwise.lines
    releases = sorted(p.name for p in stepwise.settings.releases_dir.iterdir() if not p.name.startswith("."))
    assert releases == VERSIONS
    assert [_changes(stepwise, n)["previous_version"] for n in range(5)] == [None, *VERSIONS[:-1]]


@pytest.mark.parametrize("step", range(5), ids=EDITIONS)
def test_release_changes_are_the_edition_change_log(stepwise, final_changes, step):
    """Each release adds exactly one edition, so its changes are that edition's rows of marts.action_changes."""
    ch = _changes(stepwise, step)
    log = final_changes[final_changes["edition"] == EDITIONS[step]]
    assert {a["action_id"] for a in ch["added"]} == set(log.loc[log["change"] == "added", "action_id"])
    assert {r["action_id"] for r in ch["removed"]} == set(log.loc[log["change"] == "removed", "action_id"])
    released = {(c["action_id"], f["field"], f["old"], f["new"]) for c in ch["changed"] for f in c["fields"]}
    logged = {
        (
            r.action_id,
            r.field,
            None if pd.isna(r.old_value) else r.old_value,
            None if pd.isna(r.new_value) else r.new_value,
        )
        for r in log[log["change"] == "changed"].itertuples()
    }
    assert released == logged
    assert ch["summary"]["added"] + ch["summary"]["removed"] + ch["summary"]["changed"] > 0


def _tax_id(cell: str) -> str:
    return re.sub(r"\D", "", cell)


def test_renumbered_rows_change_nothing_and_the_two_employers_who_left_are_removed(stepwise):
    """2026-08-02 -> 2026-08-03: the CSV's IDs are all renumbered and two employers are gone."""

    def rows(edition):
        path = next((SHARED_SOURCES / SID / edition).iterdir())
        return pd.read_csv(path, sep=";", encoding="cp1252", dtype=str).drop(columns=["ID"])

    before, after = rows("2026-08-02_csv"), rows("2026-08-03_csv")
    gone = before.merge(after, how="left", indicator=True).query("_merge == 'left_only'")
    assert len(gone) == 2
    ch = _changes(stepwise, 4)
    assert ch["summary"] == {
        "added": 0,
        "removed": 2,
        "changed": 0,
        "by_source": {SID: {"added": 0, "removed": 2, "changed": 0}},
    }
    assert sorted(r["natural_key"].split("|")[0].split(":")[1] for r in ch["removed"]) == sorted(
        _tax_id(v) for v in gone["CNPJ/CPF"]
    )
    assert sorted(r["party_name"] for r in ch["removed"]) == sorted(gone["Empregador"])
    assert all(r["removed_in_edition"] == "2026-08-03_csv" for r in ch["removed"])


def test_a_format_without_a_field_is_no_change_and_a_court_ordered_reinclusion_is(stepwise):
    """The 2026-08-02 CSV carries no legal basis or section titles (the XLSX before it did): not a change.
    Employers re-included by a court order gain an inclusion period: a change."""
    ch = _changes(stepwise, 3)
    fields = [(f["field"], f["old"], f["new"]) for c in ch["changed"] for f in c["fields"]]
    assert not [f for f in fields if f[0] in ("legal_basis", "details.section_title")]
    grown = [f for f in fields if f[0] == "details.inclusion_periods" and len(json.loads(f[2])) > len(json.loads(f[1]))]
    assert grown


def test_cli_lists_the_releases_and_shows_the_last_diff(stepwise, monkeypatch, capsys):
    monkeypatch.setenv("FAST_DATA_DIR", str(stepwise.settings.data_dir))
    monkeypatch.setenv("FAST_DUCKDB_PATH", str(stepwise.settings.duckdb_path))
    assert main(["releases"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:]] == VERSIONS
    assert lines[-1].split()[2:6] == ["583", "0", "2", "0"]
    assert main(["diff", VERSIONS[3], VERSIONS[4]]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{VERSIONS[3]} -> {VERSIONS[4]}: 0 added, 2 removed, 0 changed")
    assert out.count(f"\n- {SID}") == 2
