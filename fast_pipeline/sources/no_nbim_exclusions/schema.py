"""The parsed NBIM table: one row per table row, every criterion (the scope is applied by normalise)."""

from __future__ import annotations

import pandera.pandas as pa

from fast_pipeline.core.provenance_schema import PROVENANCE_COLUMNS

PARSED_SCHEMA = pa.DataFrameSchema(
    {
        "company": pa.Column(str, pa.Check.str_length(min_value=1), description="the issuer's name, as published"),
        "company_url": pa.Column(str, nullable=True, description="the company link (the decision's press release)"),
        "notes": pa.Column(str, nullable=True, description="the unnamed notes column"),
        "decision": pa.Column(str, pa.Check.isin(["Exclusion", "Observation"])),
        "category": pa.Column(str, pa.Check.str_length(min_value=1)),
        "criterion": pa.Column(str, pa.Check.str_length(min_value=1)),
        "publishing_date_raw": pa.Column(str),
        "publishing_date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        **PROVENANCE_COLUMNS,
    },
    strict=True,
    name="no_nbim_exclusions_parsed",
)
