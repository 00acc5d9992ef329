"""What every format of the list has in common, and the one place that turns it into the parsed table.

Each format reader walks its file in reading order and yields `Line`s (text outside the table: title,
Portaria, edition line, section headings, footnotes, page furniture, which furniture.py knows by shape) and `Row`s (the ten published cells
of one employer). `build_table` reads the lines, assigns each row its section and footnote, types every
cell (see fields.py) and checks that the row IDs of each section run 1..N with none missing or repeated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from fast_pipeline.core.content_check import check_content
from fast_pipeline.core.errors import ContentCheckError, ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.core.text import clean, fold
from fast_pipeline.sources.br_mte_lista_suja import fields
from fast_pipeline.sources.br_mte_lista_suja.fields import FieldError
from fast_pipeline.sources.br_mte_lista_suja.furniture import furniture_lines

# The ten published columns, as folded header labels (the PDF wraps them, the TXT pads them).
HEADER = (
    "id",
    "ano da acao fiscal",
    "uf",
    "empregador",
    "cnpj cpf",
    "estabelecimento",
    "trabalhadores envolvidos",
    "cnae",
    "decisao administrativa de procedencia",
    "inclusao no cadastro de empregadores",
)
# Formats whose files print the footnotes that "(*n)" marks refer to (the CSV prints only the marks).
FOOTNOTED_FORMATS = ("pdf", "xlsx", "txt")

COLUMNS = [
    "section",
    "row_id",
    "fiscal_year",
    "uf",
    "employer_name",
    "footnote_mark",
    "footnote_text",
    "tax_id",
    "tax_id_type",
    "tax_id_raw",
    "establishment",
    "workers_affected",
    "cnae",
    "cnae_raw",
    "decision_date",
    "inclusion_periods",
    "inclusion_raw",
    "periodic_update_date",
    "updated_date",
    "legal_basis",
    "section_title",
    "file_footnotes",
    "source_locator",
]

_PERIODIC = re.compile(r"Atualização periódica de (\d{1,2}) de (\w+) de (\d{4})", re.IGNORECASE)
_UPDATED = re.compile(r"Cadastro atualizado em (\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)
_PORTARIA_LINE = re.compile(r"^\(?\s*(Portaria Interministerial\b.*?)\s*\)?\.?$", re.IGNORECASE)
_SECTION = re.compile(r"^(ii|i) publicacao\b")  # on folded text: "I- PUBLICAÇÃO DO CADASTRO ..."
_PORTARIA_IN_SECTION = re.compile(r"\b(PORTARIA INTERMINISTERIAL\b.*)$", re.IGNORECASE)
_MARK = r"(?:\(\*?\d+\)|\*?\d+\))"
_FOOTNOTE = re.compile(rf"^(?P<marks>{_MARK}(?:\s*,\s*{_MARK})*)\s*(?P<text>\S.*)$")
_TITLE = "cadastro de empregadores que tenham submetido trabalhadores"


@dataclass(frozen=True)
class Line:
    """Text that is not a table cell; `in_table` when a format with positions places it within the table's area."""

    text: str
    locator: str
    in_table: bool = False


@dataclass(frozen=True)
class Row:
    """The ten cells of one published row, raw (text, or the spreadsheet's typed values)."""

    cells: tuple
    locator: str


def is_header(labels: Iterable[object]) -> bool:
    return tuple(fold(v) for v in labels) == HEADER


def header_problem(labels: list[object]) -> str:
    """Why a header row is not the expected one, for the error message."""
    got = [clean(v) or "" for v in labels]
    folded = [fold(v) for v in got]
    if len(got) != len(HEADER):
        return f"expected the {len(HEADER)} columns {list(HEADER)}, found {len(got)}: {got}"
    for i, (want, have) in enumerate(zip(HEADER, folded)):
        if want != have:
            return f"header column {i + 1} is {got[i]!r}, expected {want!r} (renamed or shifted column?)"
    return "header row not recognised"


