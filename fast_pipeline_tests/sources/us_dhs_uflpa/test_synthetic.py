"""Edge cases on synthetic pages: named subsidiaries, entity and space cleanup, and bad input."""

from __future__ import annotations

import json

import pytest

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.parsing import parse_validated
from fast_pipeline.sources.us_dhs_uflpa import SOURCE
from fast_pipeline_tests.sources.us_dhs_uflpa.synthetic import page, section, write

JAN = "January 15, 2025"
OK_V = section("v", [("Zijin Mining Group Co., Ltd.", JAN)])


def parse(tmp_path, html: str):
    return parse_validated(SOURCE, write(tmp_path, html))


def parse_error(tmp_path, html: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        SOURCE.parse_file(write(tmp_path, html))
    assert (info.value.source_id, info.value.file) == ("us_dhs_uflpa", "uflpa-entity-list.html")
    return info.value


def test_named_subsidiaries_are_their_own_parties(tmp_path):
    frame = parse(
        tmp_path,
        page(
            section(
                "ii",
                [
                    (
                        "Camel Group Co., Ltd. and its subsidiary Camel Group Xinjiang Battery Co., Ltd. "
                        "(also known as Xinjiang Camel Battery)",
                        "August 2, 2023",
                    ),
                    (
                        "Ninestar Corporation and its eight subsidiaries, which include Zhuhai Ninestar Information Technology "
                        "Co., Ltd.; Zhuhai Pantum Electronics Co., Ltd.; Zhuhai Apex Microelectronics Co., Ltd.; and Zhuhai "
                        "Seine Printing Technology Co., Ltd.",
                        "June 12, 2023",
                    ),
                ],
            ),
            OK_V,
        ),
    )
    camel, ninestar = (json.loads(s) for s in frame["subsidiaries"].iloc[:2])
    assert frame["name"].iloc[:2].tolist() == ["Camel Group Co., Ltd.", "Ninestar Corporation"]
    assert camel == [
        {
            "name": "Camel Group Xinjiang Battery Co., Ltd.",
            "aliases": ["Xinjiang Camel Battery"],
            "former_names": [],
            "subsidiaries": [],
            "scope": None,
        }
    ]
    assert [s["name"] for s in ninestar] == [
        "Zhuhai Ninestar Information Technology Co., Ltd.",
        "Zhuhai Pantum Electronics Co., Ltd.",
        "Zhuhai Apex Microelectronics Co., Ltd.",
        "Zhuhai Seine Printing Technology Co., Ltd.",
    ]
    actions = SOURCE.normalise(frame, "test", None)
    related = json.loads(actions["related_parties"].iloc[1])
    assert {(r["relation"], r["kind"]) for r in related} == {("subsidiary", "company")}
    assert len(related) == 4 and actions["party_name"].iloc[1] == "Ninestar Corporation"


def test_entities_nbsp_and_line_breaks_are_cleaned(tmp_path):
    frame = parse(
        tmp_path,
        page(
            section(
                "i",
                [
                    ("Zhuhai G&amp;amp;G&amp;nbsp;Digital Technology Co.,&nbsp;Ltd.", "June&nbsp;12, 2023"),
                    ("Hetian Taida Apparel Co., Ltd\u00a0(and one alias:<br>Hetian TEDA Garment)", " June 21, 2022 "),
                ],
            ),
            OK_V,
        ),
    )
    first, second = frame.iloc[0], frame.iloc[1]
    assert (first["name"], first["effective_date"]) == ("Zhuhai G&G Digital Technology Co., Ltd.", "2023-06-12")
    assert (second["name"], json.loads(second["aliases"]), second["effective_date"]) == (
        "Hetian Taida Apparel Co., Ltd",
        ["Hetian TEDA Garment"],
        "2022-06-21",
    )
    assert first["entity_raw"] == "Zhuhai G&amp;G&nbsp;Digital Technology Co.,\u00a0Ltd."  # kept as published


def test_a_section_without_table_and_both_header_spellings(tmp_path):
    html = page(
        section("i", [("Baoding LYSZD Trade and Business Co., Ltd.", "June 21, 2022")]),
        section("iv", None),
        section("v", [("Awati Huafu Textile Co., Ltd.", JAN)], header=("Entity Name", "Effective Date")),
    )
    frame = parse(tmp_path, html)
    assert frame[["section", "source_locator"]].values.tolist() == [
        ["2(d)(2)(B)(i)", "table 1 row 1"],
        ["2(d)(2)(B)(v)", "table 2 row 1"],
    ]


def test_edition_label_from_last_updated(tmp_path):
    assert SOURCE.edition_label([write(tmp_path, page(OK_V))]) == "2025-01-14"
    assert SOURCE.edition_label([write(tmp_path, page(OK_V, updated="March 3, 2025"))]) == "2025-03-03"
    undated = write(tmp_path, page(OK_V, updated=None))
    assert SOURCE.edition_label([undated]) is None
    assert SOURCE.edition_date(parse_validated(SOURCE, undated), "x") is None


@pytest.mark.parametrize(
    "html, message, locator",
    [
        (
            page(section("v", [("A Co., Ltd.", JAN)], header=("Company", "Effective Date"))),
            "unexpected header ['Company', 'Effective Date']",
            "table 1",
        ),
        (
            page(section("v", [("A Co., Ltd.", JAN)], header=("Name of Entity", "Date Added"))),
            "unexpected header",
            "table 1",
        ),
        (page(section("v", [])), "has no rows", "table 1"),
        (page(section("v", [("&nbsp;", "&nbsp;")])), "has no rows", "table 1"),
        (
            page(OK_V, "<p>Also see:</p><table><tr><th>Name of Entity</th><th>Effective Date</th></tr></table>"),
            "no 'Section 2(d)(2)(B)(...)' heading above this table",
            "table 2",
        ),
        (
            page(section("v", [("A Co., Ltd.", "15/01/2025")])),
            "unreadable effective date '15/01/2025'",
            "table 1 row 1",
        ),
        (page(section("v", [("A Co., Ltd.", "")])), "unreadable effective date None", "table 1 row 1"),
        (
            page(
                section("v", [("KTK Group (including three aliases: Jiangsu Jinchuang Group; and KTK Holding)", JAN)])
            ),
            "announces 3 alias(es) but lists 2",
            "table 1 row 1",
        ),
        (page(section("v", [("Hoshine Silicon Industry (Shanshan Co., Ltd", JAN)])), "unbalanced '('", "table 1 row 1"),
        (page(OK_V.replace("(B)(v)", "(B)(iii)")), "unknown section '2(d)(2)(B)(iii)'", "table 1"),
    ],
)
def test_bad_pages_fail_naming_table_and_row(tmp_path, html, message, locator):
    error = parse_error(tmp_path, html)
    assert message in error.reason
    assert error.locator == locator


def test_an_error_page_or_not_html(tmp_path):
    error_page = "<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1></body></html>"
    assert "no entity table on the page (title 'Access Denied')" in parse_error(tmp_path, error_page).reason
    assert "not an HTML page" in parse_error(tmp_path, "%PDF-1.7 binary").reason
    assert "empty" in parse_error(tmp_path, "").reason


def test_a_name_listed_twice_in_one_section_fails_in_normalise(tmp_path):
    frame = parse(
        tmp_path, page(section("v", [("Xinjiang Zefu Cotton Co., Ltd.", JAN), ("Xinjiang Zefu Cotton Co. Ltd", JAN)]))
    )
    with pytest.raises(ParseError) as info:
        SOURCE.normalise(frame, "test", None)
    assert "listed twice in section 2(d)(2)(B)(v) (also at table 1 row 1)" in info.value.reason
    assert info.value.locator == "table 1 row 2"
