"""Counterparty files in: CSV (encoding and delimiter sniffed) or XLSX, headers matched by synonyms.

A bad row (no id, neither name nor tax ID, an invalid tax ID, an unknown country) becomes a row-level error
that the output reports; it never stops the run. A file whose header names no known column fails with one
line naming the columns it found.
"""

from __future__ import annotations

import csv
import gettext
import io
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import charset_normalizer
import pycountry

from fast_pipeline.core.countries import UnknownCountryError, country_iso2
from fast_pipeline.core.errors import PipelineError
from fast_pipeline.core.text import clean, fold
from fast_pipeline.screening.engine import Query
from fast_pipeline.screening.identifiers import InvalidTaxId, parse_tax_id

# Folded header -> the engine's column. Other columns are carried through to the output.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "query id",
        "customer id",
        "client id",
        "counterparty id",
        "codigo",
        "cod",
        "codigo cliente",
        "identificador",
        "ref",
        "reference",
        "referencia",
        "account",
        "conta",
    ),
    "name": (
        "name",
        "nome",
        "razao social",
        "nome razao social",
        "company",
        "company name",
        "empresa",
        "full name",
        "nome completo",
        "legal name",
        "counterparty",
        "supplier",
        "fornecedor",
        "cliente",
        "customer",
        "denominacao",
        "entity",
        "entity name",
        "empregador",
    ),
    "country": ("country", "pais", "country code", "nation", "jurisdiction", "codigo pais", "country iso"),
    "tax_id": (
        "tax id",
        "tax_id",
        "taxid",
        "cnpj",
        "cpf",
        "cpf cnpj",
        "cnpj cpf",
        "uscc",
        "tin",
        "vat",
        "documento",
        "document",
        "nif",
        "registration number",
        "tax number",
        "cnpj/cpf",
        "cpf/cnpj",
    ),
    "kind": ("kind", "type", "tipo", "entity type", "schema", "pessoa", "tipo pessoa"),
    "goods": (
        "goods",
        "product",
        "products",
        "produto",
        "produtos",
        "merchandise",
        "mercadoria",
        "commodity",
        "hs",
        "hs code",
        "ncm",
        "sector",
        "setor",
        "atividade",
        "activity",
    ),
}
_BY_HEADER = {fold(s).replace(" ", ""): col for col, synonyms in HEADER_SYNONYMS.items() for s in synonyms}
KINDS = {
    "company": "company",
    "empresa": "company",
    "organization": "organisation",
    "organisation": "organisation",
    "person": "person",
    "pessoa fisica": "person",
    "individual": "person",
    "pf": "person",
    "pj": "company",
    "pessoa juridica": "company",
    "vessel": "vessel",
    "navio": "vessel",
    "embarcacao": "vessel",
}


class CounterpartyFileError(PipelineError):
    """A counterparty file that cannot be read at all (no recognisable header, unreadable bytes)."""

    def __init__(self, file: str, reason: str):
        super().__init__("screen", file, reason)


@dataclass
class Counterparty:
    """One input row: the engine's query (None when the row is in error) and the row as the file had it."""

    row_number: int
    columns: dict[str, str]
    query: Query | None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class CounterpartyFile:
    path: Path
    header: list[str]
    mapping: dict[str, str]  # engine column -> the file's header
    rows: list[Counterparty]
    encoding: str | None = None
    delimiter: str | None = None


def read_counterparties(path: Path) -> CounterpartyFile:
    if not path.is_file():
        raise CounterpartyFileError(str(path), "no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, records, encoding, delimiter = *_read_xlsx(path), None, None
    else:
        header, records, encoding, delimiter = _read_csv(path)
    mapping = map_header(header)
    if "id" not in mapping or not ({"name", "tax_id"} & mapping.keys()):
        found = ", ".join(repr(h) for h in header) or "(none)"
        raise CounterpartyFileError(
            path.name, f"no recognisable header: need an id column and a name or tax ID column; found {found}"
        )
    rows = [_counterparty(i, dict(zip(header, values)), mapping) for i, values in records]
    return CounterpartyFile(path, header, mapping, rows, encoding, delimiter)


def map_header(header: list[str]) -> dict[str, str]:
    """Engine column -> header cell, the first synonym match winning (case, accents and spacing ignored)."""
    mapping: dict[str, str] = {}
    for cell in header:
        column = _BY_HEADER.get(fold(cell).replace(" ", ""))
        if column and column not in mapping:
            mapping[column] = cell
    return mapping


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], str, str]:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _guess_decode(path, data)
    sample = text[:20000]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = max(",;\t|", key=lambda d: sample.split("\n", 1)[0].count(d))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [r for r in reader]
    while rows and not any(c.strip() for c in rows[0]):
        rows.pop(0)
    if not rows:
        raise CounterpartyFileError(path.name, "the file is empty")
    header = [c.strip() for c in rows[0]]
    records = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    return header, records, encoding, delimiter


