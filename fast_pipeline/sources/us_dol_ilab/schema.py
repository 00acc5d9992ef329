"""The parsed table of the List of Goods: one row per (country, good) pair, in DOL's own terms.

XML editions carry every column; the XLSX has only country, good and the child/forced labour marks, so
sector, region, forced_child_labor and the derived fields are null for it (not False: unknown).
"""

from __future__ import annotations

import pandera.pandas as pa

from fast_pipeline.core.provenance_schema import PROVENANCE_COLUMNS

_TEXT = pa.Check.str_length(min_value=1)

PARSED_SCHEMA = pa.DataFrameSchema(
    {
        "good": pa.Column(str, _TEXT, description="the good as published (NFC, trimmed)"),
        "good_sector": pa.Column(str, _TEXT, nullable=True, description="XML Good_Sector: Agriculture, Mining, ..."),
        "country": pa.Column(str, _TEXT, description="the country as published"),
        "country_iso2": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{2}$")),
        "region": pa.Column(str, _TEXT, nullable=True, description="XML Country_Region"),
        "child_labor": pa.Column(bool),
        "forced_labor": pa.Column(bool),
        "forced_child_labor": pa.Column("boolean", nullable=True, description="null where the file has no such field"),
        "derived_labor_exploitation": pa.Column(
            "boolean", nullable=True, description="XML Derived_Labor_Exploitation (downstream goods, 2022+)"
        ),
        "derived_country": pa.Column(str, _TEXT, nullable=True, description="XML Derived_Country, as published"),
        **PROVENANCE_COLUMNS,
    },
    strict=True,
    name="us_dol_ilab_parsed",
)

COLUMNS = [c for c in PARSED_SCHEMA.columns if c not in PROVENANCE_COLUMNS or c == "source_locator"]
