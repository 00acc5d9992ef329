"""What the two DOL lists share: (country, good) pairs read from spreadsheets, named and keyed one way.

`us_dol_ilab` (TVPRA List of Goods) and `us_dol_eo13126` (EO 13126 List of Products) both publish pairs of
a country and a good. This module holds, once for both:
- reading an XLSX/XLS workbook into one checked table (merged cells resolved, blank rows skipped, a
  changed header, an empty table or an HTML error page refused);
- the pair's key and name (`good_key`, `pair_name`), so both sources key the same pair the same way;
- comparing the files of one edition pair for pair (`compare_files`);
- finding the list's spreadsheet link on a DOL landing page (`find_spreadsheet_link`);
- the canonical fields every pair shares (`pair_action`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlparse

import pandas as pd
from bs4 import BeautifulSoup

from fast_pipeline.core.canonical import conform, empty_actions, to_json_list
from fast_pipeline.core.content_check import check_content
from fast_pipeline.core.countries import UnknownCountryError, country_iso2
from fast_pipeline.core.errors import AcquisitionError, ContentCheckError, ParseError
from fast_pipeline.core.ids import action_id, stable_id
from fast_pipeline.core.source import RemoteFile, SourceFile, SourceMetadata
from fast_pipeline.core.text import clean, fold

SPREADSHEET_FORMATS = ("xlsx", "xls")

# "Head (inner)": DOL writes the same good both ways round across files ("Tin ore (cassiterite)" in the
# 2016 XML, "Cassiterite (tin ore)" in the 2016 XLSX).
_HEAD_AND_PARENTHESIS = re.compile(r"^(?P<head>[^()]+?)\s*\((?P<inner>[^()]+)\)$")


def good_key(good: str) -> str:
    """The good as keyed: folded, with "A (B)" and "B (A)" made equal by sorting the two parts."""
    text = clean(good) or ""
    match = _HEAD_AND_PARENTHESIS.match(text)
    if match:
        return " ".join(sorted((fold(match["head"]), fold(match["inner"]))))
    return fold(text)


def pair_key(iso2: str, good: str) -> str:
    """The readable natural key of a pair, e.g. "UZ|cotton" or "CD|cassiterite tin ore"."""
    return f"{iso2}|{good_key(good)}"


def pair_name(good: str, country: str) -> str:
    """The party name of a pair, good first as DOL lists it: "Cotton — Uzbekistan" (published spellings)."""
    return f"{good} — {country}"


def resolve_country(name: str, file: SourceFile, locator: str, overrides: Mapping[str, str] | None = None) -> str:
    try:
        return country_iso2(name, overrides)
    except UnknownCountryError as exc:
        raise ParseError(file.source_id, file.file_name, str(exc), locator) from None


def check_bytes(file: SourceFile, data: bytes) -> None:
    """The content check of acquisition, reported as a parse error (an HTML page saved as .xlsx, ...)."""
    try:
        check_content(data, file.file_format, source_id=file.source_id, file_name=file.file_name)
    except ContentCheckError as exc:
        raise ParseError(file.source_id, file.file_name, exc.reason) from None


# --- spreadsheets -----------------------------------------------------------------------------------


@dataclass
class Sheet:
    """One worksheet as cleaned text; cells inside a merged range carry the range's top-left value."""

    name: str
    rows: list[list[str | None]]

    def is_empty(self) -> bool:
        return not any(cell is not None for row in self.rows for cell in row)


