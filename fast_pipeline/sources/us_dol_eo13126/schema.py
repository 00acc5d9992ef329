"""The parsed EO 13126 list: one row per (country, product) pair, as DOL's spreadsheet gives it."""

from __future__ import annotations

import pandera.pandas as pa

from fast_pipeline.core.provenance_schema import PROVENANCE_COLUMNS

_TEXT = pa.Check.str_length(min_value=1)

PARSED_SCHEMA = pa.DataFrameSchema(
    {
        "good": pa.Column(str, _TEXT, description="the product as published (NFC, trimmed)"),
        "country": pa.Column(str, _TEXT, description="the country as published, misspellings included"),
        "country_iso2": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}$")),
        **PROVENANCE_COLUMNS,
    },
    strict=True,
    name="us_dol_eo13126_parsed",
)

COLUMNS = [c for c in PARSED_SCHEMA.columns if c not in PROVENANCE_COLUMNS or c == "source_locator"]
