"""DHS UFLPA Entity List: https://www.dhs.gov/uflpa-entity-list (HTML only; no bulk file).

Modules are imported inside the methods that use them: a build that finds nothing new needs none of them
(see core.source)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import RemoteFile, Source, SourceFile, SourceMetadata

if TYPE_CHECKING:
    import pandas as pd
    from bs4 import BeautifulSoup


def _soup(file: SourceFile) -> BeautifulSoup:
    from bs4 import BeautifulSoup

    return BeautifulSoup(file.read_bytes(), "lxml")


class UflpaEntityList(Source):
    metadata = SourceMetadata.load(Path(__file__).with_name("source.yml"))

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(self.metadata.extra["sections"])

    def discover(self, http) -> list[RemoteFile]:
        """The list is the landing page itself."""
        return [RemoteFile(url=self.metadata.landing_url, file_name="uflpa-entity-list.html", file_format="html")]

    def edition_label(self, files: list[SourceFile]) -> str | None:
        """The page's "Last Updated" date (ISO), when it states one."""
        from fast_pipeline.sources.us_dhs_uflpa.parse_html import last_updated

        dates = {last_updated(_soup(f)) for f in files}
        return dates.pop() if len(dates) == 1 and None not in dates else None

    def content_fingerprint(self, file: SourceFile) -> str:
        """The page's bytes change on every request (Drupal form tokens, asset hashes); the list does not.
        A re-fetch whose tables read the same, under the same section headings, is the same edition."""
        from fast_pipeline.sources.us_dhs_uflpa.parse_html import list_text

        text = list_text(_soup(file))
        return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else file.sha256

    def parse_file(self, file: SourceFile) -> pd.DataFrame:
        from fast_pipeline.sources.us_dhs_uflpa.parse_html import parse_page

        if file.file_format != "html":
            raise ParseError(self.source_id, file.file_name, f"unsupported format {file.file_format!r}")
        return parse_page(file, self.sections)

    def edition_date(self, parsed: pd.DataFrame, edition: str) -> str | None:
        dates = set(parsed["page_last_updated"].dropna())
        return dates.pop() if len(dates) == 1 else None

    def normalise(self, parsed: pd.DataFrame, edition: str, edition_date: str | None) -> pd.DataFrame:
        from fast_pipeline.sources.us_dhs_uflpa.normalise import normalise

        return normalise(parsed, self.metadata, edition, edition_date)


SOURCE = UflpaEntityList()
