"""The saved EO 13126 list (XLS, 2014): 54 pairs as README.md says; named rows checked by eye."""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest

from fast_pipeline.core.canonical import validate_actions
from fast_pipeline.sources.registry import get_source
from fast_pipeline.sources.us_dol_eo13126 import SOURCE
from fast_pipeline.sources.us_dol_ilab import SOURCE as ILAB
from fast_pipeline_tests.sources.us_dol_ilab.helpers import parse_saved, row_at

pytestmark = pytest.mark.usefixtures("shared_sources")

EDITION = "2014-11"


@cache
def parsed() -> pd.DataFrame:
    return parse_saved(SOURCE, EDITION)


@cache
def actions() -> pd.DataFrame:
    return validate_actions(SOURCE.normalise(parsed(), EDITION, None)).set_index("natural_key", drop=False)


def test_source_is_registered_with_its_metadata():
    assert get_source("us_dol_eo13126") is SOURCE
    meta = SOURCE.metadata
    assert (meta.gate.min_rows, meta.gate.max_rows) == (30, 300)
    assert meta.formats == ("xls", "xlsx")
    assert meta.landing_url == "https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-products"


def test_pair_count_matches_readme():
    frame = parsed()
    assert len(frame) == 54
    assert frame["file_format"].unique().tolist() == ["xls"]


def test_named_rows():
    frame = parsed()
    assert frame.iloc[0][["country", "country_iso2", "good", "source_locator"]].tolist() == [
        "Afghanistan",
        "AF",
        "Bricks",
        "row 2",
    ]
    assert frame.iloc[-1][["country", "country_iso2", "good", "source_locator"]].tolist() == [
        "Vietnam",
        "VN",
        "Garments",
        "row 55",
    ]
    # the publisher's misspellings, kept as published, coded through this source's own spellings table
    assert [row_at(frame, "row 7")[k] for k in ("country", "country_iso2", "good")] == ["Boliva", "BO", "Sugarcane"]
    assert [row_at(frame, "row 51")[k] for k in ("country", "country_iso2", "good")] == ["Tajikstan", "TJ", "Cotton"]
    assert [row_at(frame, "row 22")[k] for k in ("country", "country_iso2")] == ["Cote D'Ivoire", "CI"]
    assert row_at(frame, "row 30")["country"] == "India"  # "India " in the cell
    assert row_at(frame, "row 6")["good"] == "Brazil Nuts / Chestnuts"
    assert row_at(frame, "row 29")["good"] == "Fish (Including Talapia)"


def test_canonical_actions():
    frame = actions()
    assert len(frame) == 54 and frame["action_id"].is_unique
    assert set(frame["action_type"]) == {"procurement_exclusion"}
    assert set(frame["authority"]) == {"U.S. Department of Labor"}
    assert set(frame["legal_basis"]) == {"Executive Order 13126"}
    assert set(frame["party_kind"]) == {"country_good"} and set(frame["status"]) == {"active"}
    row = frame.loc["CD|cassiterite tin ore"]
    assert row["party_name"] == "Cassiterite (tin ore) — Democratic Republic of the Congo"
    assert (row["party_country"], row["goods"], row["source_locator"]) == ("CD", "Cassiterite (tin ore)", "row 24")
    assert pd.isna(row["status_raw"]) and pd.isna(row["sector_code"])
    assert json.loads(row["details"]) == {
        "exploitation": "forced or indentured child labor",
        "country_as_published": "Democratic Republic of the Congo",
        "good_key": "cassiterite tin ore",
    }


def test_pairs_share_their_identifier_with_the_list_of_goods():
    ilab = ILAB.normalise(parse_saved(ILAB, "2015-app-xml_2017-08-16"), "2015", None)
    shared = set(actions()["party_identifiers"]) & set(ilab["party_identifiers"])
    assert len(shared) == 49  # the other 5 are spelled otherwise on the TVPRA list ("Coca (stimulant plant)")
    assert '[{"scheme":"COUNTRY_GOOD","value":"UZ|cotton"}]' in shared
