"""Synthetic CEAC files in the two documented layouts (no real CEAC file is saved here)."""

from __future__ import annotations

import io

import openpyxl

from fast_pipeline.sources.br_mte_ceac.parse import LABELS

# employer rows up to "Decisão administrativa de procedência": (ID filled in by the writer)
EMPLOYERS = [
    [
        "2022",
        "MG",
        "FAZENDA EXEMPLO LTDA",
        "11.222.333/0001-81",
        "Fazenda Exemplo, zona rural, Unaí/MG",
        "12",
        "0151-2/01",
        "10/03/2023",
    ],
    ["2021", "PA", "FULANO DE TAL", "057.293.644-31", "Sítio Boa Esperança, Marabá/PA", "3", "0220-9/02", "05/09/2022"],
]
CEAC_DATES = ["09/04/2025", "07/10/2025"]
AGREEMENTS = ["TAC nº 12/2024 (MPT)", "Acordo judicial, processo 0000123-45.2024.5.08.0117"]


def rows(layout: str = "ceac_column") -> list[list[str]]:
    """The data rows; in `cadastro_column` the CEAC date sits in 'Inclusão no Cadastro de Empregadores'."""
    out = []
    for n, (employer, ceac, tac) in enumerate(zip(EMPLOYERS, CEAC_DATES, AGREEMENTS), 1):
        if layout == "ceac_column":
            out.append([str(n), *employer, "", ceac, tac])
        else:
            out.append([str(n), *employer, ceac, "", tac])
    return out


def csv_bytes(data_rows: list[list[str]], header: tuple[str, ...] | list[str] = LABELS) -> bytes:
    """As the ministry writes its CSV: cp1252, ';', CRLF, no trailing newline."""
    return "\r\n".join(";".join(r) for r in [list(header), *data_rows]).encode("cp1252")


def xlsx_bytes(data_rows: list[list[str]], header: tuple[str, ...] | list[str] = LABELS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "CEAC"
    sheet.append(["Cadastro de Empregadores em Ajustamento de Conduta (CEAC)"])
    sheet.append([])
    sheet.append(list(header))
    for r in data_rows:
        sheet.append([int(r[0]), int(r[1]), *r[2:]])
    sheet.append(["DENÚNCIAS DE TRABALHO ANÁLOGO AO DE ESCRAVO https://ipe.sit.trabalho.gov.br"])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
