"""The Entity cell rules (see us_cbp_wro/entities.py), one published phrasing per case."""

from __future__ import annotations

import pytest

from fast_pipeline.core.errors import ParseError
from fast_pipeline.sources.us_cbp_wro.entities import parse_entity_cell


def kinds(raw: str, country: str = "China", context: str = "Apparel") -> list[tuple[str, str, str]]:
    return [(p["name"], p["kind"], p["relation"]) for p in parse_entity_cell(raw, country=country, context=context)]


def test_line_breaks_between_whole_names_separate_them():
    assert kinds("Hetian Haolin Hair Accessories Co. Ltd.\nLop County Meixin Hair Products Co., Ltd.") == [
        ("Hetian Haolin Hair Accessories Co. Ltd.", "company", "primary"),
        ("Lop County Meixin Hair Products Co., Ltd.", "company", "co_target"),
    ]
    assert kinds("Hoshine Silicon Industry Co. Ltd.\nand its subsidiaries") == [
        ("Hoshine Silicon Industry Co. Ltd.", "company", "primary")
    ]
    assert kinds("Baoding LYSZD Trade\nand Business Co., Ltd.") == [
        ("Baoding LYSZD Trade and Business Co., Ltd.", "company", "primary")
    ]


def test_vessel_markers_and_seafood_rows():
    assert kinds("Dalian Ocean Fishing Co., Ltd., Fishing Vessel: Long Xing 629", context="Seafood") == [
        ("Dalian Ocean Fishing Co., Ltd.", "company", "primary"),
        ("Long Xing 629", "vessel", "co_target"),
    ]
    assert kinds("Fishing Vessel: Yu Long No. 2\nFishing Vessel: Hangton No. 112", country="Fiji") == [
        ("Yu Long No. 2", "vessel", "primary"),
        ("Hangton No. 112", "vessel", "co_target"),
    ]
    assert kinds("F/V Tunago No. 61", context="Tuna") == [("Tunago No. 61", "vessel", "primary")]
    assert kinds("Lien Yi Hsing No. 12", context="Seafood") == [("Lien Yi Hsing No. 12", "vessel", "primary")]
    assert kinds("Lien Yi Hsing No. 12", context="Garments") == [("Lien Yi Hsing No. 12", "company", "primary")]


def test_regions_organisations_and_the_country_itself():
    assert kinds("Turkmenistan", country="Turkmenistan", context="Cotton") == [("Turkmenistan", "region", "primary")]
    assert kinds("Xinjiang Production and Construction Corps") == [
        ("Xinjiang Production and Construction Corps", "organisation", "primary")
    ]
    assert parse_entity_cell("", country="Turkmenistan", context="Cotton") == []
    assert parse_entity_cell("\u00a0\n", country="Turkmenistan", context="Cotton") == []


def test_unreadable_cells_fail():
    with pytest.raises(ParseError, match="vessel marker without a vessel name"):
        parse_entity_cell("Fishing Vessel:", country="Taiwan", context="Seafood")
    with pytest.raises(ParseError, match="announces 3 alias"):
        parse_entity_cell(
            "KTK Group (including three aliases: Jiangsu Jinchuang Group; and KTK Holding)",
            country="China",
            context="Rail",
        )
