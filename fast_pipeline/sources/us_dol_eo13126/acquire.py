"""Where the current EO 13126 list is: the spreadsheet link on ILAB's list-of-products page."""

from __future__ import annotations

from fast_pipeline.core.http import HttpClient
from fast_pipeline.core.source import RemoteFile, SourceMetadata
from fast_pipeline.sources.us_dol_common import find_spreadsheet_link


def _is_eo_list(text: str, url: str) -> bool:
    said = f"{text} {url}".lower().replace("-", " ").replace("_", " ")
    return "13126" in said or "list of products" in said


def discover_files(http: HttpClient, meta: SourceMetadata) -> list[RemoteFile]:
    page = http.get_page(meta.landing_url, source_id=meta.source_id)
    return [find_spreadsheet_link(page, meta.landing_url, source_id=meta.source_id, wanted=_is_eo_list)]
