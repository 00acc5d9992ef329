"""The fast content-stream reader gives the cell values pdfplumber's extract_tables gives.

The full-file comparison (719 rows) is benchmarks/bench_br_pdf.py; here a few pages of the real PDF, and
a small hand-written PDF for what the ministry's file does not exercise (literal strings, kerning gaps,
several text lines per box, rotated text).
"""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest

from fast_pipeline.core.errors import ParseError
from fast_pipeline.sources.br_mte_lista_suja import SOURCE
from fast_pipeline.sources.br_mte_lista_suja.document import Row
from fast_pipeline.sources.br_mte_lista_suja.parse_pdf import read_items
from fast_pipeline.sources.br_mte_lista_suja.pdf_text import read_boxes
from fast_pipeline_tests.conftest import saved_file
from fast_pipeline_tests.sources.br_mte_lista_suja.conftest import SID, source_file

PAGES = (1, 10, 12, 56)  # first, a compound period, a footnoted row, last page with footnotes


def test_cells_equal_pdfplumber_extract_tables(shared_sources):
    path = saved_file(SID, "2024-12-04_pdf")
    ours = [item for item in read_items(source_file(path)) if isinstance(item, Row)]
    with pdfplumber.open(path) as pdf:
        for page_no in PAGES:
            theirs = [
                tuple(r)
                for t in pdf.pages[page_no - 1].extract_tables()
                for r in t
                if r[0] and re.fullmatch(r"\d+", r[0])
            ]
            mine = [r.cells for r in ours if r.locator.startswith(f"page {page_no} row ")]
            assert mine == theirs, page_no
            assert len(mine) >= 4


