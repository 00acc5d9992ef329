"""The parsed UFLPA table: one row per entity row of one section table, names already split."""

from __future__ import annotations

import pandera.pandas as pa

from fast_pipeline.core.provenance_schema import PROVENANCE_COLUMNS

_ISO_DATE = pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")
_JSON_LIST = pa.Check.str_matches(r"^\[.*\]$")
_SECTION = pa.Check.str_matches(r"^2\(d\)\(2\)\(B\)\((?:i|ii|iii|iv|v)\)$")

PARSED_SCHEMA = pa.DataFrameSchema(
    {
        "section": pa.Column(str, _SECTION, description='statutory section, e.g. "2(d)(2)(B)(v)"'),
        "section_description": pa.Column(str, nullable=True, description="the bold description above the table"),
        "entity_raw": pa.Column(str, pa.Check.str_length(min_value=1), description="the name cell as published"),
        "name": pa.Column(str, pa.Check.str_length(min_value=1), description="main name, cleaned"),
        "aliases": pa.Column(str, _JSON_LIST),
        "former_names": pa.Column(str, _JSON_LIST),
        "subsidiaries": pa.Column(str, _JSON_LIST, description='[{"name", "aliases", ...}] named in the cell'),
        "scope": pa.Column(str, nullable=True, description='unnamed coverage, e.g. "and subsidiaries"'),
        "effective_date_raw": pa.Column(str),
        "effective_date": pa.Column(str, _ISO_DATE),
        "page_last_updated": pa.Column(str, _ISO_DATE, nullable=True, description='the page\'s "Last Updated"'),
        **PROVENANCE_COLUMNS,
    },
    strict=True,
    name="us_dhs_uflpa_parsed",
)
