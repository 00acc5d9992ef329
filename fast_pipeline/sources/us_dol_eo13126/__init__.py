"""US DOL List of Products Produced by Forced or Indentured Child Labor (EO 13126), a procurement list.

Modules are imported inside the methods that use them: a build that finds nothing new needs none of them
(see core.source)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import RemoteFile, Source, SourceFile, SourceMetadata

if TYPE_CHECKING:
    import pandas as pd

    from fast_pipeline.core.http import HttpClient


class Eo13126Source(Source):
    metadata = SourceMetadata.load(Path(__file__).with_name("source.yml"))

    def discover(self, http: HttpClient) -> list[RemoteFile]:
        from fast_pipeline.sources.us_dol_eo13126.acquire import discover_files

        return discover_files(http, self.metadata)

    def parse_file(self, file: SourceFile) -> pd.DataFrame:
        from fast_pipeline.sources.us_dol_common import SPREADSHEET_FORMATS, check_pairs
        from fast_pipeline.sources.us_dol_eo13126.parse_spreadsheet import parse_spreadsheet
        from fast_pipeline.sources.us_dol_eo13126.schema import COLUMNS

        if file.file_format not in SPREADSHEET_FORMATS:
            raise ParseError(self.source_id, file.file_name, f"no parser for format {file.file_format!r}")
        frame = parse_spreadsheet(file)
        check_pairs(frame, file)
        return frame[COLUMNS]

    def cross_check(self, parsed: pd.DataFrame) -> list[str]:
        from fast_pipeline.sources.us_dol_common import compare_files

        return compare_files(parsed, ())

    def normalise(self, parsed: pd.DataFrame, edition: str, edition_date: str | None) -> pd.DataFrame:
        from fast_pipeline.sources.us_dol_eo13126.normalise import normalise_pairs

        return normalise_pairs(parsed, edition, edition_date, self.metadata)


SOURCE = Eo13126Source()
