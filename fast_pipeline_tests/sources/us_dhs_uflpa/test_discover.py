"""discover(): the list is the landing page itself (no download of anything else)."""

from __future__ import annotations

from fast_pipeline.core.source import RemoteFile
from fast_pipeline.sources.us_dhs_uflpa import SOURCE


class NoHttp:
    def get_page(self, url: str, *, source_id: str) -> bytes:  # pragma: no cover - must not be called
        raise AssertionError("discover needs no request")


def test_discover_returns_the_page():
    assert SOURCE.discover(NoHttp()) == [
        RemoteFile(url="https://www.dhs.gov/uflpa-entity-list", file_name="uflpa-entity-list.html", file_format="html")
    ]
    assert SOURCE.metadata.gate.min_rows == 100 and SOURCE.metadata.gate.max_rows == 1000
