"""The CEAC's CSV (cp1252, ';') and XLSX: one header row, then one row per employer; two layouts.

Columns, as the lista suja's plus the CEAC's own: ID; Ano da ação fiscal; UF; Empregador; CNPJ/CPF;
Estabelecimento; Trabalhadores envolvidos; CNAE; Decisão administrativa de procedência; Inclusão no
Cadastro de Empregadores; Inclusão no CEAC; TAC / Acordo judicial. Where the CEAC date is:
- layout `ceac_column`: in "Inclusão no CEAC" (every row);
- layout `cadastro_column` (some 2025 versions): "Inclusão no CEAC" is empty in every row and the CEAC date
  sits in "Inclusão no Cadastro de Empregadores".
The layout is decided per file, never per row: a file where some rows fill "Inclusão no CEAC" and others
do not, another header, a row of another width, or text among the rows fails with the file, row and
reason. Cell values are read by the lista suja's field readers (same ministry, same conventions).
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.core.text import clean, fold
from fast_pipeline.sources.br_mte_lista_suja import fields
from fast_pipeline.sources.br_mte_lista_suja.document import read_checked
from fast_pipeline.sources.br_mte_lista_suja.fields import FieldError
from fast_pipeline.sources.br_mte_lista_suja.furniture import is_furniture
from fast_pipeline.sources.br_mte_lista_suja.parse_delimited import decode_csv

LABELS = (
    "ID",
    "Ano da ação fiscal",
    "UF",
    "Empregador",
    "CNPJ/CPF",
    "Estabelecimento",
    "Trabalhadores envolvidos",
    "CNAE",
    "Decisão administrativa de procedência",
    "Inclusão no Cadastro de Empregadores",
    "Inclusão no CEAC",
    "TAC / Acordo judicial",
)
HEADER = tuple(fold(label) for label in LABELS)
CADASTRO, CEAC = 9, 10
LAYOUTS = {"ceac_column": LABELS[CEAC], "cadastro_column": LABELS[CADASTRO]}
COLUMNS = [
    "row_id",
    "fiscal_year",
    "uf",
    "employer_name",
    "tax_id",
    "tax_id_type",
    "tax_id_raw",
    "establishment",
    "workers_affected",
    "cnae",
    "cnae_raw",
    "decision_date",
    "cadastro_inclusion_raw",
    "ceac_date",
    "ceac_date_column",
    "agreement",
    "layout",
    "source_locator",
]


def _fail(file: SourceFile, reason: str, locator: str | None = None) -> ParseError:
    return ParseError(file.source_id, file.file_name, reason, locator)


def _is_header(cells: list) -> bool:
    return tuple(fold(c) for c in cells) == HEADER


def _header_problem(cells: list) -> str:
    got = [clean(c) or "" for c in cells]
    return f"unexpected header {got}; expected the CEAC's {len(LABELS)} columns {list(LABELS)}"


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def _rows(records: list[tuple[str, list]], file: SourceFile) -> list[tuple[str, list]]:
    """(locator, cells) of the data rows after the header; titles before it, furniture after the rows."""
    data, seen_header, ended = [], False, False
    for locator, cells in records:
        while cells and not _filled(cells[-1]):
            cells = cells[:-1]
        filled = [c for c in cells if _filled(c)]
        if not filled:
            continue
        if not seen_header:
            if _is_header(cells):
                seen_header = True
            elif len(filled) > 1 or (cells and fold(cells[0]) == "id"):
                raise _fail(file, _header_problem(cells), locator)
            continue  # a title line above the header
        if len(filled) == 1 and is_furniture(str(filled[0])):
            ended = True  # page furniture below the table
            continue
        if ended or len(cells) != len(LABELS) or fields.integer(cells[0], "ID") is None:
            raise _fail(
                file, f"expected a data row of {len(LABELS)} cells starting with its ID, found {filled[:4]}", locator
            )
        data.append((locator, cells))
    if not seen_header:
        raise _fail(file, f"no header row {list(LABELS)}")
    if not data:
        raise _fail(file, "no data rows")
    return data


def _layout(rows: list[tuple[str, list]], file: SourceFile) -> str:
    with_ceac = [loc for loc, cells in rows if _filled(cells[CEAC])]
    if len(with_ceac) == len(rows):
        return "ceac_column"
    if not with_ceac and all(_filled(cells[CADASTRO]) for _, cells in rows):
        return "cadastro_column"
    if not with_ceac:
        empty = next(loc for loc, cells in rows if not _filled(cells[CADASTRO]))
        raise _fail(
            file, "no CEAC date: 'Inclusão no CEAC' and 'Inclusão no Cadastro de Empregadores' are empty", empty
        )
    without = next(loc for loc, cells in rows if not _filled(cells[CEAC]))
    raise _fail(
        file,
        f"'Inclusão no CEAC' is filled in {len(with_ceac)} of {len(rows)} rows: neither known layout "
        "(all rows in 'Inclusão no CEAC', or all in 'Inclusão no Cadastro de Empregadores')",
        without,
    )


def _record(locator: str, cells: list, layout: str) -> dict:
    rid, year, uf, name, tax, place, workers, cnae, decision, cadastro, ceac, agreement = cells
    digits, kind, tax_raw = fields.tax_id(tax)
    cnae_code, cnae_raw = fields.cnae(cnae)
    column = LAYOUTS[layout]
    return {
        "row_id": fields.integer(rid, "ID"),
        "fiscal_year": fields.integer(year, "Ano da ação fiscal", zero_is_empty=True),
        "uf": fields.uf(uf),
        "employer_name": fields.employer(name)[0],
        "tax_id": digits,
        "tax_id_type": kind,
        "tax_id_raw": tax_raw,
        "establishment": fields.text(place),
        "workers_affected": fields.integer(workers, "Trabalhadores envolvidos"),
        "cnae": cnae_code,
        "cnae_raw": cnae_raw,
        "decision_date": fields.date(decision, "Decisão administrativa de procedência"),
        "cadastro_inclusion_raw": None if layout == "cadastro_column" else fields.text(cadastro),
        "ceac_date": fields.date(ceac if layout == "ceac_column" else cadastro, column),
        "ceac_date_column": column,
        "agreement": fields.text(agreement),
        "layout": layout,
        "source_locator": locator,
    }


def _table(records: list[tuple[str, list]], file: SourceFile) -> pd.DataFrame:
    rows = _rows(records, file)
    layout = _layout(rows, file)
    out = []
    for locator, cells in rows:
        try:
            out.append(_record(locator, cells, layout))
        except FieldError as exc:
            raise _fail(file, str(exc), locator) from None
    frame = pd.DataFrame.from_records(out, columns=COLUMNS)
    for col in ("row_id", "fiscal_year", "workers_affected"):
        frame[col] = frame[col].astype("Int64")
    return frame


def parse_csv(file: SourceFile) -> pd.DataFrame:
    text = decode_csv(read_checked(file), file)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
        records = [(f"line {reader.line_num}", cells) for cells in reader]
    except csv.Error as exc:
        raise _fail(file, f"malformed CSV: {exc}") from None
    return _table(records, file)


def parse_xlsx(file: SourceFile) -> pd.DataFrame:
    import openpyxl  # here, not at the top: only parsing needs it (see core.source.load_parser)

    data = read_checked(file)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl signals a damaged workbook with many exception types
        raise _fail(file, f"unreadable workbook ({type(exc).__name__}: {exc})") from None
    try:
        sheets = [
            (
                ws.title,
                [(f"sheet {ws.title} row {n}", list(r)) for n, r in enumerate(ws.iter_rows(values_only=True), 1)],
            )
            for ws in book.worksheets
        ]
    finally:
        book.close()
    with_header = [(title, recs) for title, recs in sheets if any(_is_header(cells) for _, cells in recs)]
    if len(with_header) != 1:
        names = [title for title, _ in (with_header or sheets)]
        raise _fail(file, f"expected one sheet with the CEAC header, found {len(with_header)} (sheets {names})")
    return _table(with_header[0][1], file)
