"""The saved UFLPA Entity List page (2026-07-09 copy of the list of 2025-01-15): 160 rows, 9 + 43 + 108."""

from __future__ import annotations

import json

import pytest

from fast_pipeline.core.parsing import parse_validated
from fast_pipeline.core.source import local_source_file
from fast_pipeline.sources.us_dhs_uflpa import SOURCE
from fast_pipeline_tests.conftest import saved_file

EDITION = "2026-07-09_html"


@pytest.fixture(scope="module")
def parsed(shared_sources):
    file = local_source_file(SOURCE.source_id, saved_file(SOURCE.source_id, EDITION), edition=EDITION)
    return parse_validated(SOURCE, file)


def at(frame, locator: str) -> dict:
    match = frame[frame["source_locator"] == locator]
    assert len(match) == 1, locator
    row = match.iloc[0].to_dict()
    for column in ("aliases", "former_names", "subsidiaries"):
        row[column] = json.loads(row[column])
    return row


def test_row_counts_per_section(parsed):
    assert len(parsed) == 160
    assert parsed["section"].value_counts().to_dict() == {
        "2(d)(2)(B)(v)": 108,
        "2(d)(2)(B)(ii)": 43,
        "2(d)(2)(B)(i)": 9,
    }
    assert set(parsed["page_last_updated"]) == {"2025-01-14"}
    assert parsed.groupby("section")["section_description"].first()["2(d)(2)(B)(i)"] == (
        "A list of entities in Xinjiang that mine, produce, or manufacture wholly or in part any goods, wares, "
        "articles and merchandise with forced labor"
    )


def test_first_and_last_rows(parsed):
    first = at(parsed, "table 1 row 1")
    assert (first["name"], first["effective_date"], first["effective_date_raw"], first["aliases"]) == (
        "Baoding LYSZD Trade and Business Co., Ltd.",
        "2022-06-21",
        "June 21, 2022",
        [],
    )
    last = at(parsed, "table 3 row 108")
    assert (last["name"], last["section"], last["effective_date"]) == (
        "Zijin Mining Group Co., Ltd.",
        "2(d)(2)(B)(v)",
        "2025-01-15",
    )


def test_counted_aliases(parsed):
    haolin = at(parsed, "table 1 row 2")  # "(and two aliases: Hotan Haolin Hair Accessories; and Hollin ...)"
    assert (haolin["name"], haolin["aliases"]) == (
        "Hetian Haolin Hair Accessories Co. Ltd.",
        ["Hotan Haolin Hair Accessories", "Hollin Hair Accessories"],
    )
    daqo = at(parsed, "table 1 row 5")  # "(including three aliases: ...)"
    assert daqo["name"] == "Xinjiang Daqo New Energy, Co. Ltd"
    assert daqo["aliases"] == [
        "Xinjiang Great New Energy Co., Ltd.",
        "Xinjiang Daxin Energy Co., Ltd.",
        "Xinjiang Daqin Energy Co., Ltd.",
    ]


def test_also_known_as_and_formerly_known_as(parsed):
    aksu = at(parsed, "table 2 row 1")
    assert aksu["aliases"] == [
        "Aksu Huafu Textiles Co., Ltd.",
        "Akesu Huafu",
        "Aksu Huafu Dyed Melange Yarn",
        "Akesu Huafu Melange Yarn Co., Ltd.",
    ]
    anhui = at(parsed, "table 2 row 2")
    assert (anhui["aliases"], anhui["former_names"]) == (
        [],
        ["Chaohu Youngor Color Spinning Technology Co., Ltd.", "Chaohu Xinya Color Spinning Technology Co., Ltd."],
    )
    jingweida = at(parsed, "table 2 row 18")  # "also known as A Co., Ltd. and B; and formerly known as C"
    assert (jingweida["aliases"], jingweida["former_names"]) == (
        ["Sichuan Mianyang Jingweida Technology Co., Ltd.", "JWD Technology"],
        ["Mianyang High-tech Zone Jingweida Technology Co., Ltd."],
    )
    hongyuan = at(parsed, "table 3 row 35")
    assert (hongyuan["aliases"], hongyuan["former_names"]) == (
        ["HY Solar", "Hoyuan Green Energy Co. Ltd."],
        ["Wuxi Shangji CNC Co., Ltd.", "Wuxi Shangji Automation Co., Ltd.", "Wuxi Shangji Grinding Machine Co., Ltd."],
    )


def test_subsidiary_clauses_and_acronyms(parsed):
    hoshine = at(parsed, "table 1 row 4")
    assert (hoshine["name"], hoshine["aliases"], hoshine["scope"]) == (
        "Hoshine Silicon Industry (Shanshan) Co., Ltd",
        ["Hesheng Silicon Industry (Shanshan) Co."],
        "and subsidiaries",
    )
    assert at(parsed, "table 3 row 37")["scope"] == "and Subsidiaries"  # "..., Ltd., and Subsidiaries"
    xpcc = at(parsed, "table 1 row 9")
    assert (xpcc["name"], xpcc["aliases"], xpcc["scope"]) == (
        "Xinjiang Production and Construction Corps",
        ["XPCC", "Xinjiang Corps", "Bingtuan"],
        "and its subordinate and affiliated entities",
    )
    assert at(parsed, "table 2 row 28")["aliases"] == ["XPCC"]  # "Xinjiang Production and Construction Corps (XPCC)"
    kashgar = at(parsed, "table 2 row 10")  # a parenthesis that is part of the name stays
    assert (kashgar["name"], kashgar["aliases"]) == ("Kashgar Construction Engineering (Group) Co., Ltd.", [])


def test_html_entities_are_decoded(parsed):
    assert at(parsed, "table 2 row 38")["name"] == "Zhuhai G&G Digital Technology Co., Ltd."
    assert at(parsed, "table 3 row 76")["name"] == "Sichuan Yuan\u2019an Pharmaceutical Co., Ltd."
    assert not parsed["name"].str.contains("&amp;|&nbsp;|\u00a0|  ", regex=True).any()
