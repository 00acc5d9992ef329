"""The CSV (cp1252, ';') and the TXT (tab-separated spreadsheet export, quoted multi-line cells).

Both are read by the csv module, so a quoted cell may hold line breaks and separators. Records before the
header row are preamble lines (title, edition line, section heading); after it, a record whose first cell
is a row number is a data row, a record with one filled cell is a text line (section heading, footnote,
footer) and anything else is an error: a shifted or mis-split row must not pass as data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pandas as pd

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.sources.br_mte_lista_suja.document import (
    HEADER,
    Line,
    Row,
    build_table,
    header_problem,
    is_header,
    read_checked,
)


def _fail(file: SourceFile, reason: str, locator: str | None = None) -> ParseError:
    return ParseError(file.source_id, file.file_name, reason, locator)


def _line_at(data: bytes, offset: int) -> str:
    newlines = data.count(b"\n", 0, offset)
    return f"line {newlines + 1}"


def decode_csv(data: bytes, file: SourceFile) -> str:
    """The ministry's CSV is Windows-1252; anything else is refused with the reason."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(file, "encoding: the file is UTF-16; the ministry's CSV is cp1252 (Windows-1252)")
    try:
        data.decode("utf-8")
        is_utf8 = not data.isascii()
    except UnicodeDecodeError:
        is_utf8 = False
    if is_utf8:
        raise _fail(
            file,
            "encoding: the file is UTF-8; the ministry's CSV is cp1252 (Windows-1252), "
            "so its accented header and names would be read wrong",
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _fail(
            file, f"encoding: byte 0x{data[exc.start]:02x} is not cp1252 text", _line_at(data, exc.start)
        ) from None


def decode_txt(data: bytes, file: SourceFile) -> str:
    """UTF-8 (with or without BOM) as spreadsheet exports write it, else cp1252 like the CSV.

    The choice is verified, not assumed: the header row holds accented labels ("ação", "Inclusão"), so a
    wrong decoding fails the header check.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(file, "encoding: UTF-16 text is not supported (expected UTF-8 or cp1252)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _fail(
            file, f"encoding: neither UTF-8 nor cp1252 (byte 0x{data[exc.start]:02x})", _line_at(data, exc.start)
        ) from None


def _records(text: str, delimiter: str, file: SourceFile) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of every record; quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _fail(file, f"malformed {file.file_format.upper()} ({exc})", f"line {start}") from None


def read_items(text: str, delimiter: str, file: SourceFile) -> Iterator[Line | Row]:
    seen_header = False
    preamble: list[Line] = []  # held back until the header proves this is the list
    for line_no, cells in _records(text, delimiter, file):
        locator = f"line {line_no}"
        while cells and not cells[-1].strip():
            cells.pop()
        filled = [c for c in cells if c.strip()]
        if not filled:
            continue
        if not seen_header:
            if cells[0].strip().upper() == "ID" or len(filled) >= 5:
                if not is_header(cells):
                    raise _fail(file, header_problem(cells), locator)
                seen_header = True
                yield from preamble
            elif len(filled) == 1:
                preamble.append(Line(filled[0], locator))
            else:
                raise _fail(file, f"unexpected record before the header row: {filled[:4]}", locator)
            continue
        if cells[0].strip().isdigit():
            if len(cells) != len(HEADER):
                raise _fail(
                    file,
                    f"data row has {len(cells)} cells, expected {len(HEADER)} "
                    "(a separator inside an unquoted cell, or a shifted column?)",
                    locator,
                )
            yield Row(tuple(cells), locator)
        elif len(filled) == 1:
            yield Line(filled[0], locator)
        elif is_header(cells):
            continue  # a repeated header
        else:
            raise _fail(file, f"record is neither a data row nor a text line: {filled[:4]}", locator)
    if not seen_header:
        raise _fail(file, f"no header row {list(HEADER)} found")


def parse_csv(file: SourceFile) -> pd.DataFrame:
    text = decode_csv(read_checked(file), file)
    return build_table(read_items(text, ";", file), file)


def parse_txt(file: SourceFile) -> pd.DataFrame:
    text = decode_txt(read_checked(file), file)
    return build_table(read_items(text, "\t", file), file)