# Among encodings that read a file equally well, the ones counterparty files are most often written in.
PREFERRED_ENCODINGS = ("cp1252", "latin_1", "iso8859_15", "gb18030", "utf_16")


def _guess_decode(path: Path, data: bytes) -> tuple[str, str]:
    """charset-normalizer's reading of a file that is not UTF-8. Short files read equally well in several
    single-byte code pages ("Razão" in cp1252 is "Razăo" in cp1250); then Windows' Western code page wins."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise CounterpartyFileError(path.name, "cannot tell the text encoding of this file")
    least = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= least + 0.01]
    best = next((m for enc in PREFERRED_ENCODINGS for m in tied if m.encoding == enc), tied[0])
    return str(best), best.encoding


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise CounterpartyFileError(path.name, f"not a readable XLSX workbook ({exc})") from None
    sheet = book.worksheets[0]
    rows = [["" if v is None else _cell(v) for v in r] for r in sheet.iter_rows(values_only=True)]
    book.close()
    start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if start is None:
        raise CounterpartyFileError(path.name, "the workbook's first sheet is empty")
    header = [c.strip() for c in rows[start]]
    records = [(n, r) for n, r in enumerate(rows[start + 1 :], start=start + 2) if any(c.strip() for c in r)]
    return header, records


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _counterparty(row_number: int, columns: dict[str, str], mapping: dict[str, str]) -> Counterparty:
    def get(column: str) -> str | None:
        return clean(columns.get(mapping[column])) if column in mapping else None

    query_id, name, raw_tax_id = get("id"), get("name"), get("tax_id")
    if not query_id:
        return Counterparty(row_number, columns, None, "no id")
    if not name and not raw_tax_id:
        return Counterparty(row_number, columns, None, "neither name nor tax ID")
    try:
        tax_id = parse_tax_id(raw_tax_id)
    except InvalidTaxId as exc:
        return Counterparty(row_number, columns, None, str(exc))
    country = None
    raw_country = get("country")
    if raw_country:
        country = country_code(raw_country)
        if country is None:
            return Counterparty(row_number, columns, None, f"unknown country {raw_country!r}")
    kind = None
    raw_kind = get("kind")
    if raw_kind:
        kind = KINDS.get(fold(raw_kind))
        if kind is None:
            return Counterparty(
                row_number, columns, None, f"unknown kind {raw_kind!r} (company, person, vessel, organisation)"
            )
    query = Query(query_id, name=name, country=country, tax_id=tax_id, kind=kind, goods=get("goods"))
    return Counterparty(row_number, columns, query)


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """ISO alpha-2 from a code (alpha-2 or alpha-3) or an English or Portuguese country name."""
    value = text.strip()
    if len(value) in (2, 3) and value.isalpha():
        found = pycountry.countries.get(**{"alpha_2" if len(value) == 2 else "alpha_3": value.upper()})
        if found is not None:
            return found.alpha_2
        if value.upper() == "XK":
            return "XK"
    try:
        return country_iso2(value)
    except UnknownCountryError:
        return _portuguese_names().get(fold(value))


@cache
def _portuguese_names() -> dict[str, str]:
    """Folded Portuguese country names (pycountry's iso3166-1 translations) -> alpha-2."""
    index: dict[str, str] = {}
    for language in ("pt", "pt_BR"):
        try:
            tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        except OSError:
            continue
        for country in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                english = getattr(country, attr, None)
                if english:
                    index.setdefault(fold(tr.gettext(english)), country.alpha_2)
    return index