def _footnote_keys(marks: str) -> list[str]:
    return [m.strip("()") for m in re.findall(_MARK, marks)]


class _Header:
    """Edition-wide facts read from the text lines; repeated page headers must agree."""

    def __init__(self, file: SourceFile) -> None:
        self.file = file
        self.values: dict[str, str] = {}
        self.footnotes: dict[str, str] = {}

    def fail(self, reason: str, locator: str | None = None) -> ParseError:
        return ParseError(self.file.source_id, self.file.file_name, reason, locator)

    def set(self, key: str, value: str, locator: str) -> None:
        old = self.values.setdefault(key, value)
        if old != value:
            raise self.fail(f"conflicting {key.replace('_', ' ')}: {old!r} and {value!r}", locator)

    def read(self, line: Line, furniture: bool = False) -> str | None:
        """Record what the line says; returns a section number when it is a section heading.

        `furniture`: the line has the shape of page furniture (furniture.py); skipped unless it lies within
        the table's area.
        """
        text = clean(line.text) or ""
        folded = fold(text)
        if not text or folded.startswith(_TITLE):
            return None
        if m := _SECTION.match(folded):
            return m[1].upper()
        if line.in_table:  # between rows only a section heading may stand; furniture never does
            raise self.fail(f"unexpected text inside the table area: {text[:120]!r}", line.locator)
        if m := _PORTARIA_LINE.match(text):
            self.set("portaria", m[1], line.locator)
            return None
        periodic, updated = _PERIODIC.search(text), _UPDATED.search(text)
        if periodic or updated:
            try:
                if periodic:
                    self.set("periodic_update_date", fields.long_date(*periodic.groups()), line.locator)
                if updated:
                    self.set("updated_date", fields.date(updated[1], "edition line"), line.locator)
            except (FieldError, ValueError) as exc:
                raise self.fail(f"edition line {text!r}: {exc}", line.locator) from None
            return None
        if _FOOTNOTE.match(text):
            self._footnotes(line)
            return None
        if furniture:
            return None
        raise self.fail(f"unexpected text outside the table: {text[:120]!r}", line.locator)

    def _footnotes(self, line: Line) -> None:
        """One or more footnotes; a physical line that starts with no mark continues the previous one."""
        notes: list[tuple[list[str], str]] = []
        for part in filter(None, (clean(p) for p in line.text.splitlines())):
            if m := _FOOTNOTE.match(part):
                notes.append((_footnote_keys(m["marks"]), m["text"]))
            else:
                notes[-1] = (notes[-1][0], f"{notes[-1][1]} {part}")
        for keys, text in notes:
            for key in keys:
                if self.footnotes.setdefault(key, text) != text:
                    raise self.fail(f"footnote {key} is printed twice with different texts", line.locator)


def edition_dates(lines: Iterable[str]) -> tuple[str | None, str | None]:
    """(periodic update date, 'Cadastro atualizado em' date) from the first edition line that has each."""
    periodic = updated = None
    for line in lines:
        text = clean(line) or ""
        if periodic is None and (m := _PERIODIC.search(text)):
            periodic = fields.long_date(*m.groups())
        if updated is None and (m := _UPDATED.search(text)):
            updated = fields.date(m[1], "edition line")
    return periodic, updated


def build_table(items: Iterable[Line | Row], file: SourceFile) -> pd.DataFrame:
    """Lines and rows in reading order -> the parsed table (without the framework's provenance columns)."""
    header = _Header(file)
    section, section_title = None, None  # rows before any heading (the CSV has none) are the list: "I"
    records: list[dict] = []
    items = list(items)
    furniture = furniture_lines([item.text if isinstance(item, Line) else None for item in items])
    for index, item in enumerate(items):
        if isinstance(item, Line):
            found = header.read(item, index in furniture)
            if found:
                section, section_title = found, clean(item.text)
            continue
        try:
            records.append(_record(item, section or "I", section_title))
        except FieldError as exc:
            raise header.fail(str(exc), item.locator) from None
    if not records:
        raise header.fail("no data rows found")
    _check_sequence(records, header)
    return _frame(records, header)


