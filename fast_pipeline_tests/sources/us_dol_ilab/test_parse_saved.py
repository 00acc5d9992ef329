"""Every saved List of Goods edition parses to README.md's pair count; named rows checked by eye."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest

from fast_pipeline.sources.us_dol_common import pair_key
from fast_pipeline.sources.us_dol_ilab import SOURCE
from fast_pipeline_tests.sources.us_dol_ilab.helpers import parse_saved, row_at

pytestmark = pytest.mark.usefixtures("shared_sources")

XML_2016 = "2016-app-xml_2017-08-31"
XLSX_2016 = "2016-09-30_xlsx"
EXPECTED_PAIRS = {  # ../shared/sources/README.md
    "2013-app-xml_2015-06-29": 353,
    "2015-app-xml_2017-08-16": 379,
    XML_2016: 379,
    "2017-app-xml_2018-09-09": 418,
    "2018-app-xml_2019-08-30": 418,
    XLSX_2016: 379,
}


@cache
def parsed(edition: str) -> pd.DataFrame:
    return parse_saved(SOURCE, edition)


@pytest.mark.parametrize(("edition", "pairs"), EXPECTED_PAIRS.items())
def test_pair_counts_match_readme(edition, pairs):
    frame = parsed(edition)
    assert len(frame) == pairs
    assert frame["source_locator"].is_unique
    assert len({pair_key(i, g) for i, g in zip(frame["country_iso2"], frame["good"])}) == pairs


def test_2016_xml_first_last_and_tricky_rows():
    frame = parsed(XML_2016)
    first = frame.iloc[0].to_dict()
    assert first == first | {
        "good": "Alcoholic Beverages",
        "good_sector": "Manufacturing",
        "country": "Cambodia",
        "country_iso2": "KH",
        "region": "Asia & the Pacific",
        "child_labor": True,
        "forced_labor": False,
        "forced_child_labor": False,
        "source_locator": "good 1 country 1",
    }
    assert pd.isna(first["derived_labor_exploitation"]) and first["derived_country"] is None
    last = frame.iloc[-1].to_dict()
    assert (last["good"], last["country"], last["country_iso2"], last["source_locator"]) == (
        "Zinc",
        "Bolivia",
        "BO",
        "good 140 country 1",
    )
    # good 130 is an empty repeat of "Tin ore (cassiterite)" (<Countries></Countries>); good 131 holds the pair
    tin = row_at(frame, "good 131 country 1")
    assert (tin["good"], tin["country"], tin["country_iso2"]) == (
        "Tin ore (cassiterite)",
        "Congo, Democratic Republic of the",
        "CD",
    )
    assert (tin["child_labor"], tin["forced_labor"], tin["forced_child_labor"]) == (True, True, True)
    cocoa = row_at(frame, "good 29 country 2")
    assert (cocoa["good"], cocoa["country"], cocoa["country_iso2"]) == ("Cocoa", "Côte d'Ivoire", "CI")
    beans = row_at(frame, "good 7 country 1")
    assert (beans["good"], beans["country_iso2"], beans["forced_child_labor"]) == (
        "Beans (green, soy, yellow)",
        "MM",
        True,
    )
    nuts = row_at(frame, "good 12 country 2")
    assert (nuts["good"], nuts["country"], nuts["child_labor"], nuts["forced_labor"]) == (
        "Brazil Nuts/Chestnuts",
        "Peru",
        False,
        True,
    )
    cotton = row_at(frame, "good 34 country 10")
    assert (cotton["country"], cotton["country_iso2"]) == ("Kyrgyz Republic", "KG")
    assert frame["child_labor"].sum() == 345 and frame["forced_labor"].sum() == 103
    assert frame["forced_child_labor"].sum() == 54


def test_2013_xml_published_codes_and_character_references():
    frame = parsed("2013-app-xml_2015-06-29")
    bamboo = row_at(frame, "good 4 country 1")  # Country_ISO2 "BU": DOL's withdrawn code for Burma
    assert (bamboo["good"], bamboo["country"], bamboo["country_iso2"]) == ("Bamboo", "Burma", "MM")
    assert bamboo["region"] == "Asia & Pacific"  # written "Asia &#38; Pacific"
    garments = row_at(frame, "good 58 country 6")  # on the 2013 list only
    assert (garments["good"], garments["country_iso2"], garments["forced_labor"]) == ("Garments", "JO", True)
    assert frame.iloc[-1]["good"] == "Zinc"


def test_2017_xml_with_byte_order_mark_and_2018_empty_regions():
    assert parsed("2017-app-xml_2018-09-09").iloc[0]["good"] == "Alcoholic Beverages"
    frame = parsed("2018-app-xml_2019-08-30")
    bricks = row_at(frame, "good 16 country 14")  # <Country_Region /> in the file
    assert (bricks["good"], bricks["country"], bricks["country_iso2"], bricks["region"]) == (
        "Bricks",
        "North Korea",
        "KP",
        None,
    )
    assert frame["region"].isna().sum() == 58
    assert frame["forced_child_labor"].sum() == 55


def test_2016_xlsx_rows():
    frame = parsed(XLSX_2016)
    first = row_at(frame, "row 2")
    assert (first["country"], first["good"], first["child_labor"], first["forced_labor"]) == (
        "Afghanistan",
        "Bricks",
        True,
        True,
    )
    assert pd.isna(first["forced_child_labor"]) and first["good_sector"] is None and first["region"] is None
    assert row_at(frame, "row 24")["good"] == "Garments"  # "Garments " in the cell
    india = row_at(frame, "row 168")  # "India " in the cell
    assert (india["country"], india["country_iso2"], india["good"]) == ("India", "IN", "Cotton")
    drc = row_at(frame, "row 121")
    assert (drc["country"], drc["country_iso2"], drc["good"]) == (
        "Democratic Republic of the Congo",
        "CD",
        "Cassiterite (tin ore)",
    )
    assert (row_at(frame, "row 119")["country"], row_at(frame, "row 119")["country_iso2"]) == ("Cote d'Ivoire", "CI")
    last = frame.iloc[-1].to_dict()
    assert (last["source_locator"], last["country"], last["good"], last["child_labor"], last["forced_labor"]) == (
        "row 380",
        "Zambia",
        "Tobacco",
        True,
        False,
    )
    assert frame["child_labor"].sum() == 345 and frame["forced_labor"].sum() == 103


def _flags_by_key(frame: pd.DataFrame) -> dict[str, tuple[bool, bool]]:
    return {
        pair_key(r["country_iso2"], r["good"]): (r["child_labor"], r["forced_labor"]) for r in frame.to_dict("records")
    }


def test_2016_xml_and_xlsx_agree_pair_for_pair():
    xml, xlsx = _flags_by_key(parsed(XML_2016)), _flags_by_key(parsed(XLSX_2016))
    assert xml.keys() == xlsx.keys()
    assert xml == xlsx
    # the spellings differ; the keys do not
    assert "CD|cassiterite tin ore" in xml and "ID|oil palm" in xml


def test_cross_check_of_an_edition_holding_both_formats():
    both = pd.concat([parsed(XLSX_2016), parsed(XML_2016)], ignore_index=True)
    assert SOURCE.cross_check(both) == []
    tampered = parsed(XML_2016).copy()
    tampered.loc[tampered["source_locator"] == "good 34 country 10", "forced_labor"] = True  # Kyrgyz cotton
    tampered = tampered[tampered["source_locator"] != "good 140 country 1"]  # Bolivian zinc
    issues = SOURCE.cross_check(pd.concat([parsed(XLSX_2016), tampered], ignore_index=True))
    assert issues == [
        "BO|zinc (Zinc — Bolivia) is in TVPRA2016_0.xlsx but not in goods_2016.xml",
        "KG|cotton: forced_labor is False in TVPRA2016_0.xlsx but True in goods_2016.xml",
    ]
