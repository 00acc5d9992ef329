"""Resolution of the real saved editions (Brazil's five, the UFLPA page, both DOL lists), read in place.

Facts checked by eye in the files: LOTEAMENTO JOCKEY CLUB SPE LTDA (CNPJ 30.846.560/0001-22) is on the
2024-12 PDF, the 2026-01 XLSX and both 2026-08 CSVs as rows 422, 399, 353 and 351; no employer is on all
five saved editions (the list keeps an employer two years; 2023-03 and 2026-08 are 41 months apart), and
LEVI EVANGELISTA DA SILVA (CPF 122.155.896-04) spans the most of them: the 2023 TXT (in mixed case), the
2024 PDF and the 2026 XLSX. MATA FRIA INDÚSTRIA E COMÉRCIO LTDA is listed under three CNPJs of one base.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from fast_pipeline.core.entity_names import parse_listed_entity
from fast_pipeline.core.ids import stable_id
from fast_pipeline.resolution import load_overrides, party_records, resolve
from fast_pipeline.sources.registry import get_source

BR = "br_mte_lista_suja"


@pytest.fixture(scope="module")
def resolved(real_actions):
    records = party_records(real_actions)
    result = resolve(records, load_overrides())
    party = dict(zip(result.members["party_record_id"], result.members["party_id"]))
    actions = real_actions.assign(party_id=real_actions["party_record_id"].map(party))
    return records, result, actions


def _party(result, party_id: str) -> pd.Series:
    return result.parties.set_index("party_id").loc[party_id]


def _tax_id(identifiers: str) -> str:
    return json.loads(identifiers)[0]["value"]


def test_every_brazilian_employer_is_one_party_across_the_five_editions(resolved):
    _, _, actions = resolved
    br = actions[actions["source_id"] == BR].assign(tax_id=lambda f: f["party_identifiers"].map(_tax_id))
    assert br["edition"].nunique() == 5 and len(br) == 175 + 719 + 678 + 585 + 583
    assert (br.groupby("tax_id")["party_id"].nunique() == 1).all()
    assert br["party_id"].nunique() == br["tax_id"].nunique()  # and no two employers merged


def test_a_renumbered_employer_keeps_one_party_id_from_its_cnpj(resolved):
    _, result, actions = resolved
    rows = actions[actions["party_identifiers"].str.contains('"30846560000122"')]
    assert sorted(rows["edition"]) == ["2024-12-04_pdf", "2026-01-28_xlsx", "2026-08-02_csv", "2026-08-03_csv"]
    assert [json.loads(d)["row_id"] for d in rows.sort_values("edition")["details"]] == [422, 399, 353, 351]
    assert set(rows["party_id"]) == {stable_id("pty", "BR-CNPJ", "30846560000122")}
    party = _party(result, rows["party_id"].iloc[0])
    assert party["party_name"] == "LOTEAMENTO JOCKEY CLUB SPE LTDA" and party["party_kind"] == "company"
    assert json.loads(party["action_ids"]) == sorted(set(rows["action_id"]))


def test_a_person_spelt_two_ways_across_three_editions_is_one_party(resolved):
    _, result, actions = resolved
    rows = actions[actions["party_identifiers"].str.contains('"12215589604"')]
    assert sorted(rows["edition"]) == ["2023-03-09_txt", "2024-12-04_pdf", "2026-01-28_xlsx"]
    party = _party(result, rows["party_id"].iloc[0])
    assert rows["party_id"].nunique() == 1 and party["party_kind"] == "person"
    assert json.loads(party["names"]) == ["LEVI EVANGELISTA DA SILVA", "Levi Evangelista da Silva"]


def test_cnpj_branches_are_three_parties_linked_as_related(resolved):
    _, result, actions = resolved
    rows = actions[actions["party_identifiers"].str.contains('"32102290000')]
    assert rows["party_id"].nunique() == 3
    links = result.party_links[
        (result.party_links["rule"] == "cnpj_base") & result.party_links["left_party_id"].isin(rows["party_id"])
    ]
    assert len(links) == 2 and set(links["relation"]) == {"related"}
    assert set(links["right_party_id"]) | set(links["left_party_id"]) == set(rows["party_id"])


def test_a_uflpa_entity_and_its_aliases_are_one_party(resolved):
    records, _, actions = resolved
    entity = actions[actions["party_name"] == "Xinjiang Production and Construction Corps"]
    cbp_style = pd.DataFrame(
        [
            {
                "party_record_id": "test-cbp-xpcc",
                "party_name": "XPCC",
                "party_kind": "organisation",
                "party_country": "CN",
            },
            {
                "party_record_id": "test-cbp-bingtuan",
                "party_name": "Bingtuan",
                "party_kind": "company",
                "party_country": "CN",
            },
        ]
    )
    result = resolve(pd.concat([records, cbp_style], ignore_index=True), load_overrides())
    party = dict(zip(result.members["party_record_id"], result.members["party_id"]))
    pid = party[entity["party_record_id"].iloc[0]]
    assert party["test-cbp-xpcc"] == party["test-cbp-bingtuan"] == pid
    row = _party(result, pid)
    assert json.loads(row["aliases"]) == ["Bingtuan", "XPCC", "Xinjiang Corps"]
    assert row["party_name"] == "Xinjiang Production and Construction Corps" and row["record_count"] == 3
    evidence = result.party_links[result.party_links["right_party_id"] == pid]["evidence"]
    assert (
        "'Bingtuan' is listed as an alias of 'Xinjiang Production and Construction Corps' "
        "+ country CN (stated on one side only)" in set(evidence)
    )


def test_a_uflpa_subsidiary_is_linked_to_its_parent_not_merged(shared_sources, tmp_path):
    """The saved page names no subsidiary, so one Federal Register phrasing is put into a real row."""
    source = get_source("us_dhs_uflpa")
    folder = next((shared_sources / "us_dhs_uflpa").iterdir())
    parsed = source.parse_file(next(_local_files(folder)))
    parsed = parsed.assign(edition=folder.name, source_file="page.html", file_format="html", source_sha256="0" * 64)
    cell = parse_listed_entity("Huafu Fashion Co., Ltd. and its subsidiary Aksu Huafu Color Spinning Co., Ltd.")
    parent = parsed["name"] == "Huafu Fashion Co., Ltd."
    assert parent.sum() == 1
    assert (parsed["name"] == "Aksu Huafu Color Spinning Co., Ltd.").sum() == 2  # in two sections: one record
    parsed.loc[parent, "subsidiaries"] = json.dumps([s.to_dict() for s in cell.subsidiaries])
    actions = source.normalise(parsed, folder.name, None)
    result = resolve(party_records(actions))
    by_name = result.parties.set_index("party_name")
    huafu, aksu = by_name.loc["Huafu Fashion Co., Ltd."], by_name.loc["Aksu Huafu Color Spinning Co., Ltd."]
    assert huafu["party_id"] != aksu["party_id"]
    assert aksu["record_count"] == 2  # the listed entity and the subsidiary named under Huafu are one party
    link = result.party_links[result.party_links["rule"] == "related_party"].iloc[0]
    assert (link["left_party_id"], link["right_party_id"], link["relation"]) == (
        aksu["party_id"],
        huafu["party_id"],
        "subsidiary_of",
    )
    assert link["evidence"] == "named as subsidiary of 'Huafu Fashion Co., Ltd.'"


def _local_files(folder):
    from fast_pipeline.core.source import local_source_file

    return (local_source_file("us_dhs_uflpa", p, edition=folder.name) for p in sorted(folder.iterdir()))


def test_two_uflpa_entities_one_syllable_apart_stay_two_parties(resolved):
    _, result, _ = resolved
    names = ["Shihezi Huafu Hongfeng Cotton Industry Co., Ltd.", "Shihezi Huafu Hongsheng Cotton Industry Co., Ltd."]
    parties = result.parties[result.parties["party_name"].isin(names)]
    assert len(parties) == 2
    assert resolve(resolved[0]).parties["party_name"].isin(names).sum() == 2  # listed side by side: apart anyway


def test_dol_pairs_are_one_party_across_both_lists_and_the_shipped_overrides_apply(resolved, tmp_path):
    records, result, actions = resolved
    cotton = actions[actions["natural_key"] == "UZ|cotton"]
    assert set(cotton["source_id"]) == {"us_dol_ilab", "us_dol_eo13126"} and cotton["party_id"].nunique() == 1
    assert _party(result, cotton["party_id"].iloc[0])["source_ids"] == '["us_dol_eo13126","us_dol_ilab"]'
    coca = actions[actions["natural_key"].isin(["CO|coca", "CO|coca stimulant plant"])]
    assert coca["party_id"].nunique() == 1  # a maintainer's "same" in dbt_project/seeds/party_overrides.csv
    assert (
        resolve(records)
        .members.set_index("party_record_id")
        .loc[coca["party_record_id"].unique(), "party_id"]
        .nunique()
        == 2
    )  # the automatic rules alone keep "Coca" and "Coca (stimulant plant)" apart
    assert result.unmatched_overrides == []
