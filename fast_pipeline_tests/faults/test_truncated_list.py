"""A lista suja CSV cut at a row boundary, the day after a good edition, is held back through the whole
build (issue 10 item 13): recorded with its reason, kept out of the release, named in freshness.json and
CHANGES.md. The real next-day edition passing the same rule is tested in
sources/br_mte_lista_suja/test_update_gate.py; the end-to-end build publishes every real edition."""

from __future__ import annotations

import json

import duckdb

from fast_pipeline.build import run_build
from fast_pipeline.settings import Settings
from fast_pipeline_tests.conftest import saved_file
from fast_pipeline_tests.sources.br_mte_lista_suja.test_update_gate import truncated_copy

SID = "br_mte_lista_suja"


def test_truncated_interim_edition_is_held_back_with_its_reason(shared_sources, tmp_path):
    mirror = tmp_path / "mirror" / SID
    (mirror / "2026-08-02_csv").mkdir(parents=True)
    (mirror / "2026-08-02_csv" / "cadastro_de_empregadores.csv").write_bytes(
        saved_file(SID, "2026-08-02_csv").read_bytes()
    )
    (mirror / "2026-08-03_csv").mkdir()
    truncated_copy(mirror / "2026-08-03_csv", 452)
    data = tmp_path / "data"
    settings = Settings(data_dir=data, duckdb_path=data / "warehouse.duckdb", mirror=tmp_path / "mirror")
    lines: list[str] = []
    report = run_build(settings, [SID], echo=lines.append)
    assert report.sources[0].held_back == ["2026-08-03_csv"], lines
    assert any("HELD BACK" in line and "out of character for its kind of update (interim" in line for line in lines)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        published = con.execute(
            "select published_edition, has_held_back_edition from marts.source_freshness where source_id = ?", [SID]
        ).fetchone()
        carried = con.execute("select count(*) from marts.adverse_actions where source_id = ?", [SID]).fetchone()
    assert published == ("2026-08-02_csv", True) and carried == (585,)
    (release,) = sorted(p for p in settings.releases_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    freshness = {s["source_id"]: s for s in json.loads((release / "freshness.json").read_text())}
    held = freshness[SID]["held_back"]
    assert [h["edition"] for h in held] == ["2026-08-03_csv"]
    assert "133 of 585 actions of the previous published edition removed" in held[0]["reasons"][0]
    assert "133 of 585 actions" in (release / "CHANGES.md").read_text()
