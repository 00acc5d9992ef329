"""CBP Withhold Release Orders and Findings: a dated CSV (current form) or the earlier HTML page.

Modules are imported inside the methods that use them: a build that finds nothing new needs none of them
(see core.source)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import RemoteFile, Source, SourceFile, SourceMetadata

if TYPE_CHECKING:
    import pandas as pd


def _date_of(file_names: list[str]) -> str | None:
    from fast_pipeline.sources.us_cbp_wro.acquire import full_date_in_name

    dates = {full_date_in_name(n) for n in file_names}
    return dates.pop().isoformat() if len(dates) == 1 and None not in dates else None


class WithholdReleaseOrders(Source):
    metadata = SourceMetadata.load(Path(__file__).with_name("source.yml"))

    def discover(self, http) -> list[RemoteFile]:
        from fast_pipeline.sources.us_cbp_wro.acquire import find_csv

        page = http.get_page(self.metadata.landing_url, source_id=self.source_id)
        return [find_csv(page, self.metadata.landing_url, self.source_id)]

    def edition_label(self, files: list[SourceFile]) -> str | None:
        """The full date in the CSV's name ("...-fy26-2026-09-29.csv" -> "2026-09-29"), when it has one."""
        return _date_of([f.file_name for f in files])

    def parse_file(self, file: SourceFile) -> pd.DataFrame:
        if file.file_format == "csv":
            from fast_pipeline.sources.us_cbp_wro.parse_csv import parse_csv

            return parse_csv(file)
        if file.file_format == "html":
            from fast_pipeline.sources.us_cbp_wro.parse_html import parse_page

            return parse_page(file)
        raise ParseError(self.source_id, file.file_name, f"unsupported format {file.file_format!r}")

    def edition_date(self, parsed: pd.DataFrame, edition: str) -> str | None:
        """The CBP export carries no date of its own; the full date in the file name is the publisher's."""
        return _date_of(list(parsed["source_file"].unique()))

    def normalise(self, parsed: pd.DataFrame, edition: str, edition_date: str | None) -> pd.DataFrame:
        from fast_pipeline.sources.us_cbp_wro.normalise import normalise

        return normalise(parsed, self.metadata, edition, edition_date)


SOURCE = WithholdReleaseOrders()
