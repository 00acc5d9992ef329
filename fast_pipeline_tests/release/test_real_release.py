"""The release built from every saved edition (../shared/sources), read as its consumers read it: frictionless,
FollowTheMoney, DuckDB and pyarrow. What it says must be true: dated by the data, delisted employers not
current, lists that are lists."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
import yaml
from followthemoney import model

from fast_pipeline.cli import main
from fast_pipeline.release import list_releases
from fast_pipeline.settings import DBT_PROJECT_DIR
from fast_pipeline_tests.support.frictionless_rows import validate

BR = "br_mte_lista_suja"


@pytest.fixture(scope="module")
def release(full_build) -> Path:
    settings, report, lines = full_build
    assert report.ok and report.release_created, "\n".join(lines)
    [only] = list_releases(settings)
    return Path(only["path"])


@pytest.fixture(scope="module")
def entities(release) -> dict[str, dict]:
    lines = (release / "entities.ftm.json").read_text(encoding="utf-8").splitlines()
    return {e["id"]: e for e in map(json.loads, lines)}


@pytest.fixture(scope="module")
def actions(release) -> list[dict]:
    return pq.read_table(release / "adverse_actions.parquet").to_pylist()


def test_the_release_is_dated_by_its_data_not_by_file_times(release):
    """The newest as-of date the release carries is the 2026-08-03 CSV's label (the mirror files' mtimes,
    the day they were copied, gave 2026.12.01 before)."""
    assert release.name == "2026.08.03"
    fresh = {s["source_id"]: s for s in json.loads((release / "freshness.json").read_text(encoding="utf-8"))}
    dated = {
        sid: (s["published_edition"], s["as_of_date"], s["date_basis"], s["edition_date"])
        for sid, s in fresh.items()
        if s["published_edition"]
    }
    assert dated == {
        BR: ("2026-08-03_csv", "2026-08-03", "label", None),
        "us_dhs_uflpa": ("2026-07-09_html", "2025-01-14", "published", "2025-01-14"),
        "us_dol_eo13126": ("2014-11", "2014-11-01", "label", None),
        "us_dol_ilab": ("2018-app-xml_2019-08-30", "2019-08-30", "label", None),
    }
    assert all(
        s["acquired_at"] == f"{label_day}T00:00:00Z"
        for s, label_day in ((fresh[BR], "2026-08-03"), (fresh["us_dol_eo13126"], "2014-11-01"))
    )


def test_the_release_validates_with_frictionless(release):
    report = validate(release / "datapackage.json")
    problems = [f"{task.name}: {err.message}" for task in report.tasks for err in task.errors][:20]
    assert report.valid, "\n".join(problems or [e.message for e in report.errors])
    names = {task.name for task in report.tasks}
    assert {"adverse_actions", "adverse_actions-parquet", "adverse_actions-jsonl", "parties-parquet"} <= names


def test_lists_are_native_lists_in_parquet_and_duckdb(release):
    parties = pq.read_table(release / "parties.parquet")
    assert str(parties.schema.field("source_ids").type) == "list<element: string>"
    assert str(parties.schema.field("identifiers").type) == "list<element: struct<scheme: string, value: string>>"
    assert str(pq.read_schema(release / "adverse_actions.parquet").field("workers_affected").type) == "int32"
    with duckdb.connect(str(release / "fast_pipeline.duckdb"), read_only=True) as con:
        multi = con.execute("select count(*) from parties where len(source_ids) > 1").fetchone()[0]
        longest = con.execute("select max(len(source_ids)) from parties").fetchone()[0]
        types = dict(
            con.execute(
                "select column_name, data_type from duckdb_columns() where table_name = 'adverse_actions'"
            ).fetchall()
        )
        text_columns = con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where data_type = 'VARCHAR' and schema_name = 'main' and not internal"
        ).fetchall()
        holding_json = [
            f"{t}.{c}"
            for t, c in text_columns
            if (t, c)
            not in (("action_changes", "old_value"), ("action_changes", "new_value"))  # values as text, by design
            and con.execute(
                f'select count(*) from "{t}" where json_valid("{c}") and json_type("{c}") in (\'ARRAY\', \'OBJECT\')'
            ).fetchone()[0]
        ]
    # the DOL country-and-good pairs on both of its lists: len() counts sources, not characters
    assert multi > 0 and longest == 2
    assert types["party_identifiers"].endswith("[]") and types["related_parties"].startswith("STRUCT(")
    assert types["details"] == "JSON" and types["workers_affected"] == "INTEGER"
    assert holding_json == []


def test_the_dbt_yaml_states_the_warehouse_types(full_build):
    settings, _, _ = full_build
    documented = {}
    for path in (DBT_PROJECT_DIR / "models" / "marts").glob("*.yml"):
        for m in yaml.safe_load(path.read_text(encoding="utf-8"))["models"]:
            documented.update(
                {(m["name"], c["name"]): c["data_type"] for c in m.get("columns", []) if "data_type" in c}
            )
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        actual = {
            (t, c): d
            for t, c, d in con.execute(
                "select table_name, column_name, data_type from information_schema.columns where table_schema = 'marts'"
            ).fetchall()
        }
    assert len(documented) > 20
    assert {k: actual.get(k) for k in documented} == documented


# Free-text types FollowTheMoney rewrites when cleaning (an address's ";" becomes ","): their values must
# survive cleaning, not stay byte-equal; every other type (dates, countries, identifiers, names, entity
# references, ...) must come out of cleaning unchanged.
REWORDED_TYPES = {"address", "text"}


def _check_entity(entity: dict, ids: set[str]) -> None:
    """Strict FollowTheMoney checks: a known concrete schema, known properties, values that cleaning keeps
    (valid dates, countries, identifiers), required properties, references that resolve."""
    schema = model.get(entity["schema"])
    assert schema is not None and not schema.abstract, entity
    proxy = model.make_entity(schema)
    proxy.id = entity["id"]
    for prop, values in entity["properties"].items():
        assert prop in schema.properties, (entity["id"], prop)
        for value in values:
            proxy.add(prop, value, cleaned=False)  # raises for a property the schema lacks
    cleaned = {p: sorted(v) for p, v in proxy.to_dict()["properties"].items()}
    assert cleaned.keys() == entity["properties"].keys(), entity
    for prop, values in entity["properties"].items():
        if schema.properties[prop].type.name in REWORDED_TYPES:
            assert len(cleaned[prop]) == len(values), (entity, prop)
        else:
            assert cleaned[prop] == values, (entity, prop)
    assert all(entity["properties"].get(p) for p in schema.required), entity
    schema.validate(entity)
    for prop, values in entity["properties"].items():
        if schema.properties[prop].type.name == "entity":
            assert set(values) <= ids, (entity["id"], prop, values)


def test_the_followthemoney_export_is_valid(entities):
    ids = set(entities)
    for entity in entities.values():
        _check_entity(entity, ids)
    for entity in entities.values():  # a measure points at a thing its schema allows
        for target in entity["properties"].get("entity", []):
            assert model.get(entities[target]["schema"]).is_a(model.get(entity["schema"]).get("entity").range)
    by_schema = {s: sum(e["schema"] == s for e in entities.values()) for s in ("Sanction", "Risk", "Territory")}
    assert all(by_schema.values()), by_schema


def test_delisted_brazilian_employers_are_not_current_sanctions(actions, entities):
    br = [a for a in actions if a["source_id"] == BR]
    removed = [a for a in br if a["removed_in_edition"]]
    persons = [a for a in removed if a["party_kind"] == "person"]
    assert (len(removed), len(persons)) == (754, 536)  # issue 10 counted 754 actions no longer listed
    for a in removed:
        sanction = entities[a["action_id"]]["properties"]
        assert sanction["status"] == ["removed"] and sanction["endDate"] == [a["removed_date"].isoformat()], a
        assert "endDate derived" in sanction["description"][0] and a["removed_in_edition"] in sanction["description"][0]
        party = entities[a["party_id"]]["properties"]
        if all(b["removed_in_edition"] for b in br if b["party_id"] == a["party_id"]):
            assert "topics" not in party, party  # no longer listed anywhere: not flagged
    listed = [a for a in br if not a["removed_in_edition"]]
    assert len(listed) == 583
    for a in listed:
        sanction = entities[a["action_id"]]["properties"]
        assert sanction["status"] == ["active"] and "endDate" not in sanction and sanction["startDate"]
        assert "forced.labor" in entities[a["party_id"]]["properties"]["topics"]
    assert not [
        e for e in entities.values() if e["schema"] == "Sanction" and e["properties"]["status"] == ["Section I"]
    ]


def test_each_brazilian_listing_period_is_a_sanction(actions, entities):
    periods = {
        a["action_id"]: json.loads(a["details"])["inclusion_periods"]
        for a in actions
        if a["source_id"] == BR and len(json.loads(a["details"])["inclusion_periods"]) > 1
    }
    assert periods
    for action_id, spans in periods.items():
        *earlier, latest = spans
        assert entities[action_id]["properties"]["startDate"] == [latest["start"]]
        for span in earlier:
            old = entities[f"{action_id}-{span['start']}"]["properties"]
            assert old["startDate"] == [span["start"]] and old["endDate"] == [span["end"]]
            assert old["status"] == ["inactive"] and "listing period" in old["description"][0]


def test_goods_listings_are_risks_on_the_territory_of_their_country(actions, entities):
    goods = [a for a in actions if a["party_kind"] == "country_good"]
    assert goods
    for a in goods:
        risk = entities[a["action_id"]]
        assert risk["schema"] == "Risk"
        territory = entities[risk["properties"]["entity"][0]]
        assert territory["schema"] == "Territory"
        assert territory["properties"]["territoryCode"] == [a["party_country"].lower()]
        assert a["goods"] in risk["properties"]["reason"][0]
    assert not [e for e in entities.values() if e["schema"] == "Territory" and "—" in e["properties"]["name"][0]]


def test_sources_command_says_what_each_date_is(full_build, monkeypatch, capsys):
    settings, _, _ = full_build
    monkeypatch.setenv("FAST_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("FAST_DUCKDB_PATH", str(settings.duckdb_path))
    assert main(["sources"]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[1:]}
    age = (date.today() - date(2014, 11, 1)).days
    assert rows["us_dol_eo13126"][1:5] == ["2014-11", "2014-11-01", "(label)", "54"]
    assert rows["us_dol_eo13126"][5] == str(age)
    assert rows["us_dol_ilab"][2:4] == ["2019-08-30", "(label)"]
    assert rows["us_dhs_uflpa"][2:4] == ["2025-01-14", "(published)"]
    assert rows[BR][2:4] == ["2026-08-03", "(label)"]
