"""The parsed CBP table: one row per published order (WRO or Finding), whatever its status."""

from __future__ import annotations

import pandera.pandas as pa

from fast_pipeline.core.provenance_schema import PROVENANCE_COLUMNS
from fast_pipeline.sources.us_cbp_wro.vocabulary import ACTION_KINDS, STATUSES

_ISO_DATE = pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")


def _text(nullable: bool = True, *checks: pa.Check, description: str | None = None) -> pa.Column:
    return pa.Column(str, list(checks), nullable=nullable, description=description)


PARSED_SCHEMA = pa.DataFrameSchema(
    {
        "action_kind": _text(False, pa.Check.isin(sorted(set(ACTION_KINDS.values())))),
        "wro_finding_raw": _text(False),
        "effective_date_raw": _text(False),
        "effective_date": _text(False, _ISO_DATE),
        "calendar_year": _text(True, pa.Check.str_matches(r"^\d{4}$")),
        "modified_date_raw": _text(True, description="OpenSanctions-documented extra column, when present"),
        "modified_date": _text(True, _ISO_DATE),
        "country_code": _text(True, pa.Check.str_matches(r"^[A-Z]{2}$")),
        "country": _text(True),
        "merchandise": _text(True),
        "industry": _text(True),
        "status_raw": _text(False),
        "status": _text(False, pa.Check.isin(sorted(set(STATUSES.values())))),
        "press_release": _text(True),
        "entity_raw": _text(True, description="the Entity cell as published (line breaks kept)"),
        "parties": _text(
            False,
            pa.Check.str_matches(r"^\[.*\]$"),
            description='JSON [{"name", "kind", "relation", "aliases", ...}] read from the cell',
        ),
        "remarks": _text(True),
        "encoding": _text(True, description="how the CSV was decoded: utf-8-sig, utf-8 or cp1252"),
        **PROVENANCE_COLUMNS,
    },
    strict=True,
    name="us_cbp_wro_parsed",
)
