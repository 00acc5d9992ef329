"""Every saved file parses to exactly its row count, and named rows carry the values printed in the file.

Expected values were read by eye from the files (TXT/CSV lines, PDF pages, XLSX cells); locators point
at them.
"""

from __future__ import annotations

import json

from fast_pipeline_tests.sources.br_mte_lista_suja.conftest import row

README_COUNTS = {
    "2023-03-09_txt": {"I": 174, "II": 1},
    "2024-12-04_pdf": {"I": 719},
    "2026-01-28_xlsx": {"I": 678},
    "2026-08-02_csv": {"I": 585},
    "2026-08-03_csv": {"I": 583},
}


def periods(rec: dict) -> list[dict]:
    return json.loads(rec["inclusion_periods"])


def test_row_counts_per_section_match_the_readme(parsed):
    for edition, counts in README_COUNTS.items():
        frame = parsed[edition]
        assert frame["section"].value_counts().to_dict() == counts, edition
        for section, n in counts.items():  # IDs 1..N: nothing dropped, repeated or merged
            assert sorted(frame.loc[frame["section"] == section, "row_id"]) == list(range(1, n + 1))


# --- TXT 2023-03-09: mixed case, multi-line quoted cells, section II -------------------------------------


def test_txt_first_and_last_rows(parsed):
    txt = parsed["2023-03-09_txt"]
    first = row(txt, 1)
    assert first["employer_name"] == "A. de C. Borges"
    assert (first["tax_id"], first["tax_id_type"]) == ("27090456000227", "CNPJ")
    assert (first["fiscal_year"], first["uf"], first["workers_affected"]) == (2020, "PI", 9)
    assert first["establishment"].startswith("Cerâmica J.A, Rodovia PI, sentido de Barras a Cabaceiras")
    assert (first["cnae"], first["decision_date"]) == ("2341-9/00", "2021-12-09")
    assert periods(first) == [{"start": "2022-10-05", "end": None}]
    assert first["source_locator"] == "line 7"
    last = row(txt, 174)
    assert last["employer_name"] == "Wilson Luiz Vanni"
    assert (last["tax_id"], last["tax_id_type"], last["tax_id_raw"]) == ("05647150004", "CPF", "056.471.500-04")
    assert (last["uf"], last["cnae"], last["decision_date"]) == ("RS", "1334-9/99", "2021-04-12")


def test_txt_multiline_cells_stay_in_their_row(parsed):
    txt = parsed["2023-03-09_txt"]
    shimada = row(txt, 157)
    assert shimada["employer_name"] == "Shigeo Shimada"
    assert shimada["tax_id"] == "66416388987"  # published with a trailing space
    assert shimada["establishment"] == (
        "Fazenda Nova Esperança (anterior Fazenda Chapada), km 88, Rodovia MG-365, sentido Montes Claros, Pirapora/MG"
    )
    assert shimada["inclusion_raw"] == "05/04/2021 a 03/05/2021; 09/09/2021 a 15/02/2022; e 15/09/2022"
    assert periods(shimada) == [
        {"start": "2021-04-05", "end": "2021-05-03"},
        {"start": "2021-09-09", "end": "2022-02-15"},
        {"start": "2022-09-15", "end": None},
    ]
    assert (shimada["workers_affected"], shimada["source_locator"]) == (23, "line 163")
    adamek = row(txt, 166)
    assert adamek["establishment"] == (
        "Fazenda do Nine, estrada Bela Vista, zona rural, Ituporanga/SC. Vista, Zona Rural de Ituporanga-SC"
    )
    assert (adamek["workers_affected"], adamek["cnae"]) == (9, "0119-9/04")
    after = row(txt, 167)  # the row after a two-line record starts on the right line
    assert (after["employer_name"], after["source_locator"]) == ("Valtides de Almeida Silva", "line 177")


def test_txt_section_two_and_edition_facts(parsed):
    txt = parsed["2023-03-09_txt"]
    gilson = row(txt, 1, section="II")
    assert gilson["employer_name"] == "Gilson Gonçalves Valadares"
    assert (gilson["tax_id"], gilson["tax_id_type"]) == ("62759922634", "CPF")
    assert periods(gilson) == [
        {"start": "2020-04-03", "end": "2022-02-11", "section": "I"},
        {"start": "2022-02-11", "end": None, "section": "II"},
    ]
    assert gilson["legal_basis"] == "PORTARIA INTERMINISTERIAL Nº 4, DE 11 DE MAIO DE 2016"
    assert gilson["section_title"].startswith("II- PUBLICAÇÃO DO CADASTRO DE EMPREGADORES PREVISTA NO ARTIGO 5º")
    assert row(txt, 1)["legal_basis"] == "PORTARIA INTERMINISTERIAL MTPS/MMIRDH Nº 4, DE 11 DE MAIO DE 2016"
    assert set(txt["periodic_update_date"]) == {"2022-10-05"}
    assert set(txt["updated_date"]) == {"2023-03-09"}
    # The footnote "1) Decisão liminar ..." is printed but no row carries its mark: kept, not attached.
    notes = json.loads(txt["file_footnotes"].iloc[0])
    assert list(notes) == ["1"] and notes["1"].startswith("Decisão liminar da 2ª Vara Federal")
    assert txt["footnote_mark"].isna().all()


