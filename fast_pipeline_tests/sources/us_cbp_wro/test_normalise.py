"""CBP orders -> canonical actions: every row an action, stable keys, parties of the right kind."""

from __future__ import annotations

import json
import random

import pytest

from fast_pipeline.core.canonical import validate_actions
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.parsing import parse_validated
from fast_pipeline.sources.us_cbp_wro import SOURCE
from fast_pipeline.sources.us_cbp_wro.parse_csv import HEADER
from fast_pipeline_tests.sources.us_cbp_wro.published import ROWS, csv_bytes, write


def actions(tmp_path, data: bytes | None = None, name: str = "withhold-release-orders-findings-fy26-2026-09-29.csv"):
    file = write(tmp_path, data or csv_bytes(), name=name)
    parsed = parse_validated(SOURCE, file)
    return validate_actions(SOURCE.normalise(parsed, "2026-09-29", SOURCE.edition_date(parsed, "2026-09-29")))


def by_name(frame, name: str, action_type: str | None = None) -> dict:
    match = frame[(frame["party_name"] == name) & (frame["action_type"] == action_type if action_type else True)]
    assert len(match) == 1, name
    return match.iloc[0].to_dict()


def test_every_published_row_is_an_action(tmp_path):
    frame = actions(tmp_path)
    assert len(frame) == 16
    assert frame["action_type"].value_counts().to_dict() == {"withhold_release_order": 13, "finding": 3}
    assert set(frame["authority"]) == {"U.S. Customs and Border Protection"}
    assert set(frame["legal_basis"]) == {"19 U.S.C. 1307"}
    assert set(frame["edition_date"]) == {"2026-09-29"}
    assert frame["status"].value_counts().to_dict() == {"active": 10, "inactive": 3, "modified": 2, "revoked": 1}


def test_hoshine(tmp_path):
    row = by_name(actions(tmp_path), "Hoshine Silicon Industry Co. Ltd.")
    assert (
        row["party_kind"],
        row["party_country"],
        row["goods"],
        row["sector_code"],
        row["sector_scheme"],
        row["effective_date"],
        row["status"],
        row["status_raw"],
    ) == (
        "company",
        "CN",
        "Silica-based products",
        "Industrial and Manufacturing Materials",
        "CBP_INDUSTRY",
        "2021-06-24",
        "active",
        "Active",
    )
    details = json.loads(row["details"])
    assert details["entity_cell"] == "Hoshine Silicon Industry Co. Ltd. and its subsidiaries"
    assert details["scope"] == "and its subsidiaries"
    assert details["calendar_year"] == "2021"
    assert details["press_release"].startswith("https://www.cbp.gov/newsroom/")
    assert row["natural_key"] == (
        "withhold_release_order | CN | 2021-06-24 | hoshine silicon industry co ltd and its subsidiaries"
    )
    assert row["source_locator"] == "row 15"


def test_vessels_regions_and_co_targets(tmp_path):
    frame = actions(tmp_path)
    finding = by_name(frame, "Da Wang", "finding")
    wro = by_name(frame, "Da Wang", "withhold_release_order")
    assert (finding["party_kind"], wro["party_kind"], finding["party_country"]) == ("vessel", "vessel", "TW")
    assert finding["party_record_id"] == wro["party_record_id"] and finding["action_id"] != wro["action_id"]
    assert json.loads(wro["details"])["entity_cell"] == "the Da Wang"
    turkmenistan = by_name(frame, "Turkmenistan")
    assert (turkmenistan["party_kind"], turkmenistan["goods"], json.loads(turkmenistan["details"])["scope"]) == (
        "region",
        "Cotton",
        "country-wide",
    )
    assert turkmenistan["natural_key"] == "withhold_release_order | TM | 2018-05-18 | merchandise cotton"
    xuar = by_name(frame, "Xinjiang Uyghur Autonomous Region")
    assert (xuar["party_kind"], json.loads(xuar["party_aliases"])) == ("region", ["XUAR"])
    yili = by_name(frame, "Yili Zhuowan Garment Manufacturing Co., Ltd.")
    assert json.loads(yili["related_parties"]) == [
        {
            "name": "Baoding LYSZD Trade and Business Co., Ltd.",
            "kind": "company",
            "relation": "co_target",
            "aliases": [],
            "former_names": [],
            "scope": None,
        }
    ]
    vessels = by_name(frame, "Yu Long No. 2")
    assert [(p["name"], p["kind"]) for p in json.loads(vessels["related_parties"])] == [("Hangton No. 112", "vessel")]
    haolin = by_name(frame, "Hetian Haolin Hair Accessories Co. Ltd.")
    assert json.loads(haolin["party_aliases"]) == ["Hotan Haolin Hair Accessories", "Hollin Hair Accessories"]
    assert json.loads(haolin["details"])["remarks"] == (
        "Modified on 10/02/2020 to cover\nall hair products of the company."
    )


def test_action_ids_do_not_depend_on_encoding_row_order_or_file_name(tmp_path):
    base = actions(tmp_path)
    shuffled = ROWS.copy()
    random.Random(7).shuffle(shuffled)
    other = actions(
        tmp_path, csv_bytes(shuffled, encoding="cp1252"), name="withhold-release-orders-findings-fy26-dec.csv"
    )
    assert sorted(base["action_id"]) == sorted(other["action_id"])
    locators = [frame.set_index("action_id")["source_locator"].to_dict() for frame in (base, other)]
    assert locators[0] != locators[1]  # the rows moved, their IDs did not


def test_two_orders_with_the_same_target_and_day_are_told_apart_by_merchandise(tmp_path):
    twin = list(ROWS[2])
    twin[HEADER.index("Merchandise")] = "Apparel"
    frame = actions(tmp_path, csv_bytes([*ROWS, tuple(twin)]))
    taida = frame[frame["party_name"] == "Hetian Taida Apparel Co., Ltd."]
    assert sorted(k.rsplit(" | ", 1)[-1] for k in taida["natural_key"]) == ["apparel", "garments"]
    with pytest.raises(ParseError, match="same order published twice"):
        actions(tmp_path, csv_bytes([*ROWS, ROWS[2]]))


def test_subsidiaries_named_in_the_cell_are_related_parties(tmp_path):
    row = list(ROWS[2])
    row[HEADER.index("Entity")] = (
        "Camel Group Co., Ltd. and its subsidiary Camel Group Xinjiang Battery Co., Ltd. "
        "(also known as Xinjiang Camel Battery)"
    )
    frame = actions(tmp_path, csv_bytes([tuple(row), *ROWS[3:]]))
    camel = by_name(frame, "Camel Group Co., Ltd.")
    assert json.loads(camel["related_parties"]) == [
        {
            "name": "Camel Group Xinjiang Battery Co., Ltd.",
            "kind": "company",
            "relation": "subsidiary",
            "aliases": ["Xinjiang Camel Battery"],
            "former_names": [],
        }
    ]
