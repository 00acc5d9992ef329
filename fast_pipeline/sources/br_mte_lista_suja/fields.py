"""One published cell -> one typed value. Shared by every format; each function fails with FieldError.

Cells arrive as text (PDF, CSV, TXT) or as spreadsheet values (XLSX: ints, floats, datetimes), so every
function accepts both. Nothing is guessed: a value that fits no known shape raises, and the caller turns
that into a ParseError naming the file, the row and the column.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from stdnum.br import cnpj, cpf

from fast_pipeline.core.text import clean

UFS = frozenset("AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO".split())
MONTHS = {
    m: i
    for i, m in enumerate(
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split(), 1
    )
}

_DATE = r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"
_PERIOD = re.compile(rf"(?P<start>{_DATE})(?:\s*a\s*(?P<end>{_DATE}))?(?:\s*\((?P<section>I{{1,2}})\))?")
_PERIOD_SEP = re.compile(r"\s*(?:[,;]\s*(?:e\s+)?|e\s+)")
_FOOTNOTE_MARK = re.compile(r"\s*\((\*[0-9]+)\)\s*$")
_TAX_ID_TEXT = re.compile(r"^[0-9.\-/ ]+$")
_CNAE = re.compile(r"^([0-9]{3,4})-?([0-9])/([0-9]{2})$")
_CNAE_AS_DATE = re.compile(r"^([0-9]{2})/0([0-9])/([0-9]{4})$")


class FieldError(ValueError):
    """A cell that cannot be read with certainty."""


def text(value: object) -> str | None:
    """Cell text as published: NFC, whitespace (including in-cell line breaks) collapsed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(value)


def integer(value: object, what: str, *, zero_is_empty: bool = False) -> int | None:
    """A whole number from an int cell, an integral float cell or digits; None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(f"{what}: boolean {value!r} where a number belongs")
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(f"{what}: {value!r} is not a whole number")
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        raw = text(value)
        if raw is None:
            return None
        if not (raw.isascii() and raw.isdigit()):  # str.isdigit also accepts '²' and other scripts' digits
            raise FieldError(f"{what}: {raw!r} is not a whole number")
        number = int(raw)
    if zero_is_empty and number == 0:  # DevExpress writes 0 into empty numeric cells
        return None
    return number


def date(value: object, what: str) -> str | None:
    """ISO date from a date cell or dd/mm/yyyy text (trailing spaces allowed); None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        if value == dt.time(0, 0):  # a spreadsheet date cell holding serial 0: empty in the report export
            return None
        raise FieldError(f"{what}: time {value!r} where a date belongs")
    raw = text(value)
    if raw is None:
        return None
    if not re.fullmatch(_DATE, raw):
        raise FieldError(f"{what}: {raw!r} is not a dd/mm/yyyy date")
    return _dmy(raw, what)


def _dmy(raw: str, what: str) -> str:
    day, month, year = (int(p) for p in raw.split("/"))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError as exc:
        raise FieldError(f"{what}: {raw!r} is not a real date ({exc})") from None


def inclusion_periods(value: object) -> tuple[str, list[dict]]:
    """'05/04/2024 a 10/05/2024, 09/04/2025' -> raw text and [{start, end}, {start, end: None}].

    Separators seen: ',', ';', ' e ', '; e'. Section II rows mark periods with '(I)'/'(II)' (kept as
    "section"). Only the last period may be open; every closed period must not end before it starts.
    """
    if isinstance(value, (dt.date, dt.datetime)):  # a date cell: one open period
        return value.strftime("%d/%m/%Y"), [{"start": date(value, "inclusion"), "end": None}]
    raw = text(value)
    if raw is None:
        raise FieldError("inclusion: empty (every listed employer has an inclusion date)")
    periods, pos = [], 0
    while True:
        m = _PERIOD.match(raw, pos)
        if m is None:
            raise FieldError(f"inclusion: cannot read {raw!r} at {raw[pos:]!r}")
        period = {"start": _dmy(m["start"], "inclusion"), "end": _dmy(m["end"], "inclusion") if m["end"] else None}
        if m["section"]:
            period["section"] = m["section"]
        if period["end"] and period["end"] < period["start"]:
            raise FieldError(f"inclusion: period ends before it starts in {raw!r}")
        periods.append(period)
        pos = m.end()
        if pos == len(raw):
            break
        sep = _PERIOD_SEP.match(raw, pos)
        if sep is None or sep.end() == pos:
            raise FieldError(f"inclusion: cannot read {raw!r} at {raw[pos:]!r}")
        pos = sep.end()
    if any(p["end"] is None for p in periods[:-1]):
        raise FieldError(f"inclusion: an open period before the last one in {raw!r}")
    return raw, periods


