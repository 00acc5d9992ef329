"""Brazil MTE Cadastro de Empregadores em Ajustamento de Conduta (CEAC): employers under a TAC or judicial
agreement, published beside the lista suja since Portaria Interministerial MTE/MDHC/MIR nº 18/2024 (until
2023 they were the lista suja's section II). Modules: acquire (links and bounded probing of versions),
parse (CSV and XLSX, two layouts), schema (Pandera), normalise (conduct_agreement actions).

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

PARSERS = {"csv": "parse:parse_csv", "xlsx": "parse:parse_xlsx"}  # format -> "module:function"


class CeacSource(Source):
    metadata = SourceMetadata.load(Path(__file__).with_name("source.yml"))

    def discover(self, http: HttpClient) -> list[RemoteFile]:
        from fast_pipeline.sources.br_mte_ceac.acquire import discover_versions

        meta = self.metadata
        return discover_versions(
            http,
            meta.landing_url,
            self.source_id,
            meta.formats,
            int(meta.extra["probe_below"]),
            int(meta.extra["stop_after_missing"]),
        )

    def parse_file(self, file: SourceFile) -> pd.DataFrame:
        from fast_pipeline.sources.br_mte_ceac.parse import COLUMNS

        parser = load_parser(self.package, PARSERS, file.file_format)
        if parser is None:
            raise ParseError(self.source_id, file.file_name, f"no parser for format {file.file_format!r}")
        frame = parser(file)
        frame["source_url"] = file.url
        return frame[[*COLUMNS, "source_url"]]

    def normalise(self, parsed: pd.DataFrame, edition: str, edition_date: str | None) -> pd.DataFrame:
        from fast_pipeline.sources.br_mte_ceac.normalise import normalise_rows

        return normalise_rows(parsed, edition, edition_date, self.metadata)


SOURCE = CeacSource()
