"""Two synthetic CEAC versions through the whole build: the release and its FtM export carry the conduct
agreements, an employer missing from the later version is a removal, `sources` marks the source as not
yet verified. Mirror labels carry a date (a mirror label without one is refused), then the version."""

from __future__ import annotations

import json

import duckdb
import pytest

from fast_pipeline.build import run_build
from fast_pipeline.cli import main
from fast_pipeline.settings import Settings
from fast_pipeline_tests.sources.br_mte_ceac import files

SID = "br_mte_ceac"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("ceac")
    editions = {
        "2025-10-07_2025_0007": ("2025_0007.csv", files.csv_bytes(files.rows("cadastro_column"))),
        "2026-05-04_2026_0002": ("2026_0002.xlsx", files.xlsx_bytes(files.rows("ceac_column")[:1])),
    }
    for label, (name, data) in editions.items():
        folder = root / "mirror" / SID / label
        folder.mkdir(parents=True)
        (folder / name).write_bytes(data)
    data_dir = root / "data"
    settings = Settings(data_dir=data_dir, duckdb_path=data_dir / "warehouse.duckdb", mirror=root / "mirror")
    lines: list[str] = []
    report = run_build(settings, [SID], echo=lines.append)
    assert report.ok and report.release_created, lines
    return settings


def test_release_carries_conduct_agreements_and_the_removal(built):
    with duckdb.connect(str(built.duckdb_path), read_only=True) as con:
        rows = con.execute(
            "select party_name, action_type, status, listed_date::varchar, removed_in_edition "
            "from marts.adverse_actions where source_id = ? order by party_name",
            [SID],
        ).fetchall()
    assert rows == [
        ("FAZENDA EXEMPLO LTDA", "conduct_agreement", "active", "2025-04-09", None),
        ("FULANO DE TAL", "conduct_agreement", "removed", "2025-10-07", "2026-05-04_2026_0002"),
    ]
    (release,) = [p for p in built.releases_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    entities = [json.loads(line) for line in (release / "entities.ftm.json").read_text().splitlines()]
    sanctions = [e["properties"] for e in entities if e["schema"] == "Sanction"]
    assert sorted(s["provisions"][0] for s in sanctions) == ["conduct agreement", "conduct agreement"]
    assert {s["status"][0] for s in sanctions} == {"active", "removed"}


def test_sources_marks_it_not_yet_verified(built, monkeypatch, capsys):
    monkeypatch.setenv("FAST_DATA_DIR", str(built.data_dir))
    monkeypatch.setenv("FAST_DUCKDB_PATH", str(built.duckdb_path))
    assert main(["sources"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(SID))
    assert "2026-05-04_2026_0002" in line and line.endswith("[not yet verified against a real edition]")
