"""Screening results out: one row per (counterparty, candidate), as CSV, XLSX or JSON Lines.

Every input row appears at least once: a counterparty with no candidate has one row with an empty party_id,
a bad row one with its `error`. List and object columns (match_reasons, actions, exposures) are native in
JSON Lines, and JSON text (reasons joined by "; ") in CSV and XLSX, whose text cells are made spreadsheet-safe
by `core.display.csv_cell` (a cell starting with "=" is text, never a formula).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from fast_pipeline.core.display import csv_cell

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
FORMATS = ("csv", "xlsx", "jsonl")


def output_columns(input_header: list[str]) -> list[str]:
    """Ours, then the input's own (prefixed `input_` where a name is one of ours)."""
    return [*COLUMNS, *(_input_column(h) for h in input_header)]


def _input_column(header: str) -> str:
    return f"input_{header}" if header in COLUMNS else header


def with_input(row: dict, columns: dict[str, str]) -> dict:
    return {**row, **{_input_column(k): v for k, v in columns.items()}}


def _flat(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _text_cell(value) -> object:
    flat = _flat(value)
    return csv_cell(flat) if isinstance(flat, str) else flat


class RowWriter:
    """Writes rows as they come (a 100,000-row file is never held in memory), to a `.part` file renamed
    into place when complete."""

    def __init__(self, path: Path, columns: list[str], fmt: str):
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        self.path, self.columns, self.fmt = path, columns, fmt
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = path.with_name(path.name + ".part")
        self._file = self._csv = self._book = self._sheet = None
        # Rows share their actions and exposures lists (engine evidence cache): each is serialised once.
        self._text: dict[int, tuple[object, str]] = {}

    def __enter__(self) -> RowWriter:
        if self.fmt == "xlsx":
            import openpyxl

            self._book = openpyxl.Workbook(write_only=True)
            self._sheet = self._book.create_sheet("screening")
            self._sheet.append(self.columns)
        else:
            self._file = self.tmp.open("w", encoding="utf-8", newline="")
            if self.fmt == "csv":
                self._csv = csv.writer(self._file, lineterminator="\n")
                self._csv.writerow(self.columns)
        return self

    def _once(self, value, render) -> str:
        if not isinstance(value, list | dict) or not value:
            return render(value)
        found = self._text.get(id(value))
        if found is None or found[0] is not value:
            found = self._text[id(value)] = (value, render(value))
        return found[1]

    def write(self, row: dict) -> None:
        if self.fmt == "jsonl":
            cells = (f"{json.dumps(c)}: {self._once(row.get(c), _json)}" for c in self.columns)
            self._file.write("{" + ", ".join(cells) + "}\n")
        elif self.fmt == "csv":
            self._csv.writerow([self._once(row.get(c), _text_cell) for c in self.columns])
        else:
            self._sheet.append([self._once(row.get(c), _text_cell) for c in self.columns])

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._book is not None:
            self._book.save(self.tmp)
        if self._file is not None:
            self._file.close()
        if exc_type is None:
            self.tmp.replace(self.path)
        else:
            self.tmp.unlink(missing_ok=True)
