"""The List of Goods as XLSX (TVPRA2016_0.xlsx): columns Country, Good, Child Labor, Forced Labor.

A mark is "X" (any case); an empty cell means no. The workbook has two empty extra sheets; the shared
reader refuses anything else (a changed header, data in a second sheet, values right of the table).
"""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.sources.us_dol_common import read_table, resolve_country

HEADER = ("Country", "Good", "Child Labor", "Forced Labor")


def _mark(value: str | None, column: str, file: SourceFile, locator: str) -> bool:
    if value is None:
        return False
    if value.upper() == "X":
        return True
    raise ParseError(file.source_id, file.file_name, f"{column} holds {value!r}, expected 'X' or nothing", locator)


def parse_xlsx(file: SourceFile) -> pd.DataFrame:
    rows = []
    for number, (country, good, child, forced) in read_table(file, HEADER):
        locator = f"row {number}"
        if country is None or good is None:
            raise ParseError(file.source_id, file.file_name, "a row without both a country and a good", locator)
        flags = {
            "child_labor": _mark(child, "Child Labor", file, locator),
            "forced_labor": _mark(forced, "Forced Labor", file, locator),
        }
        if not any(flags.values()):
            raise ParseError(file.source_id, file.file_name, "neither Child Labor nor Forced Labor is marked", locator)
        rows.append(
            {
                "good": good,
                "good_sector": None,
                "country": country,
                "country_iso2": resolve_country(country, file, locator),
                "region": None,
                **flags,
                "forced_child_labor": None,
                "derived_labor_exploitation": None,
                "derived_country": None,
                "source_locator": locator,
            }
        )
    return pd.DataFrame(rows)
