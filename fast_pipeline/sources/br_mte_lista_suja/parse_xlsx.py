"""The XLSX, in both shapes the ministry has published.

- 2026-style DevExpress report export: one sheet, logo images, title lines in merged rows, header on row 8,
  each field in a merged range, so the ten columns sit at A, B, C, D, F, I, J, M, P, Q with empty spacer
  columns between them; empty numeric cells are exported as 0 (year) and serial 0 (date).
- 2023-style hand-kept workbook (sheet "Cadastro"): contiguous columns, dates as date cells or text with
  trailing spaces, CPF/CNPJ possibly stored as numbers (leading zeros lost; restored in fields.tax_id).

Both are read the same way: the header row is found by its labels, its cells give the column positions,
and a value anywhere else in a data row is an error (a shifted column), never ignored.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.core.text import clean, fold
from fast_pipeline.sources.br_mte_lista_suja.document import (
    HEADER,
    Line,
    Row,
    build_table,
    header_problem,
    is_header,
    read_checked,
)


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _is_row_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and value.strip().isdigit()


def _find_header(rows: list[tuple], sheet: str, file: SourceFile) -> int | None:
    """Index of the header row: the first row whose first filled cell reads 'ID'."""
    for i, values in enumerate(rows):
        labels = [v for v in values if _filled(v)]
        if labels and fold(labels[0]) == "id":
            if not is_header(labels):
                raise ParseError(file.source_id, file.file_name, header_problem(labels), f"sheet {sheet} row {i + 1}")
            return i
    return None


def _items(rows: list[tuple], head: int, sheet: str, file: SourceFile) -> Iterator[Line | Row]:
    positions = [j for j, v in enumerate(rows[head]) if _filled(v)]
    for i, values in enumerate(rows):
        if i == head:
            continue
        locator = f"sheet {sheet} row {i + 1}"
        filled = [(j, v) for j, v in enumerate(values) if _filled(v)]
        if not filled:
            continue
        first = values[positions[0]] if positions[0] < len(values) else None
        if i > head and _is_row_number(first):
            stray = [j for j, _ in filled if j not in positions]
            if stray:
                raise ParseError(
                    file.source_id,
                    file.file_name,
                    f"value in column {get_column_letter(stray[0] + 1)}, outside the "
                    f"{len(HEADER)} header columns (a shifted or added column?)",
                    locator,
                )
            yield Row(tuple(values[j] if j < len(values) else None for j in positions), locator)
        elif len(filled) == 1 and isinstance(filled[0][1], str):
            yield Line(filled[0][1], locator)
        elif i > head and is_header([v for _, v in filled]):
            continue  # a repeated header
        else:
            shown = [clean(v) if isinstance(v, str) else v for _, v in filled[:4]]
            raise ParseError(
                file.source_id, file.file_name, f"row is neither a data row nor a text line: {shown}", locator
            )


def parse_xlsx(file: SourceFile) -> pd.DataFrame:
    data = read_checked(file)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ParseError(file.source_id, file.file_name, f"not a readable XLSX workbook ({exc})") from None
    try:
        found = []
        for sheet in book.worksheets:
            rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
            head = _find_header(rows, sheet.title, file)
            if head is not None:
                found.append((sheet.title, rows, head))
    finally:
        book.close()
    if not found:
        raise ParseError(
            file.source_id,
            file.file_name,
            f"no sheet has the header row (ID, Ano da ação fiscal, ...); sheets: {book.sheetnames}",
        )
    if len(found) > 1:
        raise ParseError(
            file.source_id, file.file_name, f"several sheets hold the list: {[name for name, _, _ in found]}"
        )
    sheet, rows, head = found[0]
    return build_table(_items(rows, head, sheet, file), file)
