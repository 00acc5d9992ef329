"""Canonical actions: valid, one per published row, and the same listing keeps its action_id everywhere."""

from __future__ import annotations

import json

import pytest

from fast_pipeline.core.canonical import validate_actions
from fast_pipeline.sources.br_mte_lista_suja import SOURCE
from fast_pipeline.sources.br_mte_lista_suja.normalise import authority_on


def by_row(acts, row_id: int, section: str = "I") -> dict:
    details = acts["details"].map(json.loads)
    match = acts[[d["row_id"] == row_id and d["section"] == section for d in details]]
    assert len(match) == 1
    return match.iloc[0].to_dict()


def ids_of(acts, tax_id: str) -> set[str]:
    return set(acts.loc[acts["party_identifiers"].str.contains(f'"{tax_id}"'), "action_id"])


def test_every_edition_normalises_to_valid_actions_one_per_row(parsed, actions):
    for edition, acts in actions.items():
        validate_actions(acts)
        assert len(acts) == len(parsed[edition]), edition
        assert acts["action_id"].is_unique and acts["natural_key"].is_unique
        assert set(acts["edition"]) == {edition}
        assert not acts["natural_key"].str.contains(r"\|n\d+$").any()  # no row needed the ordinal


def test_the_one_day_apart_csvs_share_583_action_ids(actions):
    before = set(actions["2026-08-02_csv"]["action_id"])
    after = set(actions["2026-08-03_csv"]["action_id"])
    assert len(before & after) == 583
    assert len(after - before) == 0
    gone = actions["2026-08-02_csv"][actions["2026-08-02_csv"]["action_id"].isin(before - after)]
    assert sorted(gone["party_name"]) == ["COOPERATIVA DO VALE DE PERNAMBUCO", "FABIO CEZAR BARROS LEAO"]


def test_renumbered_rows_keep_their_ids(actions):
    # ARINALDO's three establishments are IDs 72, 73, 74 on both days, in a different order.
    before, after = actions["2026-08-02_csv"], actions["2026-08-03_csv"]
    paraiba_before = by_row(before, 72)
    paraiba_after = by_row(after, 74)
    assert (
        paraiba_before["party_address"]
        == paraiba_after["party_address"]
        == "RUA PARAIBA, 3200 - JARDIM BRASILIA - DIVINÓPOLIS/MG"
    )
    assert paraiba_before["action_id"] == paraiba_after["action_id"]
    assert len(ids_of(before, "00843891505")) == 3 and ids_of(before, "00843891505") == ids_of(after, "00843891505")


def test_same_listing_same_id_across_formats_and_casing(actions):
    pdf, xlsx, csv = actions["2024-12-04_pdf"], actions["2026-01-28_xlsx"], actions["2026-08-02_csv"]
    # AMAFIL: XLSX row 42 and CSV row 41.
    assert by_row(xlsx, 42)["action_id"] == by_row(csv, 41)["action_id"]
    # DISNEY BARRETO MESQUITA: three rows (two at "FAZENDA FLORES", told apart by workers), the same
    # three actions in the PDF and the XLSX.
    assert len(ids_of(pdf, "50906046220")) == 3 and ids_of(pdf, "50906046220") == ids_of(xlsx, "50906046220")
    # 386 listings survive from the December 2024 PDF into the January 2026 XLSX (385 distinct
    # tax ID + place + year, one of them DISNEY's pair at FAZENDA FLORES).
    assert len(set(pdf["action_id"]) & set(xlsx["action_id"])) == 386


def test_reinclusion_keeps_the_action_id(actions):
    txt, pdf, xlsx = actions["2023-03-09_txt"], actions["2024-12-04_pdf"], actions["2026-01-28_xlsx"]
    # Shox do Brasil: mixed case, one period in the 2023 TXT; upper case, re-included twice in 2026.
    shox_2023, shox_2026 = by_row(txt, 158), by_row(xlsx, 602)
    assert shox_2023["party_name"] == "Shox do Brasil Construcoes Ltda."
    assert json.loads(shox_2026["details"])["inclusion_raw"] == "05/10/2022 a 11/07/2023, 28/03/2025"
    assert shox_2023["action_id"] == shox_2026["action_id"]
    assert shox_2023["listed_date"] == shox_2026["listed_date"] == "2022-10-05"
    # Madeireira Medianeira: "07/10/2024" in the PDF, "07/10/2024 a 20/01/2025, 09/09/2025" in the XLSX.
    assert ids_of(pdf, "15091515000111") == ids_of(xlsx, "15091515000111")


