"""Releases written from the synthetic warehouses (conftest.py): content, checksums, changes, versions,
reproducibility, atomicity, the FollowTheMoney export, hostile publisher text, the declared schema and the CLI."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from fast_pipeline.cli import main
from fast_pipeline.core.errors import PipelineError
from fast_pipeline.release import list_releases, write_release
from fast_pipeline.release import writer as writer_module
from fast_pipeline.release.schema import FORMAT_CHANGES, FORMAT_VERSION
from fast_pipeline.settings import Settings
from fast_pipeline.sources.registry import SOURCE_IDS
from fast_pipeline_tests.release.synthetic import CBP, HOSTILE_ADDRESS, ILAB, NAMES, cbp_id, ilab_id
from fast_pipeline_tests.support.fake_source import tree_digest
from fast_pipeline_tests.support.frictionless_rows import validate

NOT_REPRODUCIBLE = {"fast_pipeline.duckdb", "SHA256SUMS"}  # DuckDB stamps each file with a random identifier

pytestmark = pytest.mark.timeout(900)  # the package fixture `warehouses` runs dbt twice on first use


@pytest.fixture(scope="module")
def released(warehouses, tmp_path_factory):
    """R1 from the early warehouse, R2 from the full one, then a third attempt with nothing new."""
    data = tmp_path_factory.mktemp("data")
    r1 = write_release(warehouses.settings(data, "early"))
    r2 = write_release(warehouses.settings(data, "full"))
    again = write_release(warehouses.settings(data, "full"))
    return warehouses.settings(data), r1, r2, again


def _json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_one_release_per_content_change_versioned_by_the_data(released):
    settings, r1, r2, again = released
    assert (r1.version, r1.created, r2.version, r2.created) == ("2026.02.01", True, "2026.04.01", True)
    assert not again.created and again.version == "2026.04.01" and again.note == "no change since release 2026.04.01"
    listed = list_releases(settings)
    assert [r["version"] for r in listed] == ["2026.02.01", "2026.04.01"]
    assert listed[1]["counts"] == {
        "adverse_actions": 7,
        "listed_actions": 6,
        "action_history": 11,
        "action_changes": 15,
        "source_freshness": 2,
        "parties": 7,
        "party_links": 0,
        "party_redirects": 0,
    }
    assert listed[1]["previous_version"] == "2026.02.01"
    assert sorted(p.name for p in settings.releases_dir.iterdir()) == [".lock", "2026.02.01", "2026.04.01"]


def test_changes_since_the_previous_release_are_the_net_changes_of_the_editions_between(released):
    _settings, r1, r2, _ = released
    first = _json(r1.path / "changes.json")
    assert first["previous_version"] is None and first["summary"]["added"] == 6 and not first["removed"]
    ch = _json(r2.path / "changes.json")
    assert ch["version"] == "2026.04.01" and ch["previous_version"] == "2026.02.01"
    assert [(a["action_id"], a["relisted"]) for a in ch["added"]] == [(cbp_id("D"), True)]
    assert [(r["action_id"], r["removed_in_edition"], r["last_seen_edition"]) for r in ch["removed"]] == [
        (cbp_id("C"), "2026-03-01", "2026-02-01")
    ]
    assert {c["action_id"]: c["fields"] for c in ch["changed"]} == {
        cbp_id("B"): [
            {"field": "status", "old": "active", "new": "modified"},
            {"field": "status_raw", "old": "Active", "new": "Modified"},
        ],
        cbp_id("E"): [{"field": "goods", "old": "Seafood", "new": None}],
        ilab_id("Bricks"): [
            {"field": "details.forced_labor", "old": "false", "new": "true"},
            {"field": "status_raw", "old": "child labor", "new": "child labor; forced labor"},
        ],
    }
    assert ch["summary"] == {
        "added": 1,
        "removed": 1,
        "changed": 3,
        "by_source": {CBP: {"added": 1, "removed": 1, "changed": 2}, ILAB: {"added": 0, "removed": 0, "changed": 1}},
    }
    md = (r2.path / "CHANGES.md").read_text(encoding="utf-8")
    assert "Changes since release 2026.02.01: **1 added, 1 removed, 3 changed** actions." in md
    assert "- Charlie Mining (`C`): gone in 2026-03-01, last listed in 2026-02-01" in md
    assert "- Delta Cotton (`D`) (listed again)" in md and "  - goods: Seafood → (empty)" in md
    assert "- us_cbp_wro 2026-05-01: 1 actions against 4: a 75% shrink" in md


def test_datapackage_describes_and_hashes_every_file(released):
    _, _, r2, _ = released
    pkg = _json(r2.path / "datapackage.json")
    assert pkg["profile"] == "data-package" and pkg["version"] == "2026.04.01"
    resources = {r["path"]: r for r in pkg["resources"]}
    on_disk = {p.name for p in r2.path.iterdir()}
    assert set(resources) == on_disk - {"datapackage.json", "SHA256SUMS"}
    for name, res in resources.items():
        if name == "fast_pipeline.duckdb":
            assert "hash" not in res  # see NOT_REPRODUCIBLE; SHA256SUMS has its checksum
            continue
        assert res["hash"] == f"sha256:{_sha(r2.path / name)}"
        if name.endswith(".parquet"):  # frictionless cannot count a Parquet file's bytes, so none is declared
            assert "bytes" not in res
        else:
            assert res["bytes"] == (r2.path / name).stat().st_size
    for line in (r2.path / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ")
        assert _sha(r2.path / name) == digest
    assert {s["source_id"] for s in pkg["sources"]} == set(SOURCE_IDS)  # every registered source
    assert all(lic["title"] and lic["path"].startswith("https://") for lic in pkg["licenses"])
    facts = pkg["fast_pipeline"]
    assert facts["content_sha256"] and facts["data_as_of"] == "2026-04-01" and facts["changes"]["changed"] == 3
    assert facts["format_version"] == FORMAT_VERSION


def test_the_release_validates_with_frictionless(released):
    """Including the empty tables (no party links here), whose JSON Lines files frictionless reads as files."""
    _, _, r2, _ = released
    report = validate(r2.path / "datapackage.json")
    assert report.valid, [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors][:10]
    assert {t.name: t.type for t in report.tasks}["party_links-jsonl"] == "file"


@pytest.mark.parametrize("table", ["adverse_actions", "action_history", "action_changes", "source_freshness"])
def test_every_format_holds_the_same_rows_in_key_order_under_the_declared_schema(released, table):
    _, _, r2, _ = released
    pkg = _json(r2.path / "datapackage.json")
    schema = next(r["schema"] for r in pkg["resources"] if r["path"] == f"{table}.csv")
    names = [f["name"] for f in schema["fields"]]
    rows = list(csv.DictReader(io.StringIO((r2.path / f"{table}.csv").read_text(encoding="utf-8"))))
    lines = [json.loads(x) for x in (r2.path / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()]
    with duckdb.connect() as con:
        relation = f"read_parquet('{r2.path / f'{table}.parquet'}')"
        parquet = con.execute(f"select * from {relation}").fetchall()
        parquet_cols = [c[0] for c in con.execute(f"describe select * from {relation}").fetchall()]
    with duckdb.connect(str(r2.path / "fast_pipeline.duckdb"), read_only=True) as con:
        in_duckdb = con.execute(f"select count(*) from {table}").fetchone()[0]
    assert list(rows[0]) == names == parquet_cols == list(lines[0])
    assert len(rows) == len(lines) == len(parquet) == in_duckdb
    key = schema.get("primaryKey") or ["source_id", "edition_seq", "action_id", "field"]
    keys = [tuple(str(r[k]) for k in key) for r in rows]
    if "primaryKey" in schema:
        assert len(set(keys)) == len(keys)
    assert [r[names.index("action_id") if "action_id" in names else 0] for r in parquet] == [
        r["action_id" if "action_id" in names else names[0]] for r in lines
    ]
    for field in schema["fields"]:  # JSON columns are JSON text in CSV, real JSON in JSON Lines
        if field["type"] in ("array", "object"):
            kind = list if field["type"] == "array" else dict
            assert all(isinstance(x[field["name"]], kind) for x in lines if x[field["name"]] is not None)
            assert all(isinstance(json.loads(r[field["name"]]), kind) for r in rows if r[field["name"]])


def test_the_duckdb_file_holds_every_table_with_descriptions(released):
    _, _, r2, _ = released
    with duckdb.connect(str(r2.path / "fast_pipeline.duckdb"), read_only=True) as con:
        tables = dict(con.execute("select table_name, comment from duckdb_tables()").fetchall())
        assert set(tables) == {
            "adverse_actions",
            "action_history",
            "action_changes",
            "source_freshness",
            "parties",
            "party_links",
            "party_redirects",
        }
        assert "SCD type 2" in tables["action_history"]
        assert con.execute("select count(*) from action_history").fetchone()[0] == 11


def test_same_warehouse_gives_byte_identical_files(warehouses, tmp_path):
    a = write_release(warehouses.settings(tmp_path / "a"))
    b = write_release(warehouses.settings(tmp_path / "b"))
    assert a.version == b.version == "2026.04.01"
    da, db = tree_digest(a.path), tree_digest(b.path)
    assert set(da) == set(db)
    assert {n: d for n, d in da.items() if n not in NOT_REPRODUCIBLE} == {
        n: d for n, d in db.items() if n not in NOT_REPRODUCIBLE
    }
    assert (a.path / "datapackage.json").read_bytes() == (b.path / "datapackage.json").read_bytes()
    today = date.today().isoformat()
    for p in a.path.iterdir():  # no trace of the build's own time inside the files
        if p.suffix in (".csv", ".jsonl", ".json", ".md"):
            assert today not in p.read_text(encoding="utf-8"), p.name


def test_release_date_can_be_set_by_hand(warehouses, tmp_path, monkeypatch):
    monkeypatch.setenv("FAST_RELEASE_DATE", "2026-11-30")
    assert write_release(warehouses.settings(tmp_path)).version == "2026.11.30"


def test_an_interrupted_release_leaves_earlier_ones_intact_and_no_half_release(warehouses, tmp_path, monkeypatch):
    first = write_release(warehouses.settings(tmp_path, "early"))
    root = first.path.parent
    before = tree_digest(root)

    def crash(path, *args, **kwargs):
        path.write_bytes(b"half a database")
        raise OSError("disk full")

    monkeypatch.setattr(writer_module, "write_duckdb", crash)
    with pytest.raises(OSError, match="disk full"):
        write_release(warehouses.settings(tmp_path, "full"))
    assert tree_digest(root) == before
    assert sorted(p.name for p in root.iterdir()) == [".lock", first.version]
    assert [r["version"] for r in list_releases(warehouses.settings(tmp_path))] == [first.version]
    # a run killed outright leaves its hidden folder: never listed, swept by the next run
    (root / ".release-killed").mkdir()
    (root / ".release-killed" / "adverse_actions.csv").write_text("half")
    assert [r["version"] for r in list_releases(warehouses.settings(tmp_path))] == [first.version]
    monkeypatch.undo()
    second = write_release(warehouses.settings(tmp_path, "full"))
    assert sorted(p.name for p in root.iterdir()) == [".lock", first.version, second.version]
    mine = lambda digest: {n: d for n, d in digest.items() if n.startswith(first.version)}  # noqa: E731
    assert mine(tree_digest(root)) == mine(before)
    assert all(not (p.stat().st_mode & 0o222) for p in second.path.iterdir())  # files are read-only


def test_followthemoney_export(released):
    _, _, r2, _ = released
    entities = [json.loads(x) for x in (r2.path / "entities.ftm.json").read_text(encoding="utf-8").splitlines()]
    assert all(set(e) == {"id", "schema", "properties"} for e in entities)
    assert [e["id"] for e in entities] == sorted(e["id"] for e in entities)
    by_id = {e["id"]: e for e in entities}
    vessels = [e for e in entities if e["schema"] == "Vessel"]
    assert len(vessels) == 1 and vessels[0]["id"].startswith("pty-")  # the resolved party ID
    vessel = vessels[0]
    assert vessel["properties"] == {
        "address": ["Dalian"],
        "alias": ["Alpha"],
        "country": ["cn"],
        "imoNumber": ["9123456"],
        "name": ["Alpha Fishing Co."],
        "topics": ["forced.labor"],
    }
    sanctions = {e["id"]: e["properties"] for e in entities if e["schema"] == "Sanction"}
    assert sorted(sanctions) == sorted(cbp_id(p) for p in "ABCDE")
    assert all(s["entity"][0] in by_id for s in sanctions.values())
    bravo = sanctions[cbp_id("B")]
    assert (bravo["status"], bravo["country"], bravo["provisions"], bravo["startDate"]) == (
        ["modified"],
        ["us"],
        ["withhold release order"],
        ["2025-06-01"],
    )
    assert "endDate" not in bravo and bravo["description"] == ["status as published: Modified"]
    charlie = sanctions[cbp_id("C")]  # gone in 2026-03: not a current sanction, and the end says it is derived
    assert (charlie["status"], charlie["endDate"]) == (["removed"], ["2026-03-01"])
    assert "endDate derived: the action is not in the publisher's edition 2026-03-01" in charlie["description"][0]
    assert "topics" not in by_id[charlie["entity"][0]]["properties"]
    risks = {e["id"]: e["properties"] for e in entities if e["schema"] == "Risk"}  # the DOL goods pairs
    assert sorted(risks) == sorted(ilab_id(g) for g in ("Cotton", "Bricks"))
    assert risks[ilab_id("Bricks")]["entity"] == ["territory-in"] and risks[ilab_id("Bricks")]["reason"] == [
        "Bricks: child labor; forced labor"
    ]
    assert by_id["territory-in"]["properties"] == {"country": ["in"], "name": ["India"], "territoryCode": ["in"]}
    ftm = _json(r2.path / "datapackage.json")["fast_pipeline"]["ftm"]
    assert ftm == {"Company": 4, "Risk": 2, "Sanction": 5, "Territory": 2, "Vessel": 1}


def test_publisher_text_is_exact_in_data_files_and_inert_where_people_read_it(released, monkeypatch, capsys):
    """Echo's name carries a bidi override and a terminal escape, its address a spreadsheet formula."""
    settings, _, r2, _ = released
    name = NAMES["E"]
    rows = {
        r["action_id"]: r
        for r in csv.DictReader(io.StringIO((r2.path / "adverse_actions.csv").read_text(encoding="utf-8")))
    }
    echo = rows[cbp_id("E")]
    assert echo["party_address"] == "'" + HOSTILE_ADDRESS  # shown as text by spreadsheets
    assert echo["party_name"] == "Echo Gloves Sdn Bhd\\u202e\\x1b[2J"
    assert rows[cbp_id("A")]["party_address"] == "Dalian"
    lines = {
        json.loads(x)["action_id"]: json.loads(x)
        for x in (r2.path / "adverse_actions.jsonl").read_text(encoding="utf-8").splitlines()
    }
    parquet = {r["action_id"]: r for r in pq.read_table(r2.path / "adverse_actions.parquet").to_pylist()}
    for exact in (lines[cbp_id("E")], parquet[cbp_id("E")]):  # the publisher's bytes, untouched
        assert (exact["party_name"], exact["party_address"]) == (name, HOSTILE_ADDRESS)
    md = (r2.path / "CHANGES.md").read_text(encoding="utf-8")
    assert "\x1b" not in md and "\u202e" not in md
    assert "- Echo Gloves Sdn Bhd\\\\u202e\\\\x1b\\[2J (`E`)" in md  # renders as the text \u202e\x1b[2J
    monkeypatch.setenv("FAST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FAST_DUCKDB_PATH", str(settings.duckdb_path))
    assert main(["diff", "2026.02.01", "2026.04.01"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "~ us_cbp_wro           Echo Gloves Sdn Bhd\\u202e\\x1b[2J  [E]" in out


def test_a_data_directory_whose_path_has_a_quote(warehouses, tmp_path):
    result = write_release(warehouses.settings(tmp_path / "o'brien's data"))
    assert result.created and (result.path / "fast_pipeline.duckdb").is_file()
    with duckdb.connect(str(result.path / "fast_pipeline.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from adverse_actions").fetchone()[0] == 7


def test_a_release_after_an_older_format_lists_the_format_changes(warehouses, tmp_path):
    first = write_release(warehouses.settings(tmp_path, "early"))
    package = first.path / "datapackage.json"
    package.chmod(0o644)
    facts = _json(package)
    del facts["fast_pipeline"]["format_version"]  # as releases written before format versions were
    package.write_text(json.dumps(facts), encoding="utf-8")
    second = write_release(warehouses.settings(tmp_path, "full"))
    changes = _json(second.path / "changes.json")["format_changes"]
    since_first = [v for v in sorted(FORMAT_CHANGES) if v > 1]
    assert len(changes) == sum(len(FORMAT_CHANGES[v]) for v in since_first)
    assert [c.split(":")[0] for c in changes] == [f"format {v}" for v in since_first for _ in FORMAT_CHANGES[v]]
    md = (second.path / "CHANGES.md").read_text(encoding="utf-8")
    assert f"## Format changes since release {first.version}" in md and "native lists in Parquet" in md
    third = write_release(warehouses.settings(tmp_path / "again", "early"))
    assert "Format changes" not in (third.path / "CHANGES.md").read_text(encoding="utf-8")


def test_a_mart_column_the_release_schema_does_not_declare_stops_the_release(warehouses, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouses.full, db)
    with duckdb.connect(str(db)) as con:
        con.execute("alter table marts.parties add column nickname varchar")
    settings = Settings(data_dir=tmp_path / "data", duckdb_path=db)
    with pytest.raises(
        PipelineError,
        match=r"marts.parties does not match its release schema .*undeclared "
        r"\['nickname'\], missing none",
    ):
        write_release(settings)
    assert list_releases(settings) == []


def test_freshness_reports_each_source_and_what_the_gate_held_back(released):
    _, _, r2, _ = released
    fresh = {s["source_id"]: s for s in _json(r2.path / "freshness.json")}
    cbp = fresh[CBP]
    assert (cbp["published_edition"], cbp["edition_date"], cbp["retrieved_at"], cbp["actions"]) == (
        "2026-04-01",
        "2026-04-01",
        "2026-04-01T08:00:00Z",
        4,
    )
    assert (cbp["as_of_date"], cbp["date_basis"], cbp["date_warning"], cbp["acquired_at"]) == (
        "2026-04-01",
        "published",
        None,
        "2026-04-01T08:00:00Z",
    )
    assert cbp["held_back"] == [{"edition": "2026-05-01", "reasons": ["1 actions against 4: a 75% shrink"]}]
    assert fresh["us_dhs_uflpa"]["published_edition"] is None and fresh["us_dhs_uflpa"]["held_back"] == []
    assert fresh[ILAB]["licence"].startswith("Public domain")


def test_cli_lists_releases_and_prints_a_diff(released, monkeypatch, capsys):
    settings, *_ = released
    monkeypatch.setenv("FAST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FAST_DUCKDB_PATH", str(settings.duckdb_path))
    assert main(["releases"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split() == ["2026.02.01", "7", "6", "6", "0", "0", "(first", "release)"]
    assert out[2].split() == ["2026.04.01", "7", "6", "1", "1", "3", "2026.02.01"]
    assert main(["diff", "2026.02.01", "2026.04.01"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2026.02.01 -> 2026.04.01: 1 added, 1 removed, 3 changed\n")
    assert "- us_cbp_wro           Charlie Mining  [C]" in out and "+ us_cbp_wro           Delta Cotton  [D]" in out
    assert "      goods: Seafood -> (empty)" in out
    assert main(["diff", "2026.02.01", "2026.04.01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["changed"] == 3
    assert main(["diff", "2026.02.01", "2031.01.01"]) == 1
    assert "no release '2031.01.01'" in capsys.readouterr().err


def test_history_the_warehouse_no_longer_holds_never_blocks_a_release(warehouses, tmp_path):
    """A release after one whose editions the warehouse lacks (here: the earlier, smaller warehouse) is still
    written, later in version order, with every action of those sources counted as added and a note."""
    write_release(warehouses.settings(tmp_path, "full"))
    later = write_release(warehouses.settings(tmp_path, "early"))
    assert later.created and later.version == "2026.04.01.2"  # data of 2026-02-01, but versions never go back
    ch = _json(later.path / "changes.json")
    assert ch["summary"]["added"] == 6 and not ch["removed"] and not ch["changed"]
    assert [n.split(":")[0] for n in ch["notes"]] == [CBP, ILAB]
    assert "Note: us_cbp_wro: the earlier release's edition 2026-04-01 is no longer" in (
        later.path / "CHANGES.md"
    ).read_text(encoding="utf-8")