def periods_json(periods: list[dict]) -> str:
    return json.dumps(periods, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def tax_id(value: object) -> tuple[str, str, str]:
    """CPF/CNPJ -> (digits, "CPF" | "CNPJ", as published), the type decided by check digits.

    Text of 11 or 14 digits (masked "057.293.644-31" or not) keeps its leading zeros. A number cell, or
    text of another length, lost them: both paddings are tried. When both are valid (about 1 in 100
    CPFs also passes as a CNPJ once padded with "000"), the CPF wins: a CNPJ root starting "000" belongs
    to the first few hundred registrants (federal bodies, old banks), not to the employers on this list.
    A value valid as neither raises.
    """
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError(f"CNPJ/CPF: {value!r} is not a whole number")
        value = int(value)
    raw = str(value) if isinstance(value, int) else text(value)
    if raw is None:
        raise FieldError("CNPJ/CPF: empty")
    if not _TAX_ID_TEXT.fullmatch(raw):
        raise FieldError(f"CNPJ/CPF: {raw!r} holds characters other than digits and . - /")
    digits = re.sub(r"\D", "", raw)
    if len(digits) > 14 or not digits:
        raise FieldError(f"CNPJ/CPF: {raw!r} has {len(digits)} digits")
    if not isinstance(value, int) and len(digits) in (11, 14):
        candidates = [digits]
    else:
        candidates = [d for d in (digits.zfill(11), digits.zfill(14)) if len(d) in (11, 14)]
    for padded in candidates:
        if len(padded) == 11 and cpf.is_valid(padded):
            return padded, "CPF", raw
        if len(padded) == 14 and cnpj.is_valid(padded):
            return padded, "CNPJ", raw
    raise FieldError(f"CNPJ/CPF: {raw!r} is valid neither as a CPF nor as a CNPJ (check digits)")


def cnae(value: object) -> tuple[str | None, str | None]:
    """CNAE subclass 'dddd-d/dd' and the cell as published.

    Two spreadsheet accidents are undone: a class stored as a number lost its leading zero ('119-9/06'),
    and Excel read 'dddd-d/dd' as year-month/day, so the hand-kept 2023 workbook shows '4211-1/01' as the
    date 01/01/4211 (day = subclass, month = check digit, year = class).
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month}/{value.day:02d}", value.strftime("%d/%m/%Y")
    raw = text(value)
    if raw is None:
        return None, None
    if m := _CNAE_AS_DATE.fullmatch(raw):
        return f"{m[3]}-{m[2]}/{m[1]}", raw
    m = _CNAE.fullmatch(raw)
    if m is None:
        raise FieldError(f"CNAE: {raw!r} is not a dddd-d/dd code")
    return f"{m[1].zfill(4)}-{m[2]}/{m[3]}", raw


def uf(value: object) -> str | None:
    raw = text(value)
    if raw is None:
        return None
    if raw.upper() not in UFS:
        raise FieldError(f"UF: {raw!r} is not a Brazilian state code")
    return raw.upper()


def employer(value: object) -> tuple[str, str | None]:
    """Name as published and its footnote mark: 'ELZO SIMONATO (*2)' -> ('ELZO SIMONATO', '*2')."""
    raw = text(value)
    if raw is None:
        raise FieldError("Empregador: empty")
    m = _FOOTNOTE_MARK.search(raw)
    if m is None:
        return raw, None
    name = raw[: m.start()].strip()
    if not name:
        raise FieldError(f"Empregador: {raw!r} is only a footnote mark")
    return name, m[1]


def long_date(day: str, month: str, year: str) -> str:
    """'7', 'outubro', '2024' -> '2024-10-07' (the header's 'Atualização periódica de ...')."""
    number = MONTHS.get(month.lower())
    if number is None:
        raise FieldError(f"edition line: unknown month {month!r}")
    return dt.date(int(year), number, int(day)).isoformat()