def test_txt_spreadsheet_damage_is_undone(parsed):
    txt = parsed["2023-03-09_txt"]
    assert row(txt, 2)["tax_id"] == "05729364431"  # CPF with a leading zero
    consorcio = row(txt, 44)  # mask typed with a dot instead of a slash
    assert (consorcio["tax_id_raw"], consorcio["tax_id"], consorcio["tax_id_type"]) == (
        "30.799.231.0001-78",
        "30799231000178",
        "CNPJ",
    )
    camillo = row(txt, 46)  # Excel turned CNAE 4211-1/01 into the date 01/01/4211
    assert (camillo["cnae_raw"], camillo["cnae"]) == ("01/01/4211", "4211-1/01")
    sanches = row(txt, 112)  # the class lost its leading zero
    assert (sanches["cnae_raw"], sanches["cnae"]) == ("119-9/06", "0119-9/06")


# --- PDF 2024-12-04: wrapped cells, footnotes on the last page, 56 pages ---------------------------------


def test_pdf_first_last_and_page_boundary(parsed):
    pdf = parsed["2024-12-04_pdf"]
    first = row(pdf, 1)
    assert (first["employer_name"], first["tax_id"], first["tax_id_type"]) == (
        "ABDIAS PEREIRA DA SILVA",
        "12642037649",
        "CPF",
    )
    assert (first["fiscal_year"], first["uf"], first["workers_affected"], first["cnae"]) == (2022, "MA", 1, "0151-2/01")
    assert (first["decision_date"], first["inclusion_raw"]) == ("2023-04-26", "05/10/2023")
    assert first["source_locator"] == "page 1 row 1"
    last = row(pdf, 719)
    assert (last["employer_name"], last["tax_id"], last["source_locator"]) == (
        "ZENILTON DE JESUS DA SILVEIRA",
        "10608915572",
        "page 56 row 4",
    )
    assert last["establishment"] == "FAZENDA 3 IRMÃS, RAMAL DO ESCONDIDO, ZONA RURAL, CAMACÃ/BA"
    # No row spans a page break: page 1 ends with ID 13, page 2 starts with ID 14, both complete.
    end, start = row(pdf, 13), row(pdf, 14)
    assert (end["source_locator"], start["source_locator"]) == ("page 1 row 13", "page 2 row 1")
    assert (end["establishment"], end["inclusion_raw"]) == ("FAZENDA PRIMAVERA, NOVA IPIXUNA/PA", "05/04/2023")
    assert (start["establishment"], start["workers_affected"]) == (
        "FAZENDA PEDRA BRANCA, ZONA RURAL, NOVA IPIXUNA/PA",
        5,
    )
    assert pdf["source_locator"].str.match(r"^page (\d+) row \d+$").all()


def test_pdf_wrapped_cells_and_compound_periods(parsed):
    pdf = parsed["2024-12-04_pdf"]
    assert row(pdf, 5)["establishment"] == "RUA SARCANTO, 37, CASA 01, BAIRRO JARDIM FLOR DE MAIO, SÃO PAULO/SP"
    assert row(pdf, 16)["employer_name"] == "AGROARACA INDUSTRIA DE ALIMENTOS LTDA"
    graeser = row(pdf, 118)
    assert graeser["inclusion_raw"] == "05/10/2022 a 13/01/2023, 11/11/2024"
    assert periods(graeser) == [{"start": "2022-10-05", "end": "2023-01-13"}, {"start": "2024-11-11", "end": None}]


def test_pdf_footnoted_court_ordered_rows(parsed):
    pdf = parsed["2024-12-04_pdf"]
    dalva = row(pdf, 154)
    assert (dalva["employer_name"], dalva["footnote_mark"]) == ("DALVA MARIA SIMONATO", "*1")
    assert (dalva["tax_id"], dalva["tax_id_type"]) == ("02572413965", "CPF")
    assert dalva["footnote_text"] == (
        "Inclusão em cumprimento à decisão judicial proferida no processo ACPCiv 0000043-66.2023.5.09.0094"
    )
    assert [dalva[f] for f in ("fiscal_year", "uf", "workers_affected", "cnae", "decision_date")] == [None] * 5
    assert dalva["source_locator"] == "page 12 row 11"
    elzo = row(pdf, 215)  # "(*1), (*2), (*3) ..." is one footnote line for three marks
    assert (elzo["footnote_mark"], elzo["tax_id_type"]) == ("*3", "CNPJ")
    assert elzo["footnote_text"] == dalva["footnote_text"]
    raul = row(pdf, 577)
    assert raul["footnote_mark"] == "*4" and "TRT 22ª Região" in raul["footnote_text"]
    assert (raul["fiscal_year"], raul["decision_date"]) == (2022, "2023-02-02")
    assert pdf["footnote_mark"].notna().sum() == 4