def _record(row: Row, section: str, section_title: str | None) -> dict:
    if len(row.cells) != len(HEADER):
        raise FieldError(f"expected {len(HEADER)} cells, found {len(row.cells)}")
    rid, year, uf, name, tax, place, workers, cnae, decision, inclusion = row.cells
    row_id = fields.integer(rid, "ID")
    if row_id is None or row_id < 1:
        raise FieldError(f"ID: {rid!r} is not a positive row number")
    employer_name, mark = fields.employer(name)
    digits, kind, tax_raw = fields.tax_id(tax)
    inclusion_raw, periods = fields.inclusion_periods(inclusion)
    cnae_code, cnae_raw = fields.cnae(cnae)
    return {
        "section": section,
        "row_id": row_id,
        "fiscal_year": fields.integer(year, "Ano da ação fiscal", zero_is_empty=True),
        "uf": fields.uf(uf),
        "employer_name": employer_name,
        "footnote_mark": mark,
        "tax_id": digits,
        "tax_id_type": kind,
        "tax_id_raw": tax_raw,
        "establishment": fields.text(place),
        "workers_affected": fields.integer(workers, "Trabalhadores envolvidos"),
        "cnae": cnae_code,
        "cnae_raw": cnae_raw,
        "decision_date": fields.date(decision, "Decisão administrativa de procedência"),
        "inclusion_periods": fields.periods_json(periods),
        "inclusion_raw": inclusion_raw,
        "section_title": section_title,
        "source_locator": row.locator,
    }


def _check_sequence(records: list[dict], header: _Header) -> None:
    """Row IDs are row numbers: within a section they must run 1, 2, 3, ... in reading order."""
    expected: dict[str, int] = {}
    for rec in records:
        want = expected.get(rec["section"], 1)
        if rec["row_id"] != want:
            raise header.fail(
                f"section {rec['section']}: row ID {rec['row_id']} where {want} was expected "
                "(a row dropped, repeated, merged or split?)",
                rec["source_locator"],
            )
        expected[rec["section"]] = want + 1


def _frame(records: list[dict], header: _Header) -> pd.DataFrame:
    portaria = header.values.get("portaria")
    fmt = header.file.file_format
    for rec in records:
        mark = rec["footnote_mark"]
        rec["footnote_text"] = header.footnotes.get(mark) if mark else None
        if mark and rec["footnote_text"] is None and fmt in FOOTNOTED_FORMATS:
            raise header.fail(
                f"footnote {mark} of {rec['employer_name']!r} is not printed in the file", rec["source_locator"]
            )
        in_section = _PORTARIA_IN_SECTION.search(rec["section_title"] or "")
        rec["legal_basis"] = portaria or (in_section[1] if in_section else None)
        rec["periodic_update_date"] = header.values.get("periodic_update_date")
        rec["updated_date"] = header.values.get("updated_date")
        rec["file_footnotes"] = json.dumps(header.footnotes, ensure_ascii=False, sort_keys=True)
    frame = pd.DataFrame.from_records(records, columns=COLUMNS)
    for col in ("row_id", "fiscal_year", "workers_affected"):
        frame[col] = frame[col].astype("Int64")
    for col in COLUMNS:
        if col not in ("row_id", "fiscal_year", "workers_affected"):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def read_checked(file: SourceFile) -> bytes:
    """The file's bytes, after the framework's content check (an HTML page named .csv, a truncated PDF)."""
    data = file.read_bytes()
    try:
        check_content(data, file.file_format, source_id=file.source_id, file_name=file.file_name)
    except ContentCheckError as exc:
        raise ParseError(file.source_id, file.file_name, exc.reason) from None
    return data
