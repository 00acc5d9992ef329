"""DHS UFLPA Entity List: https://www.dhs.gov/uflpa-entity-list (HTML only; no bulk file)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from bs4 import BeautifulSoup

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import RemoteFile, Source, SourceFile, SourceMetadata
from fast_pipeline.sources.us_dhs_uflpa import normalise as _normalise
from fast_pipeline.sources.us_dhs_uflpa.parse_html import last_updated, list_text, parse_page
from fast_pipeline.sources.us_dhs_uflpa.schema import PARSED_SCHEMA


class UflpaEntityList(Source):
    metadata = SourceMetadata.load(Path(__file__).with_name("source.yml"))
    parsed_schema = PARSED_SCHEMA

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(self.metadata.extra["sections"])

    def discover(self, http) -> list[RemoteFile]:
        """The list is the landing page itself."""
        return [RemoteFile(url=self.metadata.landing_url, file_name="uflpa-entity-list.html", file_format="html")]

    def edition_label(self, files: list[SourceFile]) -> str | None:
        """The page's "Last Updated" date (ISO), when it states one."""
        dates = {last_updated(BeautifulSoup(f.read_bytes(), "lxml")) for f in files}
        return dates.pop() if len(dates) == 1 and None not in dates else None

    def content_fingerprint(self, file: SourceFile) -> str:
        """The page's bytes change on every request (Drupal form tokens, asset hashes); the list does not.
        A re-fetch whose tables read the same, under the same section headings, is the same edition."""
        text = list_text(BeautifulSoup(file.read_bytes(), "lxml"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else file.sha256

    def parse_file(self, file: SourceFile) -> pd.DataFrame:
        if file.file_format != "html":
            raise ParseError(self.source_id, file.file_name, f"unsupported format {file.file_format!r}")
        return parse_page(file, self.sections)

    def edition_date(self, parsed: pd.DataFrame, edition: str) -> str | None:
        dates = set(parsed["page_last_updated"].dropna())
        return dates.pop() if len(dates) == 1 else None

    def normalise(self, parsed: pd.DataFrame, edition: str, edition_date: str | None) -> pd.DataFrame:
        return _normalise.normalise(parsed, self.metadata, edition, edition_date)


SOURCE = UflpaEntityList()
