"""Norges Bank Investment Management: exclusion and observation of companies from the Government Pension
Fund Global (one HTML table on nbim.no). Modules: parse_html (the strict table reader), schema (Pandera),
normalise (the scope rule and canonical actions), imported inside the methods that use them (see
core.source)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import RemoteFile, Source, SourceFile, SourceMetadata

if TYPE_CHECKING:
    import pandas as pd


class NbimExclusions(Source):
    metadata = SourceMetadata.load(Path(__file__).with_name("source.yml"))

    def discover(self, http) -> list[RemoteFile]:
        """The list is the landing page itself."""
        return [RemoteFile(url=self.metadata.landing_url, file_name="exclusion-of-companies.html", file_format="html")]

    def content_fingerprint(self, file: SourceFile) -> str:
        """The table's text: the page around it (scripts, tokens) changes without the list changing."""
        from fast_pipeline.sources.no_nbim_exclusions.parse_html import table_text

        text = table_text(file.read_bytes())
        return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else file.sha256

    def parse_file(self, file: SourceFile) -> pd.DataFrame:
        from fast_pipeline.sources.no_nbim_exclusions.parse_html import parse_page

        if file.file_format != "html":
            raise ParseError(self.source_id, file.file_name, f"unsupported format {file.file_format!r}")
        frame = parse_page(file)
        frame["source_url"] = file.url
        return frame

    def normalise(self, parsed: pd.DataFrame, edition: str, edition_date: str | None) -> pd.DataFrame:
        from fast_pipeline.sources.no_nbim_exclusions.normalise import normalise

        return normalise(parsed, self.metadata, edition, edition_date)


SOURCE = NbimExclusions()
