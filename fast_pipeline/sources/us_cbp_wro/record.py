"""One published order (a CSV row or an HTML table row) -> one parsed row, checked field by field.

Both file forms go through here, so the CSV and the older HTML page give the same columns and meanings.
"""

from __future__ import annotations

import re

from fast_pipeline.core.canonical import to_json_list
from fast_pipeline.core.entity_names import clean_cell
from fast_pipeline.core.errors import ParseError
from fast_pipeline.sources.us_cbp_wro import vocabulary as vocab
from fast_pipeline.sources.us_cbp_wro.entities import parse_entity_cell


def _multiline(text: str | None) -> str | None:
    """Cell text with its line breaks kept (remarks are paragraphs), each line cleaned; None when empty."""
    lines = [clean_cell(line) for line in (text or "").splitlines()]
    return "\n".join(line for line in lines if line) or None


def build_record(values: dict[str, str | None], *, allow_month_names: bool = False) -> dict:
    """`values` uses the CSV header names; missing optional fields are None.

    Raises ParseError (without file/locator) naming the field that could not be read.
    """

    def field(name: str) -> str | None:
        return clean_cell(values.get(name))

    def read(name: str, convert):
        text = field(name)
        if text is None:
            raise ParseError(None, None, f"{name} is empty")
        try:
            return text, convert(text)
        except ParseError as exc:
            raise ParseError(None, None, f"{name}: {exc.reason}") from exc

    effective_raw, effective = read("Effective Date", lambda t: vocab.us_date(t, allow_month_names=allow_month_names))
    kind_raw, kind = read("WRO/Finding", vocab.action_kind)
    status_raw, status = read("Status", vocab.status)
    modified_raw = field("Modified Date")
    modified = read("Modified Date", vocab.us_date)[1] if modified_raw else None
    year = field("Calendar Year")
    if year is not None and not re.fullmatch(r"\d{4}", year):
        raise ParseError(None, None, f"Calendar Year {year!r} is not a year")
    code = field("Country Code")
    if code is not None:
        code = read("Country Code", vocab.country_code)[1]
    country = field("Country")
    merchandise = field("Merchandise")
    industry = field("Industry")
    entity_raw = values.get("Entity")
    try:
        parties = parse_entity_cell(
            entity_raw, country=country, context=" ".join(filter(None, (merchandise, industry)))
        )
    except ParseError as exc:
        raise ParseError(None, None, f"Entity: {exc.reason}") from exc
    if not parties and not (country or code):
        raise ParseError(None, None, "neither an entity nor a country: the order has no target")
    if not parties and not merchandise:
        raise ParseError(None, None, "a country-wide order without merchandise")
    return {
        "action_kind": kind,
        "wro_finding_raw": kind_raw,
        "effective_date_raw": effective_raw,
        "effective_date": effective,
        "calendar_year": year,
        "modified_date_raw": modified_raw,
        "modified_date": modified,
        "country_code": code,
        "country": country,
        "merchandise": merchandise,
        "industry": industry,
        "status_raw": status_raw,
        "status": status,
        "press_release": field("Press Release"),
        "entity_raw": _multiline(entity_raw),
        "parties": to_json_list(parties),
        "remarks": _multiline(values.get("Remarks")),
    }