def make_pdf(content: bytes) -> bytes:
    """A one-page PDF with Helvetica as /F1 and the given content stream, with a correct xref."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 400] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_small_pdf_text_matches_pdfplumber():
    content = (
        b"BT /F1 10 Tf 50 300 Td (Cl\\341usula \\(a\\)) Tj ET\n"
        b"BT /F1 10 Tf 50 280 Td [(Wor) -2000 (ld) 120 (!)] TJ ET\n"
        b"BT /F1 10 Tf 14 TL 50 260 Td (um) Tj T* (dois   tr\\\ns) Tj ET\n"
    )
    with pdfplumber.open(io.BytesIO(make_pdf(content))) as pdf:
        boxes = read_boxes(pdf)[0]
        expected = pdf.pages[0].extract_text()
    assert len(boxes) == 1  # no clipping path: one box for the page
    assert boxes[0].text == expected == "Cláusula (a)\nWor ld!\num\ndois trs"


def test_rotated_text_is_refused_with_the_page(tmp_path):
    path = tmp_path / "rotated.pdf"
    path.write_bytes(make_pdf(b"BT /F1 10 Tf 0 1 -1 0 100 100 Tm (ID) Tj ET"))
    with pytest.raises(ParseError, match="rotated") as info:
        SOURCE.parse_file(source_file(path))
    assert info.value.locator == "page 1"


def test_a_pdf_without_the_table(tmp_path):
    path = tmp_path / "other.pdf"
    path.write_bytes(make_pdf(b"BT /F1 10 Tf 50 300 Td (Relatorio anual) Tj ET"))
    with pytest.raises(ParseError, match="no page shows the header row"):
        SOURCE.parse_file(source_file(path))


# --- a PDF whose column layout changed: every variant must fail loudly, naming page and reason ---------
LABELS = [
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
]
WIDTHS = [20, 30, 20, 90, 60, 120, 40, 40, 60, 70]
EDITION_LINE = "Atualização periódica de 7 de outubro de 2024. Cadastro atualizado em 04/12/2024."
ROW_1 = [
    "1",
    "2023",
    "SP",
    "FULANO DE TAL",
    "057.293.644-31",
    "Fazenda X, Itu/SP",
    "3",
    "0151-2/01",
    "10/01/2024",
    "07/10/2024",
]
ROW_2 = ["2", "2023", "MG", "BELTRANO", "389.732.001-00", "Sitio Y", "2", "0151-2/01", "10/01/2024", "07/10/2024"]


def _text(value: str) -> bytes:
    return value.encode("cp1252").replace(b"(", b"\\(").replace(b")", b"\\)")


def _report_row(cells: list[str], y: float, moved: set[int] = frozenset(), by: float = 35) -> bytes:
    """One table row as DevExpress draws it: each cell clipped to its own rectangle."""
    out, x = b"", 10.0
    for i, (cell, width) in enumerate(zip(cells, WIDTHS)):
        left = x + (by if i in moved else 0)
        out += b"q %.1f %.1f %.1f 12 re W n BT /F1 5 Tf %.1f %.1f Td (" % (left, y, width, left + 1, y + 3)
        out += _text(cell) + b") Tj ET Q\n"
        x += width
    return out


def _line(text: str, y: float) -> bytes:
    """A text line in its own clip box spanning the page, as DevExpress draws titles and footers."""
    return b"q 10 %.1f 580 14 re W n BT /F1 6 Tf 12 %.1f Td (" % (y, y + 4) + _text(text) + b") Tj ET Q\n"


def _report(tmp_path, labels=LABELS, moved: set[int] = frozenset(), extra: bytes = b""):
    content = (
        b"BT /F1 8 Tf 10 380 Td ("
        + _text(EDITION_LINE)
        + b") Tj ET\n"
        + _report_row(labels, 340)
        + _report_row(ROW_1, 320)
        + _report_row(ROW_2, 300, moved)
        + extra
    )
    path = tmp_path / "cadastro_de_empregadores.pdf"
    path.write_bytes(make_pdf(content))
    return source_file(path)


def test_report_layout_as_published_parses(tmp_path):
    frame = SOURCE.parse_file(_report(tmp_path))
    assert frame["employer_name"].tolist() == ["FULANO DE TAL", "BELTRANO"]
    assert frame["tax_id"].tolist() == ["05729364431", "38973200100"]
    assert frame["source_locator"].tolist() == ["page 1 row 1", "page 1 row 2"]


@pytest.mark.parametrize(
    "labels, moved, reason",
    [
        ([*LABELS[:3], "Razão social", *LABELS[4:]], set(), "no page shows the header row"),
        (LABELS, {5}, "page 1: unexpected text inside the table area: 'Sitio Y'"),
        (LABELS, {5, 6, 7, 8, 9}, "page 1 row 2: inclusion: empty"),
    ],
    ids=["renamed column", "one column moved", "columns shifted right"],
)
def test_changed_column_layout_fails_naming_page_and_reason(tmp_path, labels, moved, reason):
    with pytest.raises(ParseError) as info:
        SOURCE.parse_file(_report(tmp_path, labels, moved))
    assert info.value.message.startswith("br_mte_lista_suja: cadastro_de_empregadores.pdf: ")
    assert reason in info.value.message


# --- page furniture: known by position (outside the table's area) and shape, not by its words ---------
NEW_FOOTER = "DENÚNCIAS DE TRABALHO ANÁLOGO À ESCRAVIDÃO https://ipe.sit.trabalho.gov.br"


@pytest.mark.parametrize(
    "furniture",
    [NEW_FOOTER, "Página 1 de 1", "Page 1 of 1", "1/1", "- 1 -", "WWW.GOV.BR/TRABALHO", "xrLabelNumeracaoPagina"],
)
def test_reworded_page_furniture_below_the_table_is_skipped(tmp_path, furniture):
    frame = SOURCE.parse_file(_report(tmp_path, extra=_line(furniture, 200) + _line("Página 1 de 1", 5)))
    assert frame["employer_name"].tolist() == ["FULANO DE TAL", "BELTRANO"]


def test_furniture_inside_the_table_area_fails_naming_the_page(tmp_path):
    with pytest.raises(ParseError) as info:
        SOURCE.parse_file(_report(tmp_path, extra=_line(NEW_FOOTER, 310)))  # between row 1 and row 2
    assert info.value.locator == "page 1"
    assert "unexpected text inside the table area: 'DENÚNCIAS DE TRABALHO ANÁLOGO À ESCRAVIDÃO" in info.value.message


@pytest.mark.parametrize(
    "text",
    ["Denúncias pelo site https://ipe.sit.trabalho.gov.br", "Linha 1 de 2 do relatório", "EMPREGADOR REMOVIDO"],
)
def test_prose_below_the_table_still_fails(tmp_path, text):
    """Mixed-case text beside a link, or capitals without one, is not furniture: it may be content."""
    with pytest.raises(ParseError, match="unexpected text outside the table") as info:
        SOURCE.parse_file(_report(tmp_path, extra=_line(text, 200)))
    assert info.value.locator == "page 1"
