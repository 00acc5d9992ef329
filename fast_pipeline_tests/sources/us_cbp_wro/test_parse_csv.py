"""The CBP CSV as published (written by the tests in CBP's exact layout, three encodings)."""

from __future__ import annotations

import json

import pytest

from fast_pipeline.core.parsing import parse_validated
from fast_pipeline.sources.us_cbp_wro import SOURCE
from fast_pipeline.sources.us_cbp_wro.parse_csv import HEADER
from fast_pipeline_tests.sources.us_cbp_wro.published import FILE_NAME, ROWS, csv_bytes, write

ENCODINGS = ("utf-8-sig", "utf-8", "cp1252")


def parse(tmp_path, data: bytes):
    return parse_validated(SOURCE, write(tmp_path, data))


def row_at(frame, locator: str) -> dict:
    match = frame[frame["source_locator"] == locator]
    assert len(match) == 1, locator
    return match.iloc[0].to_dict()


def parties(row: dict) -> list[tuple]:
    return [(p["name"], p["kind"], p["relation"]) for p in json.loads(row["parties"])]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_row_is_kept_whatever_the_encoding(tmp_path, encoding):
    frame = parse(tmp_path, csv_bytes(encoding=encoding))
    assert len(frame) == len(ROWS) == 16
    assert set(frame["encoding"]) == {encoding}
    assert frame["source_locator"].tolist() == [f"row {n}" for n in range(2, 18)]
    # 0x96 / 0x92 in cp1252 and the NBSP all decode to the same text as in UTF-8
    assert row_at(frame, "row 7")["remarks"] == (
        "Superseded by the Finding of 01/28/2022 \u2013 see the vessel\u2019s Finding."
    )
    assert parties(row_at(frame, "row 12")) == [("Top Glove Corporation Bhd.", "company", "primary")]


def test_first_and_last_rows(tmp_path):
    frame = parse(tmp_path, csv_bytes())
    first = row_at(frame, "row 2")
    assert (
        first["effective_date"],
        first["calendar_year"],
        first["country_code"],
        first["status_raw"],
        first["status"],
        first["press_release"],
    ) == ("1991-10-01", "1991", "CN", "Inactive", "inactive", None)
    assert parties(first) == [("Tianjin Malleable Iron Factory", "company", "primary")]
    last = row_at(frame, "row 17")
    assert (last["action_kind"], last["wro_finding_raw"], last["country"], last["merchandise"], last["industry"]) == (
        "finding",
        "Finding",
        "Malaysia",
        "Palm oil",
        "Agriculture and Prepared Products",
    )
    assert json.loads(last["parties"])[0]["scope"] == "its subsidiaries and joint ventures"


def test_statuses_keep_the_raw_words_and_map_them(tmp_path):
    frame = parse(tmp_path, csv_bytes())
    pairs = set(zip(frame["status_raw"], frame["status"]))
    assert pairs == {
        ("Active", "active"),
        ("Partially Active", "active"),
        ("Modified", "modified"),
        ("Partially Modified", "modified"),
        ("Revoked", "revoked"),
        ("Inactive", "inactive"),
        ("Inactive-Pending Litigation", "inactive"),
    }


def test_entity_cells_become_parties_of_the_right_kind(tmp_path):
    frame = parse(tmp_path, csv_bytes())
    hoshine = row_at(frame, "row 15")
    assert parties(hoshine) == [("Hoshine Silicon Industry Co. Ltd.", "company", "primary")]
    assert json.loads(hoshine["parties"])[0]["scope"] == "and its subsidiaries"
    assert parties(row_at(frame, "row 16")) == [("Da Wang", "vessel", "primary")]  # "Fishing Vessel: Da Wang"
    assert parties(row_at(frame, "row 7")) == [("Da Wang", "vessel", "primary")]  # "the Da Wang", a seafood WRO
    assert parties(row_at(frame, "row 13")) == [("Dalian Ocean Fishing Co., Ltd.", "company", "primary")]
    assert parties(row_at(frame, "row 14")) == [
        ("Yu Long No. 2", "vessel", "primary"),
        ("Hangton No. 112", "vessel", "co_target"),
    ]
    assert parties(row_at(frame, "row 9")) == [
        ("Yili Zhuowan Garment Manufacturing Co., Ltd.", "company", "primary"),
        ("Baoding LYSZD Trade and Business Co., Ltd.", "company", "co_target"),
    ]
    xuar = json.loads(row_at(frame, "row 11")["parties"])
    assert (xuar[0]["name"], xuar[0]["kind"], xuar[0]["aliases"]) == (
        "Xinjiang Uyghur Autonomous Region",
        "region",
        ["XUAR"],
    )
    assert parties(row_at(frame, "row 5")) == [("Marange Diamond Fields", "region", "primary")]
    turkmenistan = row_at(frame, "row 3")
    assert (turkmenistan["entity_raw"], turkmenistan["parties"], turkmenistan["merchandise"]) == (None, "[]", "Cotton")


def test_multi_line_cells_keep_their_lines_and_aka_chains_split(tmp_path):
    frame = parse(tmp_path, csv_bytes())
    haolin = row_at(frame, "row 6")
    assert haolin["entity_raw"] == (
        "Hetian Haolin Hair Accessories Co. Ltd.\na/k/a Hotan Haolin Hair Accessories\na/k/a Hollin Hair Accessories"
    )
    assert haolin["remarks"] == "Modified on 10/02/2020 to cover\nall hair products of the company."
    assert json.loads(haolin["parties"])[0]["aliases"] == ["Hotan Haolin Hair Accessories", "Hollin Hair Accessories"]
    tanyuan = json.loads(row_at(frame, "row 8")["parties"])[0]
    assert tanyuan["aliases"] == [
        "Carbon Yuan Technology",
        "Changzhou Carbon Yuan Technology Development",
        "Carbon Element Technology",
    ]
    hoshine = row_at(frame, "row 15")
    assert hoshine["remarks"].endswith('and to goods made with them, such as "polysilicon".')
    assert hoshine["press_release"].endswith("silica-based-products-made-forced-labor-xinjiang")


def test_the_modified_date_column_documented_by_opensanctions_is_tolerated(tmp_path):
    header = (*HEADER, "Modified Date")
    rows = [(*r, "02/14/2023" if n == 0 else "") for n, r in enumerate(ROWS)]
    frame = parse(tmp_path, csv_bytes(rows, header=header))
    assert len(frame) == 16
    assert (frame["modified_date"].iloc[0], frame["modified_date_raw"].iloc[0]) == ("2023-02-14", "02/14/2023")
    assert frame["modified_date"].iloc[1:].isna().all()


def test_blank_lines_and_trailing_empty_columns_are_not_entries(tmp_path):
    data = csv_bytes().decode("utf-8-sig").replace("\r\n", ",,\r\n")  # two stray empty columns on every line
    data = data + ",,,,,,,,,,,,\r\n" + "\r\n"
    frame = parse(tmp_path, data.encode("utf-8"))
    assert len(frame) == 16


def test_edition_label_and_date_come_from_the_dated_file_name(tmp_path):
    file = write(tmp_path, csv_bytes())
    assert SOURCE.edition_label([file]) == "2026-09-29"
    assert SOURCE.edition_date(parse_validated(SOURCE, file), "x") == "2026-09-29"
    undated = write(tmp_path, csv_bytes(), name="withhold-release-orders-findings-fy26-dec.csv")
    assert SOURCE.edition_label([undated]) is None
    assert FILE_NAME.endswith("2026-09-29.csv")