def test_same_place_same_year_rows_are_told_apart_by_workers(actions):
    xlsx, csv = actions["2026-01-28_xlsx"], actions["2026-08-02_csv"]
    a, b = by_row(xlsx, 115), by_row(xlsx, 116)  # CENTROALCOOL: identical but for 5 / 53 workers
    assert a["natural_key"] == "CNPJ:02896264000109|rodoviago222km03zonaruralinhumasgo|2023|w5"
    assert b["natural_key"].endswith("|2023|w53")
    assert {a["action_id"], b["action_id"]} == {by_row(csv, 101)["action_id"], by_row(csv, 103)["action_id"]}


def test_canonical_fields_of_a_person_and_a_company(actions):
    pdf = actions["2024-12-04_pdf"]
    dalva = by_row(pdf, 154)
    assert (dalva["party_name"], dalva["party_kind"]) == ("DALVA MARIA SIMONATO", "person")
    assert json.loads(dalva["party_identifiers"]) == [{"scheme": "BR-CPF", "value": "02572413965"}]
    assert (dalva["action_date"], dalva["listed_date"], dalva["sector_code"]) == (None, "2023-09-29", None)
    details = json.loads(dalva["details"])
    assert details["footnote"]["mark"] == "*1" and details["footnote"]["text"].startswith("Inclusão em cumprimento")
    elzo_company = by_row(pdf, 215)
    assert elzo_company["party_kind"] == "company"
    assert json.loads(elzo_company["party_identifiers"]) == [{"scheme": "BR-CNPJ", "value": "84906213000177"}]
    first = by_row(pdf, 1)
    assert first["natural_key"] == "CPF:12642037649|fazenzabelavistazonaruralitingama|2022"
    assert (first["action_type"], first["jurisdiction"], first["party_country"]) == ("listing", "BR", "BR")
    assert (first["sector_code"], first["sector_scheme"], first["workers_affected"]) == ("0151-2/01", "CNAE", 1)
    assert (first["action_date"], first["listed_date"]) == ("2023-04-26", "2023-10-05")
    assert (first["status"], first["status_raw"]) == ("active", "Section I")
    assert first["party_address"] == "FAZENZA BELA VISTA, ZONA RURAL, ITINGA/MA"
    assert first["legal_basis"] == "Portaria Interministerial MTE/MDHC/MIR nº 18 de 13/09/2024"
    assert (first["edition_date"], first["source_locator"]) == ("2024-12-04", "page 1 row 1")
    assert first["party_id"] is None or first["party_id"] != first["party_id"]  # left to resolution


def test_section_two_and_the_2023_edition(actions):
    txt = actions["2023-03-09_txt"]
    gilson = by_row(txt, 1, section="II")
    assert gilson["status_raw"] == "Section II" and gilson["status"] == "active"
    # section II is the employers under a TAC or judicial agreement (the CEAC's predecessor), not the list
    assert gilson["action_type"] == "conduct_agreement"
    assert txt["action_type"].value_counts().to_dict() == {"listing": 174, "conduct_agreement": 1}
    assert gilson["party_name"] == "Gilson Gonçalves Valadares"  # mixed case kept as published
    assert json.loads(gilson["details"])["inclusion_periods"] == [
        {"start": "2020-04-03", "end": "2022-02-11", "section": "I", "action_type": "listing"},
        {"start": "2022-02-11", "end": None, "section": "II", "action_type": "conduct_agreement"},
    ]
    # MTE was re-created on 2023-01-01, so the March 2023 update is already its own.
    assert set(txt["authority"]) == {"Ministério do Trabalho e Emprego"}


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2022-10-05", "Ministério do Trabalho e Previdência"),
        ("2020-04-06", "Ministério da Economia"),
        ("2023-03-09", "Ministério do Trabalho e Emprego"),
        (None, "Ministério do Trabalho e Emprego"),
    ],
)
def test_authority_by_edition_date(day, expected):
    assert authority_on(day, SOURCE.metadata) == expected


def test_party_record_id_follows_the_tax_id(actions):
    csv = actions["2026-08-02_csv"]
    assert csv.groupby("party_record_id")["party_identifiers"].nunique().max() == 1
    assert len(set(csv.loc[csv["party_identifiers"].str.contains("00843891505"), "party_record_id"])) == 1
