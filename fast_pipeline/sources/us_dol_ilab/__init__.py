"""US DOL List of Goods Produced by Child Labor or Forced Labor (TVPRA), as XML and XLSX editions.

Modules are imported inside the methods that use them: a build that finds nothing new needs none of them
(see core.source)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import RemoteFile, Source, SourceFile, SourceMetadata, load_parser

if TYPE_CHECKING:
    import pandas as pd

    from fast_pipeline.core.http import HttpClient

PARSERS = {"xml": "parse_xml:parse_xml", "xlsx": "parse_xlsx:parse_xlsx"}  # format -> "module:function"
BOOLEAN_COLUMNS = ("forced_child_labor", "derived_labor_exploitation")


class IlabSource(Source):
    metadata = SourceMetadata.load(Path(__file__).with_name("source.yml"))

    def discover(self, http: HttpClient) -> list[RemoteFile]:
        from fast_pipeline.sources.us_dol_ilab.acquire import discover_files

        return discover_files(http, self.metadata)

    def parse_file(self, file: SourceFile) -> pd.DataFrame:
        from fast_pipeline.sources.us_dol_common import check_pairs
        from fast_pipeline.sources.us_dol_ilab.schema import COLUMNS

        parser = load_parser(self.package, PARSERS, file.file_format)
        if parser is None:
            raise ParseError(self.source_id, file.file_name, f"no parser for format {file.file_format!r}")
        frame = parser(file)
        check_pairs(frame, file)
        for col in BOOLEAN_COLUMNS:
            frame[col] = frame[col].astype("boolean")
        return frame[COLUMNS]

    def cross_check(self, parsed: pd.DataFrame) -> list[str]:
        from fast_pipeline.sources.us_dol_common import compare_files

        return compare_files(parsed, ("child_labor", "forced_labor", "forced_child_labor"))

    def normalise(self, parsed: pd.DataFrame, edition: str, edition_date: str | None) -> pd.DataFrame:
        from fast_pipeline.sources.us_dol_ilab.normalise import normalise_pairs

        return normalise_pairs(parsed, edition, edition_date, self.metadata)


SOURCE = IlabSource()
