"""Conduct agreements, divestments and observations in the FollowTheMoney export: each reads as what it is,
and every entity is valid FtM."""

from __future__ import annotations

import json

from followthemoney import model

from fast_pipeline.core.canonical import ACTION_TYPES
from fast_pipeline.release.ftm import entities


def _row(action_id: str, action_type: str, party: str, **extra) -> dict:
    row = {
        "action_id": action_id,
        "action_type": action_type,
        "authority": "Norges Bank (on the recommendation of the Council on Ethics)",
        "jurisdiction": "NO",
        "legal_basis": "Guidelines for observation and exclusion, § 4 (a): serious or systematic human rights violations",
        "party_id": None,
        "party_record_id": f"rec-{party}",
        "party_name": party,
        "party_kind": "company",
        "party_aliases": [],
        "party_former_names": [],
        "party_identifiers": [],
        "party_country": None,
        "party_address": None,
        "goods": None,
        "status_raw": None,
        "status": "active",
        "action_date": "2022-05-12",
        "listed_date": "2022-05-12",
        "effective_date": None,
        "ended_date": None,
        "removed_in_edition": None,
        "removed_date": None,
        "source_url": "https://www.nbim.no/",
        "natural_key": party,
        "details": json.dumps({}),
    }
    row.update(extra)
    return row


def test_new_action_types_map_to_sanctions_and_risks():
    rows = [
        _row("a1", "divestment", "Li Ning Co Ltd"),
        _row("a2", "observation", "Hansae Co Ltd"),
        _row(
            "a3",
            "conduct_agreement",
            "Gilson Gonçalves Valadares",
            authority="Ministério do Trabalho e Emprego",
            jurisdiction="BR",
            party_kind="person",
        ),
    ]
    out = {e["id"]: e for e in entities(rows)}
    for e in out.values():
        model.get_proxy(e).to_dict()  # raises on an unknown schema or property
    assert (out["a1"]["schema"], out["a1"]["properties"]["provisions"]) == ("Sanction", ["divestment"])
    assert out["a2"]["schema"] == "Risk" and out["a2"]["properties"]["reason"] == [
        "Placed under observation by the investor"
    ]
    assert (out["a3"]["schema"], out["a3"]["properties"]["provisions"]) == ("Sanction", ["conduct agreement"])
    assert "published apart from the list proper" in out["a3"]["properties"]["reason"][0]
    # an investor's criteria are wider than forced labour: no forced.labor topic through them
    assert "topics" not in out["rec-Li Ning Co Ltd"]["properties"]
    assert "topics" not in out["rec-Hansae Co Ltd"]["properties"]
    assert out["rec-Gilson Gonçalves Valadares"]["properties"]["topics"] == ["forced.labor"]


def test_every_action_type_is_declared_to_dbt():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "dbt_project" / "models" / "marts" / "_marts.yml").read_text()
    assert f"values: {list(ACTION_TYPES)}" in text.replace('"', "'")


def test_a_listing_period_then_an_agreement_period_keep_their_own_provisions():
    """Gilson Gonçalves Valadares, 2023-03-09 TXT: '03/04/2020 a 11/02/2022 (I) e 11/02/2022 (II)'."""
    periods = [
        {"start": "2020-04-03", "end": "2022-02-11", "section": "I", "action_type": "listing"},
        {"start": "2022-02-11", "end": None, "section": "II", "action_type": "conduct_agreement"},
    ]
    row = _row(
        "g", "conduct_agreement", "Gilson", party_kind="person", details=json.dumps({"inclusion_periods": periods})
    )
    out = {e["id"]: e["properties"] for e in entities([row]) if e["schema"] == "Sanction"}
    assert out["g-2020-04-03"]["provisions"] == ["listing"] and out["g-2020-04-03"]["status"] == ["inactive"]
    assert out["g"]["provisions"] == ["conduct agreement"] and out["g"]["startDate"] == ["2022-02-11"]
