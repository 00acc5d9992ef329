"""Where the current List of Goods is: the "List of Goods" Excel link on ILAB's list-of-goods page.

The page also links the "List of Downstream Goods (Excel)" (a different table), which is excluded.
"""

from __future__ import annotations

from fast_pipeline.core.http import HttpClient
from fast_pipeline.core.source import RemoteFile, SourceMetadata
from fast_pipeline.sources.us_dol_common import find_spreadsheet_link


def _is_list_of_goods(text: str, url: str) -> bool:
    said = f"{text} {url}".lower().replace("-", " ").replace("_", " ")
    return "downstream" not in said and ("list of goods" in said or "tvpra" in said)


def discover_files(http: HttpClient, meta: SourceMetadata) -> list[RemoteFile]:
    page = http.get_page(meta.landing_url, source_id=meta.source_id)
    return [find_spreadsheet_link(page, meta.landing_url, source_id=meta.source_id, wanted=_is_list_of_goods)]
