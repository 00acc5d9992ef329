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


def _text_cell(value) -> object:
    flat = _flat(value)
    return csv_cell(flat) if isinstance(flat, str) else flat


def write_rows(rows: list[dict], columns: list[str], path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    if fmt == "jsonl":
        with tmp.open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False, default=str) + "\n")
    elif fmt == "csv":
        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([_text_cell(row.get(c)) for c in columns])
    elif fmt == "xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("screening")
        sheet.append(columns)
        for row in rows:
            sheet.append([_text_cell(row.get(c)) for c in columns])
        book.save(tmp)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    tmp.replace(path)
