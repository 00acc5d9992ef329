"""Brazil MTE "Cadastro de Empregadores" (lista suja): one list published as PDF, XLSX, CSV and TXT.

Modules: acquire (landing page, edition label), pdf_text + parse_pdf, parse_xlsx, parse_delimited (CSV
and TXT), document (what all formats share -> the parsed table), fields (one cell -> one typed value),
schema (Pandera), normalise (canonical actions), crosscheck (formats of one edition agree row for row),
updates (periodic or interim update, for the publish gate's removal rule), furniture (page furniture).

Modules are imported inside the methods that use them: a build that finds nothing new needs none of them
(see core.source).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import RemoteFile, Source, SourceFile, SourceMetadata, load_parser

if TYPE_CHECKING:
    import pandas as pd

    from fast_pipeline.core.http import HttpClient

# format -> "module:function"; parsers import pdfplumber and openpyxl (~0.3 s), loaded when an edition is
# parsed rather than on every build that finds nothing new
PARSERS = {
    "pdf": "parse_pdf:parse_pdf",
    "xlsx": "parse_xlsx:parse_xlsx",
    "csv": "parse_delimited:parse_csv",
    "txt": "parse_delimited:parse_txt",
}


class ListaSujaSource(Source):
    metadata = SourceMetadata.load(Path(__file__).with_name("source.yml"))
    # 2: page furniture by shape (a reworded footer parses), section II rows are conduct_agreement
    parser_version = "2"

    def discover(self, http: HttpClient) -> list[RemoteFile]:
        from fast_pipeline.sources.br_mte_lista_suja.acquire import discover_files

        return discover_files(http, self.metadata.landing_url, self.source_id)

    def edition_label(self, files: list[SourceFile]) -> str | None:
        from fast_pipeline.sources.br_mte_lista_suja.acquire import edition_label_of

        return edition_label_of(files)

    def parse_file(self, file: SourceFile) -> pd.DataFrame:
        from fast_pipeline.sources.br_mte_lista_suja.document import COLUMNS

        parser = load_parser(self.package, PARSERS, file.file_format)
        if parser is None:
            raise ParseError(self.source_id, file.file_name, f"no parser for format {file.file_format!r}")
        frame = parser(file)
        frame["source_url"] = file.url
        return frame[[*COLUMNS, "source_url"]]

    def edition_date(self, parsed: pd.DataFrame, edition: str) -> str | None:
        for col in ("updated_date", "periodic_update_date"):
            dates = parsed[col].dropna().unique()
            if len(dates):
                return max(dates)
        return None

    def update_kind(self, parsed: pd.DataFrame, as_of_date: str | None, previous_as_of: str | None) -> str | None:
        from fast_pipeline.sources.br_mte_lista_suja.updates import update_kind

        return update_kind(parsed, as_of_date, previous_as_of, self.metadata.extra["periodic_update_months"])

    def cross_check(self, parsed: pd.DataFrame) -> list[str]:
        from fast_pipeline.sources.br_mte_lista_suja.crosscheck import compare_formats

        return compare_formats(parsed, self.metadata.preferred_formats)

    def normalise(self, parsed: pd.DataFrame, edition: str, edition_date: str | None) -> pd.DataFrame:
        from fast_pipeline.sources.br_mte_lista_suja.normalise import normalise_rows

        return normalise_rows(parsed, edition, edition_date, self.metadata)


SOURCE = ListaSujaSource()
