"""Synthetic EO 13126 spreadsheets (tmp_path): an XLSX edition parses; bad input is refused loudly."""

from __future__ import annotations

import openpyxl
import pytest

from fast_pipeline.core.errors import ParseError
from fast_pipeline.sources.us_dol_eo13126 import SOURCE
from fast_pipeline_tests.conftest import saved_file
from fast_pipeline_tests.sources.us_dol_ilab.helpers import parse


def write_xlsx(tmp_path, rows, name="EO13126List.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.create_sheet("Sheet2")
    book.save(tmp_path / name)
    return tmp_path / name


def test_an_xlsx_edition(tmp_path):
    frame = parse(SOURCE, write_xlsx(tmp_path, [["Country", "Good"], ["Burma", "Teak"], ["Korea, North", "Coal"]]))
    assert frame[["country_iso2", "good", "source_locator", "file_format"]].values.tolist() == [
        ["MM", "Teak", "row 2", "xlsx"],
        ["KP", "Coal", "row 3", "xlsx"],
    ]


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        ([["Country", "Product"], ["Burma", "Teak"]], "header is ['Country', 'Product'], expected ['Country', 'Good']"),
        ([["Country", "Good"]], "the table has a header but no data rows"),
        ([["Country", "Good"], ["Burma", None]], "row 2: a row without both a country and a good"),
        ([["Country", "Good"], ["Narnia", "Teak"]], "row 2: unknown country name 'Narnia'"),
        (
            [["Country", "Good"], ["Burma", "Teak"], ["Myanmar", "teak"]],
            "row 3: pair MM|teak is listed twice (also at row 2)",
        ),
    ],
)
def test_bad_tables(tmp_path, rows, reason):
    with pytest.raises(ParseError) as err:
        parse(SOURCE, write_xlsx(tmp_path, rows))
    assert reason in str(err.value)


@pytest.mark.usefixtures("shared_sources")
def test_error_page_and_truncated_xls(tmp_path):
    page = tmp_path / "EO13126List_2014.xls"
    page.write_bytes(b"<html><head><title>Error</title></head><body>Service unavailable</body></html>")
    with pytest.raises(ParseError, match="received an HTML page"):
        parse(SOURCE, page)
    cut = tmp_path / "cut.xls"
    cut.write_bytes(saved_file("us_dol_eo13126", "2014-11").read_bytes()[:6000])
    with pytest.raises(ParseError, match="cannot read the XLS workbook"):
        parse(SOURCE, cut)
