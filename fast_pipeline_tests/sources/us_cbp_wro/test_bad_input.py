"""Bad CSV input fails loudly, naming the file, the row and the reason."""

from __future__ import annotations

import pytest

from fast_pipeline.core.errors import ParseError
from fast_pipeline.sources.us_cbp_wro import SOURCE
from fast_pipeline.sources.us_cbp_wro.parse_csv import HEADER
from fast_pipeline_tests.sources.us_cbp_wro.published import ROWS, csv_bytes, write


def parse_error(tmp_path, data: bytes) -> ParseError:
    with pytest.raises(ParseError) as info:
        SOURCE.parse_file(write(tmp_path, data))
    assert info.value.source_id == "us_cbp_wro"
    assert info.value.file.endswith(".csv")
    return info.value


def with_cell(row: int, column: str, value: str) -> list[tuple]:
    rows = [list(r) for r in ROWS]
    rows[row][HEADER.index(column)] = value
    return [tuple(r) for r in rows]


@pytest.mark.parametrize(
    "header, message",
    [
        (
            tuple("Entity Name" if h == "Entity" else h for h in HEADER),
            "unexpected column 'Entity Name'; missing column 'Entity'",
        ),
        ((*HEADER, "Region"), "unexpected column 'Region'"),
        (HEADER[:-1], "missing column 'Remarks'"),
        ((HEADER[1], HEADER[0], *HEADER[2:]), "columns out of order"),
        ((*HEADER, "Status"), "column 'Status' appears 2 times"),
    ],
)
def test_a_changed_header_fails_naming_the_column(tmp_path, header, message):
    rows = [r[: len(header)] + ("",) * (len(header) - len(r)) for r in ROWS]
    error = parse_error(tmp_path, csv_bytes(rows, header=header))
    assert error.locator == "row 1"
    assert "header changed" in error.reason and message in error.reason


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("Status", "Suspended", "unknown status 'Suspended'"),
        ("Status", "", "Status is empty"),
        ("WRO/Finding", "Detention", "expected 'WRO' or 'Finding'"),
        ("Effective Date", "2021-06-24", "unreadable date '2021-06-24'"),
        ("Effective Date", "02/30/2021", "unreadable date '02/30/2021'"),
        ("Country Code", "CHN", "not an ISO 3166-1 alpha-2 code"),
        ("Calendar Year", "FY21", "is not a year"),
        ("Entity", "Hoshine Silicon Industry Co. Ltd. (a/k/a Hesheng", "unbalanced '('"),
    ],
)
def test_an_unreadable_cell_fails_naming_the_row(tmp_path, column, value, message):
    error = parse_error(tmp_path, csv_bytes(with_cell(4, column, value)))
    assert error.locator == "row 6"
    assert message in error.reason


def test_a_row_without_any_target_fails(tmp_path):
    rows = with_cell(1, "Country", "")
    rows = [
        tuple("" if i == HEADER.index("Country Code") and n == 1 else v for i, v in enumerate(r))
        for n, r in enumerate(rows)
    ]
    assert "no target" in parse_error(tmp_path, csv_bytes(rows)).reason


def test_an_html_error_page_saved_as_csv(tmp_path):
    page = b"<!DOCTYPE html><html><head><title>Access Denied</title></head><body>Reference #18</body></html>"
    assert "HTML" in parse_error(tmp_path, page).reason


def test_empty_file_and_header_without_rows(tmp_path):
    assert "empty" in parse_error(tmp_path, b"").reason
    assert "no rows" in parse_error(tmp_path, csv_bytes([])).reason


def test_a_truncated_file(tmp_path):
    data = csv_bytes()
    cut = data[: data.index(b"Modified on 10/02/2020") + 10]  # ends inside a quoted multi-line cell
    error = parse_error(tmp_path, cut)
    assert (error.locator, "malformed CSV" in error.reason) == ("row 6", True)
    short = data[: data.index(b"Garments,WRO,") + 13]  # ends in the middle of a row
    error = parse_error(tmp_path, short)
    assert (error.locator, "7 cells for 11 columns" in error.reason) == ("row 4", True)


def test_encodings_that_are_not_utf8_or_cp1252(tmp_path):
    assert "UTF-16" in parse_error(tmp_path, csv_bytes(encoding="utf-16")).reason
    assert "neither UTF-8 nor Windows-1252" in parse_error(tmp_path, csv_bytes(encoding="utf-8") + b"\x81\x8d").reason
    bad_bom = b"\xef\xbb\xbf" + csv_bytes(encoding="cp1252")
    assert "UTF-8 BOM but invalid UTF-8" in parse_error(tmp_path, bad_bom).reason


def test_a_row_with_an_extra_filled_cell(tmp_path):
    rows = [ROWS[0] + ("stray",), *ROWS[1:]]
    error = parse_error(tmp_path, csv_bytes(rows))
    assert error.locator == "row 2" and "12 cells for 11 columns" in error.reason
