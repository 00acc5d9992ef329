"""The PDF: a DevExpress report, one table row per employer, the header row repeated on every page.

Text boxes come from pdf_text (one per clipping rectangle). The header row's ten boxes give the column
x-spans (kept for pages without a header); a box whose x-span matches a column is a cell, and cells that
share a vertical span form one row. Every other box is a text line (title, Portaria, edition line, section
heading, footnotes, page footer). Rows and lines are then read top-down, page by page.

DevExpress does not split a row across pages in these files; a band of cells without an ID cell (what
such a split would leave) raises rather than being glued to a neighbour.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

import pandas as pd
import pdfplumber

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.sources.br_mte_lista_suja.document import HEADER, Line, Row, build_table, is_header, read_checked
from fast_pipeline.sources.br_mte_lista_suja.pdf_text import Box, PdfReadError, read_boxes

_PAGE_FOOTER = re.compile(r"Página (\d+) de (\d+)")
SPAN_TOLERANCE = 1.5  # points: a cell's clip box matches its header box up to this


def _bands(boxes: list[Box]) -> dict[tuple[float, float], list[Box]]:
    bands: dict[tuple[float, float], list[Box]] = defaultdict(list)
    for box in boxes:
        bands[(round(box.clip[1], 1), round(box.clip[3], 1))].append(box)
    return bands


def _header_spans(boxes: list[Box]) -> tuple[tuple[float, float], list[tuple[float, float]]] | None:
    for band, members in _bands(boxes).items():
        if len(members) == len(HEADER):
            members = sorted(members, key=lambda b: b.clip[0])
            if is_header(b.text for b in members):
                return band, [(b.clip[0], b.clip[2]) for b in members]
    return None


def _column(box: Box, spans: list[tuple[float, float]]) -> int | None:
    for j, (x0, x1) in enumerate(spans):
        if abs(box.clip[0] - x0) <= SPAN_TOLERANCE and abs(box.clip[2] - x1) <= SPAN_TOLERANCE:
            return j
    return None


def _table_area(cells: list[Box]) -> tuple[float, float] | None:
    """The page's table (header and rows) as a vertical extent (bottom, top); None on a page without cells.

    Text between those lines sits among the rows; text above or below is the page's header, footnotes or
    furniture.
    """
    if not cells:
        return None
    return min(b.clip[1] for b in cells), max(b.clip[3] for b in cells)


def _page_items(
    page_no: int, boxes: list[Box], spans: list[tuple[float, float]] | None, file: SourceFile
) -> tuple[list[Line | Row], list[tuple[float, float]] | None]:
    """One page's rows and lines in reading order, and the column spans for the next page."""
    found = _header_spans(boxes)
    header_band = None
    if found:
        header_band, spans = found
    placed: list[tuple[float, float, Line | dict]] = []  # (top, left, item)
    cells: dict[tuple[float, float], dict[int, str]] = defaultdict(dict)
    columns = [(box, _column(box, spans) if spans else None) for box in boxes]
    area = _table_area([box for box, col in columns if col is not None])
    for box, col in columns:
        band = (round(box.clip[1], 1), round(box.clip[3], 1))
        if col is None:
            middle = (box.clip[1] + box.clip[3]) / 2
            inside = area is not None and area[0] < middle < area[1]
            placed.append((-box.clip[3], box.clip[0], Line(box.text, f"page {page_no}", in_table=inside)))
        elif band != header_band:
            if col in cells[band]:
                raise ParseError(
                    file.source_id, file.file_name, f"two text boxes in column {col + 1} of one row", f"page {page_no}"
                )
            cells[band][col] = box.text
    for band, row in cells.items():
        placed.append((-band[1], 0.0, row))
    items: list[Line | Row] = []
    n = 0
    for _, _, item in sorted(placed, key=lambda t: (t[0], t[1])):
        if isinstance(item, Line):
            items.append(item)
            continue
        n += 1
        locator = f"page {page_no} row {n}"
        if 0 not in item:
            raise ParseError(
                file.source_id,
                file.file_name,
                f"a table row without an ID cell (a row split across a page break?): {item}",
                locator,
            )
        items.append(Row(tuple(item.get(j, "") for j in range(len(HEADER))), locator))
    return items, spans


def _check_page_numbers(pages: list[list[Box]], file: SourceFile) -> None:
    """Footers read 'Página N de M': each page must be the N-th of exactly as many pages as the file has."""
    for page_no, boxes in enumerate(pages, 1):
        for box in boxes:
            if (m := _PAGE_FOOTER.fullmatch(box.text)) and (int(m[1]), int(m[2])) != (page_no, len(pages)):
                raise ParseError(
                    file.source_id,
                    file.file_name,
                    f"footer {box.text!r} on page {page_no} of {len(pages)}: pages missing or out of order",
                    f"page {page_no}",
                )


def read_items(file: SourceFile) -> list[Line | Row]:
    """Every page's rows (the raw cell texts, as extract_tables would give them) and lines."""
    data = read_checked(file)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = read_boxes(pdf)
    except PdfReadError as exc:
        raise ParseError(file.source_id, file.file_name, str(exc), f"page {exc.page}") from None
    except Exception as exc:  # pdfminer signals damage with many exception types
        raise ParseError(
            file.source_id, file.file_name, f"unreadable PDF ({type(exc).__name__}: {exc}); truncated or damaged?"
        ) from None
    _check_page_numbers(pages, file)
    items: list[Line | Row] = []
    spans = None
    for page_no, boxes in enumerate(pages, 1):
        page, spans = _page_items(page_no, boxes, spans, file)
        items += page
    if spans is None:
        raise ParseError(file.source_id, file.file_name, f"no page shows the header row {list(HEADER)}")
    return items


def parse_pdf(file: SourceFile) -> pd.DataFrame:
    return build_table(read_items(file), file)
