"""US DOL List of Goods Produced by Child Labor or Forced Labor (TVPRA), as XML and XLSX editions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.http import HttpClient
from fast_pipeline.core.source import RemoteFile, Source, SourceFile, SourceMetadata
from fast_pipeline.sources.us_dol_common import check_pairs, compare_files
from fast_pipeline.sources.us_dol_ilab.acquire import discover_files
from fast_pipeline.sources.us_dol_ilab.normalise import normalise_pairs
from fast_pipeline.sources.us_dol_ilab.parse_xlsx import parse_xlsx
from fast_pipeline.sources.us_dol_ilab.parse_xml import parse_xml
from fast_pipeline.sources.us_dol_ilab.schema import COLUMNS, PARSED_SCHEMA

PARSERS = {"xml": parse_xml, "xlsx": parse_xlsx}
BOOLEAN_COLUMNS = ("forced_child_labor", "derived_labor_exploitation")


class IlabSource(Source):
    metadata = SourceMetadata.load(Path(__file__).with_name("source.yml"))
    parsed_schema = PARSED_SCHEMA

    def discover(self, http: HttpClient) -> list[RemoteFile]:
        return discover_files(http, self.metadata)

    def parse_file(self, file: SourceFile) -> pd.DataFrame:
        parser = PARSERS.get(file.file_format)
        if parser is None:
            raise ParseError(self.source_id, file.file_name, f"no parser for format {file.file_format!r}")
        frame = parser(file)
        check_pairs(frame, file)
        for col in BOOLEAN_COLUMNS:
            frame[col] = frame[col].astype("boolean")
        return frame[COLUMNS]

    def cross_check(self, parsed: pd.DataFrame) -> list[str]:
        return compare_files(parsed, ("child_labor", "forced_labor", "forced_child_labor"))

    def normalise(self, parsed: pd.DataFrame, edition: str, edition_date: str | None) -> pd.DataFrame:
        return normalise_pairs(parsed, edition, edition_date, self.metadata)


SOURCE = IlabSource()
