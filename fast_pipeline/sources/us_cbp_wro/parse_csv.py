"""The current form: a dated CSV ("withhold-release-orders-findings-fy26-2026-09-29.csv").

Encoding is sniffed per file (consumers have met both): a UTF-8 BOM means utf-8-sig, else strict UTF-8,
else Windows-1252 (CBP exports carry 0xA0 non-breaking spaces). Cells may be quoted and span lines.
The header must be exactly `HEADER`, in order; "Modified Date" (documented by OpenSanctions) is tolerated
anywhere, and so are trailing unnamed columns that are empty in every row (a spreadsheet's stray commas).
Any other change fails, naming the column. Rows are located as "row N" with the header as row 1, as a
spreadsheet shows them; wholly blank rows are not entries and are passed over.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from fast_pipeline.core.entity_names import clean_cell
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.sources.us_cbp_wro.record import build_record

HEADER = (
    "Effective Date",
    "Calendar Year",
    "Country Code",
    "Country",
    "Merchandise",
    "WRO/Finding",
    "Industry",
    "Status",
    "Press Release",
    "Entity",
    "Remarks",
)
OPTIONAL = ("Modified Date",)
_BOM = b"\xef\xbb\xbf"


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding name); ParseError for bytes that are no text we know."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise ParseError(None, None, "UTF-16 or binary data, not a UTF-8/Windows-1252 CSV")
    if data.startswith(_BOM):
        try:
            return data[len(_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ParseError(None, None, f"UTF-8 BOM but invalid UTF-8 at byte {exc.start + 3}") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise ParseError(
            None, None, f"neither UTF-8 nor Windows-1252 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def check_header(cells: list[str]) -> list[str]:
    """The header's column names, or ParseError naming what differs from `HEADER`."""
    names = [clean_cell(c) or "" for c in cells]
    while names and names[-1] == "":
        names.pop()
    core = [n for n in names if n not in OPTIONAL]
    if core == list(HEADER) and len(set(names)) == len(names):
        return names
    problems = [f"unexpected column {n!r}" for n in names if n not in HEADER and n not in OPTIONAL]
    problems += [f"missing column {n!r}" for n in HEADER if n not in names]
    problems += [f"column {n!r} appears {names.count(n)} times" for n in set(names) if names.count(n) > 1]
    if not problems:
        problems = [f"columns out of order: {core}"]
    raise ParseError(None, None, f"header changed: {'; '.join(problems)} (expected {', '.join(HEADER)})")


def parse_csv(file: SourceFile) -> pd.DataFrame:
    data = file.read_bytes()

    def fail(reason: str, locator: str | None = None) -> ParseError:
        return ParseError(file.source_id, file.file_name, reason, locator)

    if not data.strip():
        raise fail("the file is empty")
    if data.lstrip(_BOM + b" \t\r\n")[:1] == b"<":
        raise fail("an HTML or XML page, not the CSV (an error page saved under the CSV name?)")
    try:
        text, encoding = decode(data)
    except ParseError as exc:
        raise fail(exc.reason) from exc
    records: list[list[str]] = []
    try:
        records.extend(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise fail(f"malformed CSV (unclosed quote or a truncated file?): {exc}", f"row {len(records) + 1}") from exc
    if not records:
        raise fail("no header row")
    try:
        names = check_header(records[0])
    except ParseError as exc:
        raise fail(exc.reason, "row 1") from exc
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        locator = f"row {number}"
        if all(clean_cell(c) is None for c in cells):
            continue
        if len(cells) < len(names) or any(clean_cell(c) for c in cells[len(names) :]):
            raise fail(f"{len(cells)} cells for {len(names)} columns (a truncated or shifted row?)", locator)
        try:
            record = build_record(dict(zip(names, cells)))
        except ParseError as exc:
            raise fail(exc.reason, locator) from exc
        rows.append({**record, "encoding": encoding, "source_locator": locator})
    if not rows:
        raise fail("the CSV has a header but no rows")
    return pd.DataFrame(rows)
