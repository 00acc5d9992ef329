"""The saved page -> canonical actions: one designation per (section, entity), valid against the schema."""

from __future__ import annotations

import json

import pytest

from fast_pipeline.core.canonical import validate_actions
from fast_pipeline.core.parsing import parse_validated
from fast_pipeline.core.source import local_source_file
from fast_pipeline.sources.us_dhs_uflpa import SOURCE
from fast_pipeline_tests.conftest import saved_file

EDITION = "2026-07-09_html"


@pytest.fixture(scope="module")
def actions(shared_sources):
    file = local_source_file(SOURCE.source_id, saved_file(SOURCE.source_id, EDITION), edition=EDITION)
    parsed = parse_validated(SOURCE, file)
    return validate_actions(SOURCE.normalise(parsed, EDITION, SOURCE.edition_date(parsed, EDITION)))


def test_one_action_per_row(actions):
    assert len(actions) == 160 and actions["action_id"].is_unique
    assert actions["legal_basis"].value_counts().to_dict() == {
        "UFLPA Sec. 2(d)(2)(B)(v)": 108,
        "UFLPA Sec. 2(d)(2)(B)(ii)": 43,
        "UFLPA Sec. 2(d)(2)(B)(i)": 9,
    }
    assert set(actions["action_type"]) == {"entity_list_designation"}
    assert set(actions["authority"]) == {"Forced Labor Enforcement Task Force (DHS)"}
    assert set(actions["status"]) == {"active"} and actions["status_raw"].isna().all()
    assert set(actions["edition_date"]) == {"2025-01-14"}
    assert actions["party_country"].isna().all()  # the page states no country: none is guessed


def test_an_entity_in_three_sections_has_three_actions_and_one_party(actions):
    xpcc = actions[actions["party_name"] == "Xinjiang Production and Construction Corps"]
    assert sorted(xpcc["legal_basis"]) == [
        "UFLPA Sec. 2(d)(2)(B)(i)",
        "UFLPA Sec. 2(d)(2)(B)(ii)",
        "UFLPA Sec. 2(d)(2)(B)(v)",
    ]
    assert xpcc["party_record_id"].nunique() == 1 and xpcc["action_id"].nunique() == 3
    assert set(xpcc["party_kind"]) == {"organisation"}
    assert set(xpcc["effective_date"]) == {"2022-06-21"}


def test_named_action(actions):
    row = actions[actions["source_locator"] == "table 1 row 4"].iloc[0].to_dict()
    assert row["natural_key"] == "2(d)(2)(B)(i)|hoshine silicon industry shanshan co ltd"
    assert (row["party_name"], row["party_kind"], row["listed_date"], row["effective_date"]) == (
        "Hoshine Silicon Industry (Shanshan) Co., Ltd",
        "company",
        "2022-06-21",
        "2022-06-21",
    )
    assert json.loads(row["party_aliases"]) == ["Hesheng Silicon Industry (Shanshan) Co."]
    details = json.loads(row["details"])
    assert details["scope"] == "and subsidiaries"
    assert details["entity_cell"] == (
        "Hoshine Silicon Industry (Shanshan) Co., Ltd (including one alias: Hesheng "
        "Silicon Industry (Shanshan) Co.) and subsidiaries"
    )
    assert details["section"] == "2(d)(2)(B)(i)" and details["section_description"].startswith("A list of entities")
    # the same firm in section (v) ("Co., Ltd., and Subsidiaries") is the same party record
    other = actions[actions["source_locator"] == "table 3 row 37"].iloc[0]
    assert other["party_record_id"] == row["party_record_id"] and other["action_id"] != row["action_id"]


def test_organisations_are_the_government_bodies(actions):
    organisations = sorted(set(actions[actions["party_kind"] == "organisation"]["party_name"]))
    assert organisations == [
        "No. 4 Vocation Skills Education Training Center",
        "Xinjiang Production and Construction Corps",
    ]
