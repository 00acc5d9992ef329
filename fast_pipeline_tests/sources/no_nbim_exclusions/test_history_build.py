"""Two synthetic editions through the whole build (archive, Dagster, dbt, release): a company leaving the
table is a removal in history, the release and its FtM export carry the actions, and `sources` says what
the scope left out and that the source is not yet verified against a real edition."""

from __future__ import annotations

import json

import duckdb
import pytest

from fast_pipeline.build import run_build
from fast_pipeline.cli import main
from fast_pipeline.settings import Settings
from fast_pipeline_tests.sources.no_nbim_exclusions import pages

SID = "no_nbim_exclusions"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("nbim")
    for label, rows in (("2021-06-01_html", pages.EDITION_2021), ("2022-06-01_html", pages.EDITION_2022)):
        folder = root / "mirror" / SID / label
        folder.mkdir(parents=True)
        (folder / "exclusion-of-companies.html").write_bytes(pages.page(rows))
    data = root / "data"
    settings = Settings(data_dir=data, duckdb_path=data / "warehouse.duckdb", mirror=root / "mirror")
    lines: list[str] = []
    report = run_build(settings, [SID], echo=lines.append)
    assert report.ok and report.release_created, lines
    return settings


def test_a_company_leaving_the_table_is_a_removal(built):
    with duckdb.connect(str(built.duckdb_path), read_only=True) as con:
        rows = con.execute(
            "select party_name, action_type, status, removed_in_edition from marts.adverse_actions "
            "where source_id = ? order by party_name",
            [SID],
        ).fetchall()
    assert rows == [
        ("Hansae Co Ltd", "observation", "removed", "2022-06-01_html"),
        ("Li Ning Co Ltd", "divestment", "active", None),
        ("Luthai Textile Co Ltd", "divestment", "active", None),
    ]


def test_the_release_and_its_ftm_export_carry_the_actions(built):
    (release,) = [p for p in built.releases_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    entities = [json.loads(line) for line in (release / "entities.ftm.json").read_text().splitlines()]
    measures = {
        (e["schema"], e["properties"]["provisions"][0] if "provisions" in e["properties"] else None)
        for e in entities
        if e["schema"] in ("Sanction", "Risk")
    }
    assert measures == {("Sanction", "divestment"), ("Risk", None)}
    hansae = next(e for e in entities if e["schema"] == "Risk")
    assert hansae["properties"]["status"] == ["removed"] and hansae["properties"]["endDate"] == ["2022-06-01"]
    assert "Li Ning Co Ltd" in (release / "CHANGES.md").read_text()


def test_sources_says_what_the_scope_left_out(built, monkeypatch, capsys):
    monkeypatch.setenv("FAST_DATA_DIR", str(built.data_dir))
    monkeypatch.setenv("FAST_DUCKDB_PATH", str(built.duckdb_path))
    assert main(["sources"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith(SID))
    assert "2022-06-01_html" in line and line.endswith("[not yet verified against a real edition]")
    assert f"  {SID}: the scope (source.yml) left out 2 of 4 rows" in out.splitlines()
