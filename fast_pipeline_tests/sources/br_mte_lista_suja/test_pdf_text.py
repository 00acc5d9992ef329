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
            theirs = [tuple(r) for t in pdf.pages[page_no - 1].extract_tables() for r in t
                      if r[0] and re.fullmatch(r"\d+", r[0])]
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
    content = (b"BT /F1 10 Tf 50 300 Td (Cl\\341usula \\(a\\)) Tj ET\n"
               b"BT /F1 10 Tf 50 280 Td [(Wor) -2000 (ld) 120 (!)] TJ ET\n"
               b"BT /F1 10 Tf 14 TL 50 260 Td (um) Tj T* (dois   tr\\\ns) Tj ET\n")
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