def _cell_text(value: object, file: SourceFile, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return clean(value)
    raise ParseError(file.source_id, file.file_name, f"expected text, found {type(value).__name__} {value!r}", where)


def _fill_merged(grid: list[list[object]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Copy each merged range's top-left value into its other cells (0-based, end-exclusive bounds)."""
    for row_lo, row_hi, col_lo, col_hi in ranges:
        value = grid[row_lo][col_lo]
        for r in range(row_lo, min(row_hi, len(grid))):
            for c in range(col_lo, min(col_hi, len(grid[r]))):
                grid[r][c] = value


def _xlsx_grids(data: bytes) -> list[tuple[str, list[list[object]]]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    out = []
    for ws in book.worksheets:
        grid = [list(row) for row in ws.iter_rows(values_only=True)]
        _fill_merged(grid, [(m.min_row - 1, m.max_row, m.min_col - 1, m.max_col) for m in ws.merged_cells.ranges])
        out.append((ws.title, grid))
    return out


def _xls_grids(data: bytes) -> list[tuple[str, list[list[object]]]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    out = []
    for sh in book.sheets():
        grid: list[list[object]] = []
        for r in range(sh.nrows):
            row: list[object] = []
            for cell in sh.row(r):
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                else:  # text; numbers and dates arrive as floats and are refused as non-text later
                    row.append(cell.value)
            grid.append(row)
        _fill_merged(grid, list(sh.merged_cells))
        out.append((sh.name, grid))
    return out


def read_sheets(file: SourceFile) -> list[Sheet]:
    """Every worksheet of an XLSX or XLS file as text, after the content check."""
    data = file.read_bytes()
    check_bytes(file, data)
    reader = {"xlsx": _xlsx_grids, "xls": _xls_grids}.get(file.file_format)
    if reader is None:
        raise ParseError(file.source_id, file.file_name, f"not a spreadsheet format: {file.file_format!r}")
    try:
        grids = reader(data)
    except ParseError:
        raise
    except Exception as exc:  # corrupt or truncated workbook
        raise ParseError(
            file.source_id,
            file.file_name,
            f"cannot read the {file.file_format.upper()} workbook: {type(exc).__name__}: {exc}",
        ) from exc
    sheets = []
    for name, grid in grids:
        rows = [
            [_cell_text(v, file, f"sheet {name!r} row {r} column {c}") for c, v in enumerate(row, 1)]
            for r, row in enumerate(grid, 1)
        ]
        sheets.append(Sheet(name, rows))
    return sheets


def read_table(file: SourceFile, header: Sequence[str]) -> list[tuple[int, list[str | None]]]:
    """The workbook's one table: its data rows as (1-based row number, cells), checked against `header`.

    Exactly one sheet may hold data (DOL's workbooks carry empty "Sheet2"/"Sheet3"); its first non-empty
    row must be `header` (compared folded); blank rows are skipped; a value right of the header, or a table
    without data rows, is an error.
    """

    def fail(reason: str, locator: str | None = None) -> ParseError:
        return ParseError(file.source_id, file.file_name, reason, locator)

    sheets = [s for s in read_sheets(file) if not s.is_empty()]
    if not sheets:
        raise fail("the workbook is empty: no sheet holds any value")
    if len(sheets) > 1:
        raise fail(f"several sheets hold data ({', '.join(s.name for s in sheets)}); expected one table")
    sheet = sheets[0]
    numbered = [(n, row) for n, row in enumerate(sheet.rows, 1) if any(c is not None for c in row)]
    header_no, header_row = numbered[0]
    found = list(header_row)
    while found and found[-1] is None:
        found.pop()
    if [fold(c) for c in found] != [fold(h) for h in header]:
        raise fail(f"header is {found}, expected {list(header)}", f"row {header_no}")
    width = len(header)
    rows = []
    for n, row in numbered[1:]:
        extra = [c for c in row[width:] if c is not None]
        if extra:
            raise fail(f"values right of the {width}-column table: {extra}", f"row {n}")
        rows.append((n, (row + [None] * width)[:width]))
    if not rows:
        raise fail("the table has a header but no data rows", f"sheet {sheet.name!r}")
    return rows


def check_pairs(frame: pd.DataFrame, file: SourceFile) -> None:
    """A file must list pairs, each once: two rows for one key would be two actions with one ID."""
    if frame.empty:
        raise ParseError(file.source_id, file.file_name, "the file lists no (country, good) pair")
    seen: dict[str, str] = {}
    for iso2, good, locator in zip(frame["country_iso2"], frame["good"], frame["source_locator"]):
        key = pair_key(iso2, good)
        if key in seen:
            raise ParseError(
                file.source_id, file.file_name, f"pair {key} is listed twice (also at {seen[key]})", locator
            )
        seen[key] = locator


# --- comparing the files of one edition --------------------------------------------------------------


def compare_files(parsed: pd.DataFrame, flags: Sequence[str]) -> list[str]:
    """Disagreements between the files of one edition: pairs missing from one, and `flags` that differ.

    A flag missing (null) in one file, such as forced_child_labor in the XLSX, is not compared.
    """
    files = list(dict.fromkeys(parsed["source_file"]))
    if len(files) < 2:
        return []
    keyed = {}
    for name in files:
        part = parsed[parsed["source_file"] == name]
        keyed[name] = {pair_key(r["country_iso2"], r["good"]): r for r in part.to_dict("records")}
    ref_name, ref = files[0], keyed[files[0]]

    def label(rows: dict, key: str) -> str:
        return f"{key} ({pair_name(rows[key]['good'], rows[key]['country'])})"

    issues = []
    for name in files[1:]:
        other = keyed[name]
        issues += [f"{label(ref, key)} is in {ref_name} but not in {name}" for key in sorted(ref.keys() - other.keys())]
        issues += [
            f"{label(other, key)} is in {name} but not in {ref_name}" for key in sorted(other.keys() - ref.keys())
        ]
        for key in sorted(ref.keys() & other.keys()):
            for flag in flags:
                a, b = ref[key][flag], other[key][flag]
                if pd.isna(a) or pd.isna(b) or bool(a) == bool(b):
                    continue
                issues.append(f"{key}: {flag} is {bool(a)} in {ref_name} but {bool(b)} in {name}")
    return issues


# --- landing pages ------------------------------------------------------------------------------------


def find_spreadsheet_link(
    page: bytes, page_url: str, *, source_id: str, wanted: Callable[[str, str], bool]
) -> RemoteFile:
    """The one XLSX/XLS link on a landing page for which `wanted(link text, absolute url)` holds."""
    soup = BeautifulSoup(page, "html.parser")
    base = soup.find("base", href=True)
    base_url = urljoin(page_url, base["href"]) if base else page_url
    found: dict[str, RemoteFile] = {}
    for anchor in soup.find_all("a", href=True):
        url = urljoin(base_url, anchor["href"].strip())
        name = unquote(PurePosixPath(urlparse(url).path).name)
        fmt = PurePosixPath(name).suffix.lstrip(".").lower()
        if fmt in SPREADSHEET_FORMATS and wanted(clean(anchor.get_text(" ")) or "", url):
            found.setdefault(url, RemoteFile(url=url, file_name=name, file_format=fmt))
    if not found:
        raise AcquisitionError(
            source_id, page_url, "no link to the list's spreadsheet on the landing page (has the page changed?)"
        )
    if len(found) > 1:
        raise AcquisitionError(source_id, page_url, f"several candidate spreadsheet links: {sorted(found)}")
    return next(iter(found.values()))


# --- canonical rows -------------------------------------------------------------------------------------


def pair_action(
    meta: SourceMetadata, row: Mapping, *, action_type: str, edition: str, edition_date: str | None
) -> dict:
    """The canonical fields every DOL pair shares; the source adds status_raw, sector and details.

    natural_key "ISO2|good key"; party_record_id from it; the same key is offered as a COUNTRY_GOOD
    identifier so that resolution links the ILAB and EO 13126 records of one pair.
    """
    key = pair_key(row["country_iso2"], row["good"])
    return {
        "action_id": action_id(meta.source_id, row["country_iso2"], good_key(row["good"])),
        "source_id": meta.source_id,
        "edition": edition,
        "edition_date": edition_date,
        "natural_key": key,
        "action_type": action_type,
        "authority": meta.authority,
        "jurisdiction": meta.jurisdiction,
        "legal_basis": meta.extra["legal_basis"],
        "party_record_id": stable_id("party", meta.source_id, "country_good", key),
        "party_name": pair_name(row["good"], row["country"]),
        "party_kind": "country_good",
        "party_identifiers": to_json_list([{"scheme": "COUNTRY_GOOD", "value": key}]),
        "party_country": row["country_iso2"],
        "goods": row["good"],
        "status": "active",
        "source_url": row.get("source_url"),
        "source_sha256": row["source_sha256"],
        "source_locator": row["source_locator"],
    }


def actions_frame(rows: list[dict]) -> pd.DataFrame:
    return conform(pd.DataFrame(rows)) if rows else empty_actions()
