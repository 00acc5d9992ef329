"""The 2023-style hand-kept workbook (sheet "Cadastro", contiguous columns, typed cells).

No such workbook is saved, but the 2023 TXT is a tab-separated export of one, so the test rebuilds the
workbook from the TXT's rows with the damage such workbooks carry (CPF/CNPJ as numbers without their
leading zeros, dates as date cells or as text with trailing spaces, the CNAE Excel turned into a date) and
requires the same table as the TXT gives.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import openpyxl
import pandas as pd
import pytest

from fast_pipeline.core.errors import ParseError
from fast_pipeline.sources.br_mte_lista_suja import SOURCE
from fast_pipeline_tests.sources.br_mte_lista_suja.conftest import parse_validated, source_file

HEADER = [
    "ID",
    " Ano da ação fiscal",
    "UF",
    "Empregador",
    "CNPJ/CPF",
    "Estabelecimento",
    "Trabalhadores envolvidos",
    "CNAE",
    "Decisão administrativa de procedência",
    "Inclusão no Cadastro de Empregadores ",
]
COMPARED = [
    "section",
    "row_id",
    "fiscal_year",
    "uf",
    "employer_name",
    "tax_id",
    "tax_id_type",
    "establishment",
    "workers_affected",
    "cnae",
    "decision_date",
    "inclusion_periods",
    "inclusion_raw",
    "periodic_update_date",
    "updated_date",
    "legal_basis",
    "file_footnotes",
]


def _cells(rec: dict) -> list:
    decision = rec["decision_date"]
    if decision and rec["row_id"] % 2:
        decision = dt.datetime.fromisoformat(decision)  # a date cell
    elif decision:
        decision = dt.date.fromisoformat(decision).strftime("%d/%m/%Y") + "  "  # text with trailing spaces
    cnae = rec["cnae_raw"]
    if cnae == "01/01/4211":
        cnae = dt.datetime(4211, 1, 1)  # what Excel stores for '4211-1/01' typed into a General cell
    inclusion = rec["inclusion_raw"]
    if rec["row_id"] % 3 == 0 and re.fullmatch(r"\d\d/\d\d/\d{4}", inclusion):
        inclusion = dt.datetime.strptime(inclusion, "%d/%m/%Y")  # a date cell
    return [
        rec["row_id"],
        rec["fiscal_year"],
        rec["uf"],
        rec["employer_name"],
        int(rec["tax_id"]),
        rec["establishment"],
        rec["workers_affected"],
        cnae,
        decision,
        inclusion,
    ]


def build_workbook(txt: pd.DataFrame, path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Cadastro"
    book.create_sheet("Plan2")
    section_titles = txt.drop_duplicates("section").set_index("section")["section_title"]
    sheet.append([])
    sheet.append([])
    sheet.append([])
    sheet.append(["Atualização periódica de 5 de outubro de 2022. Cadastro atualizado em 09/03/2023."])
    sheet.append([section_titles["I"]])
    sheet.append(HEADER)
    records = txt.astype(object).where(txt.notna(), None).to_dict("records")
    for rec in records:
        if rec["section"] == "II" and rec["row_id"] == 1:
            sheet.append([section_titles["II"]])
        sheet.append(_cells(rec))
    note = json.loads(txt["file_footnotes"].iloc[0])["1"]
    sheet.append([None, f"1) {note}"])
    sheet.append([None] * 5 + ["DENÚNCIAS DE TRABALHO ANÁLOGO AO DE ESCRAVO"])  # the footer, as in the TXT
    sheet.append([None] * 5 + ["https://ipe.sit.trabalho.gov.br"])
    book.save(path)


def test_hand_kept_workbook_gives_the_txt_table(parsed, tmp_path):
    txt = parsed["2023-03-09_txt"]
    path = tmp_path / "cadastro_de_empregadores.xlsx"
    build_workbook(txt, path)
    frame = parse_validated(source_file(path))
    assert len(frame) == 175
    pd.testing.assert_frame_equal(
        frame[COMPARED].reset_index(drop=True), txt[COMPARED].reset_index(drop=True), check_dtype=False
    )
    ademar = frame[frame["row_id"] == 2].iloc[0]  # CPF stored as the number 5729364431
    assert (ademar["tax_id_raw"], ademar["tax_id"], ademar["tax_id_type"]) == ("5729364431", "05729364431", "CPF")
    assert frame.loc[frame["row_id"] == 1, "source_locator"].iloc[0] == "sheet Cadastro row 7"


def test_two_sheets_with_the_list_is_ambiguous(parsed, tmp_path):
    path = tmp_path / "twice.xlsx"
    build_workbook(parsed["2023-03-09_txt"], path)
    book = openpyxl.load_workbook(path)
    book.copy_worksheet(book["Cadastro"])
    book.save(path)
    with pytest.raises(ParseError, match="several sheets"):
        SOURCE.parse_file(source_file(path))
