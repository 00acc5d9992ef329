"""Screening results out: one row per (counterparty, candidate), as CSV, XLSX or JSON Lines.

Every input row appears at least once: a counterparty with no candidate has one row with an empty party_id,
a bad row one with its `error`. List and object columns (match_reasons, actions, exposures) are native in
JSON Lines; in CSV and XLSX a list of strings is joined by "; " and any other list or object is JSON text.
Text cells are made spreadsheet-safe by `core.display.csv_cell` (a cell starting with "=" is text, never a
formula), JSON text by `json_text_for_csv` (it stays valid JSON).

The same writer writes the exposures file beside the output (`EXPOSURE_COLUMNS`, one row per finding).
"""

from __future__ import annotations

import csv
from pathlib import Path

import orjson

from fast_pipeline.core.display import BIDI_CONTROLS, csv_cell, json_text_for_csv

COLUMNS = (
    "query_id",
    "party_id",
    "score",
    "is_match",
    "matched_name",
    "match_reasons",
    "party_kind",
    "party_country",
    "sources",
    "action_count",
    "active_action_count",
    "actions",
    "exposures",
    "review_status",
    "evidence_fingerprint",
    "error",
    "row_number",
)
EXPOSURE_COLUMNS = (
    "exposure_key",
    "source_id",
    "action_id",
    "action_type",
    "country",
    "goods",
    "labour",
    "legal_basis",
    "listed_date",
    "effective_date",
    "ended_date",
    "source_url",
    "source_sha256",
    "counterparties",
)
FORMATS = ("csv", "xlsx", "jsonl")
# Characters json_text_for_csv rewrites; most JSON text has none, and then it is left as it is.
_JSON_UNSAFE = frozenset(
    BIDI_CONTROLS | {"\u2028", "\u2029"} | {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
)


def input_column(header: str) -> str:
    """An input column's name in the output: its own, prefixed `input_` where it is one of ours."""
    return f"input_{header}" if header in COLUMNS else header


def _json_cell(value) -> str:
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    return json_text_for_csv(text) if not _JSON_UNSAFE.isdisjoint(text) else text


def _text_cell(value) -> object:
    """A value as a CSV or XLSX cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_cell(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        try:
            return csv_cell("; ".join(value))  # a list of strings
        except TypeError:
            return _json_cell(value)
    if isinstance(value, dict):
        return _json_cell(value)
    return value


class RowWriter:
    """Writes rows as they come (a 100,000-row file is never held in memory), to a `.part` file renamed
    into place when complete.

    Rows of one counterparty share its input columns, and rows share the lists of the evidence cache (a
    party's actions, a country's exposure keys): `input_cells` renders a counterparty's columns once for all
    its rows, and a shared list is rendered once for every row that holds it."""

    def __init__(self, path: Path, fmt: str, input_header: list[str] = (), own: tuple[str, ...] = COLUMNS):
        """Columns: `own` (ours), then the input's (`input_header`, as `input_column` names them)."""
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        self.path, self.fmt, self.own, self.inputs = path, fmt, own, list(input_header)
        self.columns = [*own, *(input_column(h) for h in self.inputs)]
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = path.with_name(path.name + ".part")
        self._file = self._csv = self._book = self._sheet = None
        self._text: dict[int, tuple[object, object]] = {}
        self._empty = dict.fromkeys(self.columns)
        same = lambda value: value  # noqa: E731
        self._render = {type(None): lambda _: "", str: csv_cell, bool: _text_cell, int: same, float: same,
                        list: self._shared, dict: self._shared}  # fmt: skip

    def __enter__(self) -> RowWriter:
        if self.fmt == "xlsx":
            import openpyxl

            self._book = openpyxl.Workbook(write_only=True)
            self._sheet = self._book.create_sheet("exposures" if self.own == EXPOSURE_COLUMNS else "screening")
            self._sheet.append(self.columns)
        elif self.fmt == "jsonl":
            self._file = self.tmp.open("wb")
        else:
            self._file = self.tmp.open("w", encoding="utf-8", newline="")
            self._csv = csv.writer(self._file, lineterminator="\n")
            self._csv.writerow(self.columns)
        return self

    def input_cells(self, columns: dict[str, str]) -> object:
        """A counterparty's own columns, rendered for this format (pass the result to `write`)."""
        if self.fmt == "jsonl":
            return {input_column(k): v for k, v in columns.items()}
        return [_text_cell(columns.get(h)) for h in self.inputs]

    def _shared(self, value) -> object:
        """The cell of a list or dict, rendered once however many rows hold the same object."""
        if not value:
            return _text_cell(value)
        found = self._text.get(id(value))
        if found is None or found[0] is not value:
            found = self._text[id(value)] = (value, _text_cell(value))
        return found[1]

    def write(self, row: dict, inputs: object = ()) -> None:
        if self.fmt == "jsonl":
            self._file.write(orjson.dumps({**self._empty, **row, **(inputs or {})}) + b"\n")
            return
        render = self._render
        cells = [render.get(type(value), _text_cell)(value) for value in map(row.get, self.own)]
        cells.extend(inputs)
        if self.fmt == "csv":
            self._csv.writerow(cells)
        else:
            self._sheet.append(cells)

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._book is not None:
            self._book.save(self.tmp)
        if self._file is not None:
            self._file.close()
        if exc_type is None:
            self.tmp.replace(self.path)
        else:
            self.tmp.unlink(missing_ok=True)
