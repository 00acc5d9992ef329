"""Canonical `goods_listing` actions: one per pair, flags as fields, keys stable across editions and formats."""

from __future__ import annotations

import json
from functools import cache

import pandas as pd
import pytest

from fast_pipeline.core.canonical import validate_actions
from fast_pipeline.sources.registry import get_source
from fast_pipeline.sources.us_dol_ilab import SOURCE
from fast_pipeline_tests.sources.us_dol_ilab.helpers import parse_saved
from fast_pipeline_tests.sources.us_dol_ilab.test_parse_saved import EXPECTED_PAIRS, XLSX_2016, XML_2016

pytestmark = pytest.mark.usefixtures("shared_sources")


@cache
def actions(edition: str) -> pd.DataFrame:
    frame = SOURCE.normalise(parse_saved(SOURCE, edition), edition, None)
    return validate_actions(frame).set_index("natural_key", drop=False)


def test_source_is_registered_with_its_metadata():
    source = get_source("us_dol_ilab")
    assert source is SOURCE
    meta = source.metadata
    assert (meta.gate.min_rows, meta.gate.max_rows) == (300, 1000)
    assert meta.formats == ("xlsx", "xml") and meta.preferred_formats == ("xml", "xlsx")
    assert meta.jurisdiction == "US" and meta.schedule_cron == "0 6 1 * *"


@pytest.mark.parametrize(("edition", "pairs"), EXPECTED_PAIRS.items())
def test_every_edition_gives_one_valid_action_per_pair(edition, pairs):
    frame = actions(edition)
    assert len(frame) == pairs and frame["action_id"].is_unique
    assert set(frame["action_type"]) == {"goods_listing"}
    assert set(frame["party_kind"]) == {"country_good"}
    assert set(frame["status"]) == {"active"}
    assert set(frame["authority"]) == {"U.S. Department of Labor, Bureau of International Labor Affairs"}
    assert set(frame["legal_basis"]) == {"Trafficking Victims Protection Reauthorization Act of 2005 (TVPRA)"}
    assert set(frame["edition"]) == {edition}
    assert frame["party_id"].isna().all() and frame["removed_in_edition"].isna().all()


def test_named_action_from_the_2016_xml():
    row = actions(XML_2016).loc["CD|cassiterite tin ore"]
    assert row["party_name"] == "Tin ore (cassiterite) — Congo, Democratic Republic of the"
    assert (row["party_country"], row["goods"]) == ("CD", "Tin ore (cassiterite)")
    assert (row["sector_code"], row["sector_scheme"]) == ("Mining", "ILAB_SECTOR")
    assert row["status_raw"] == "child labor; forced labor; forced child labor"
    assert row["source_locator"] == "good 131 country 1"
    assert json.loads(row["party_identifiers"]) == [{"scheme": "COUNTRY_GOOD", "value": "CD|cassiterite tin ore"}]
    assert json.loads(row["details"]) == {
        "child_labor": True,
        "forced_labor": True,
        "forced_child_labor": True,
        "derived_labor_exploitation": None,
        "derived_country": None,
        "region": "Sub-Saharan Africa",
        "country_as_published": "Congo, Democratic Republic of the",
        "good_key": "cassiterite tin ore",
    }


def test_xlsx_and_xml_of_2016_give_the_same_actions():
    xml, xlsx = actions(XML_2016), actions(XLSX_2016)
    assert set(xml["action_id"]) == set(xlsx["action_id"])
    assert set(xml["party_record_id"]) == set(xlsx["party_record_id"])
    cotton = xlsx.loc["UZ|cotton"]
    assert cotton["party_name"] == "Cotton — Uzbekistan"
    assert cotton["status_raw"] == "child labor; forced labor"  # the XLSX has no forced child labour column
    assert pd.isna(cotton["sector_code"]) and json.loads(cotton["details"])["forced_child_labor"] is None


def test_flag_change_is_the_same_action_changed_and_a_dropped_pair_is_gone():
    before, after = actions(XML_2016), actions("2017-app-xml_2018-09-09")
    # Uzbek cotton: child labour dropped in 2017, forced (child) labour kept: same action, other flags
    assert before.loc["UZ|cotton", "action_id"] == after.loc["UZ|cotton", "action_id"]
    assert before.loc["UZ|cotton", "status_raw"] == "child labor; forced labor; forced child labor"
    assert after.loc["UZ|cotton", "status_raw"] == "forced labor; forced child labor"
    # Paraguayan cotton and Panamanian sugarcane left the list in 2017
    assert {"PY|cotton", "PA|sugarcane"} <= set(before.index) - set(after.index)
    gone_2015 = set(actions("2013-app-xml_2015-06-29").index) - set(actions("2015-app-xml_2017-08-16").index)
    assert gone_2015 == {"JO|garments"}
