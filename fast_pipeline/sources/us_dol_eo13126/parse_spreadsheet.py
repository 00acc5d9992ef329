"""The EO 13126 list as XLS (EO13126List_2014.xls) or XLSX: two columns, Country and Good.

The 2014 file misspells two countries ("Boliva", "Tajikstan"); they are accepted through
`PUBLISHER_SPELLINGS` only for this source, and kept as published in `country`.
"""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.sources.us_dol_common import read_table, resolve_country

HEADER = ("Country", "Good")
PUBLISHER_SPELLINGS = {"Boliva": "BO", "Tajikstan": "TJ"}


def parse_spreadsheet(file: SourceFile) -> pd.DataFrame:
    rows = []
    for number, (country, good) in read_table(file, HEADER):
        locator = f"row {number}"
        if country is None or good is None:
            raise ParseError(file.source_id, file.file_name, "a row without both a country and a good", locator)
        rows.append(
            {
                "good": good,
                "country": country,
                "country_iso2": resolve_country(country, file, locator, PUBLISHER_SPELLINGS),
                "source_locator": locator,
            }
        )
    return pd.DataFrame(rows)