def test_pdf_edition_facts(parsed):
    pdf = parsed["2024-12-04_pdf"]
    assert set(pdf["periodic_update_date"]) == {"2024-10-07"}
    assert set(pdf["updated_date"]) == {"2024-12-04"}
    assert set(pdf["legal_basis"]) == {"Portaria Interministerial MTE/MDHC/MIR nº 18 de 13/09/2024"}


# --- XLSX 2026-01-28: DevExpress export with spacer columns --------------------------------------------


def test_xlsx_first_last_and_typed_cells(parsed):
    xlsx = parsed["2026-01-28_xlsx"]
    first = row(xlsx, 1)
    assert first["employer_name"] == "41.297.068 GILBERTO ELENO BATISTA DOS SANTOS"
    assert (first["tax_id"], first["tax_id_type"]) == ("41297068000161", "CNPJ")
    assert (first["decision_date"], first["inclusion_raw"]) == ("2025-05-15", "06/10/2025")  # P9 is a date cell
    assert first["source_locator"] == "sheet Sheet row 9"
    last = row(xlsx, 678)
    assert (last["employer_name"], last["tax_id"], last["source_locator"]) == (
        "ZORAIDE CLEBE LUMERTZ SANTOS",
        "88764576000176",
        "sheet Sheet row 686",
    )
    shox = row(xlsx, 602)  # a date cell with a time of day
    assert shox["decision_date"] == "2022-03-17"
    assert row(xlsx, 80)["tax_id"] == "00843891505"  # ARINALDO: CPF with two leading zeros
    amafil = row(xlsx, 42)
    assert periods(amafil) == [{"start": "2024-04-05", "end": "2024-05-10"}, {"start": "2025-04-09", "end": None}]
    assert (set(xlsx["periodic_update_date"]), set(xlsx["updated_date"])) == ({"2025-10-06"}, {"2026-01-28"})


def test_xlsx_footnoted_row_with_exported_zeros(parsed):
    adelson = row(parsed["2026-01-28_xlsx"], 12)
    assert (adelson["employer_name"], adelson["footnote_mark"]) == ("ADELSON NERES ALVES", "*1")
    assert adelson["footnote_text"] == (
        "Incluído no Cadastro em cumprimento à sentença proferida no processo "
        "judicial APC 0000820-69.2024.5.08.0118 _ TRT 8ª Região"
    )
    # B20 holds 0 and P20 serial 0: DevExpress's rendering of empty cells (the CSV leaves them empty).
    assert (adelson["fiscal_year"], adelson["decision_date"]) == (None, None)
    assert (adelson["workers_affected"], adelson["uf"], adelson["establishment"]) == (5, None, None)


# --- CSV 2026-08-02 / 2026-08-03: cp1252, renumbered, two employers removed -----------------------------


def test_csv_rows(parsed):
    before, after = parsed["2026-08-02_csv"], parsed["2026-08-03_csv"]
    assert (row(before, 585)["employer_name"], row(after, 583)["employer_name"]) == (
        "ZORAIDE CLEBE LUMERTZ SANTOS",
    ) * 2
    assert row(before, 585)["source_locator"] == "line 586"
    adelson = row(before, 13)
    assert (adelson["footnote_mark"], adelson["footnote_text"], adelson["workers_affected"]) == ("*1", None, 5)
    assert row(before, 72)["tax_id"] == "00843891505"
    assert row(before, 41)["inclusion_raw"] == "05/04/2024 a 10/05/2024, 09/04/2025"
    # cp1252 bytes 0xC3, 0xC1 read as Ã, Á
    assert row(before, 1)["establishment"] == "ROD. PREFEITO JOAQUIM SIMÃO, KM 735, CENTRO, IGARATÁ/SP"
    assert before["updated_date"].isna().all() and before["legal_basis"].isna().all()


def test_csv_the_two_removed_employers(parsed):
    before, after = parsed["2026-08-02_csv"], parsed["2026-08-03_csv"]
    fabio, coop = row(before, 197), row(before, 127)
    assert (fabio["employer_name"], fabio["tax_id"]) == ("FABIO CEZAR BARROS LEAO", "75853302604")
    assert periods(fabio) == [{"start": "2024-04-05", "end": "2024-06-12"}, {"start": "2026-04-06", "end": None}]
    assert (coop["employer_name"], coop["tax_id"], coop["workers_affected"]) == (
        "COOPERATIVA DO VALE DE PERNAMBUCO",
        "39873857000151",
        29,
    )
    assert not after["tax_id"].isin(["75853302604", "39873857000151"]).any()
    # Everything else is the same list renumbered: ID 128 on the 2nd is the row after the cooperative.
    assert row(after, 127)["employer_name"] == row(before, 128)["employer_name"]
