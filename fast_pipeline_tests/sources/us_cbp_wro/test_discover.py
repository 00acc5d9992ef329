"""discover(): the newest dated CSV linked from CBP's data-file page (no network)."""

from __future__ import annotations

from datetime import date

import pytest

from fast_pipeline.core.errors import AcquisitionError
from fast_pipeline.core.source import RemoteFile
from fast_pipeline.sources.us_cbp_wro import SOURCE
from fast_pipeline.sources.us_cbp_wro.acquire import date_in_name
from fast_pipeline_tests.support.page_server import PageServer

LANDING = "https://www.cbp.gov/document/stats/withhold-release-orders-findings"


def _server(page: str) -> PageServer:
    return PageServer(page, url=LANDING, source_id="us_cbp_wro")


PAGE = """<!DOCTYPE html><html lang="en"><head><title>Withhold Release Orders and Findings | U.S. Customs and Border
Protection</title></head><body><main id="main-content">
<h1>Withhold Release Orders and Findings</h1>
<div class="field--name-field-document-description"><p>Data on active and inactive WROs and Findings.</p></div>
<div class="file-list">{links}</div>
<p><a href="/document/stats/withhold-release-orders-findings?page=1">Older versions</a>
<a href="https://www.cbp.gov/trade/forced-labor/withhold-release-orders-and-findings">Dashboard</a></p>
</main></body></html>"""


def link(href: str) -> str:
    return f'<span class="file"><a href="{href}" type="text/csv">{href.rsplit("/", 1)[-1]}</a></span>'


def test_discover_resolves_the_dated_csv_link():
    page = PAGE.format(links=link("/sites/default/files/2026-09/withhold-release-orders-findings-fy26-2026-09-29.csv"))
    assert SOURCE.metadata.landing_url == LANDING
    assert SOURCE.discover(_server(page)) == [
        RemoteFile(
            url="https://www.cbp.gov/sites/default/files/2026-09/withhold-release-orders-findings-fy26-2026-09-29.csv",
            file_name="withhold-release-orders-findings-fy26-2026-09-29.csv",
            file_format="csv",
        )
    ]


def test_discover_takes_the_newest_of_several_names():
    hrefs = [
        "/sites/default/files/2025-06/withhold-release-orders-findings-fy25-jun.csv",
        "/sites/default/files/2026-06/withhold-release-orders-findings-fy26-2026-06-23.csv",
        "/sites/default/files/2025-12/withhold-release-orders-findings-fy26-dec.csv",
        "/sites/default/files/2026-06/withhold-release-orders-findings-fy26-2026-06-23.csv",
    ]
    page = PAGE.format(links="".join(map(link, hrefs)))
    assert [f.file_name for f in SOURCE.discover(_server(page))] == [
        "withhold-release-orders-findings-fy26-2026-06-23.csv"
    ]


def test_fiscal_year_names_are_dated_by_the_fiscal_calendar():
    assert date_in_name("withhold-release-orders-findings-fy26-dec.csv") == date(2025, 12, 1)
    assert date_in_name("withhold-release-orders-findings-fy25-jun.csv") == date(2025, 6, 1)
    assert date_in_name("withhold-release-orders-findings-fy26-2026-09-29.csv") == date(2026, 9, 29)
    assert date_in_name("withhold-release-orders-findings.csv") is None


def test_discover_fails_loudly_when_the_link_is_gone_or_undatable():
    with pytest.raises(AcquisitionError, match="no withhold-release-orders-findings"):
        SOURCE.discover(_server(PAGE.format(links=link("/sites/default/files/wro-report.pdf"))))
    two = link("/files/withhold-release-orders-findings.csv") + link(
        "/files/withhold-release-orders-findings-fy26-dec.csv"
    )
    with pytest.raises(AcquisitionError, match="cannot tell the newest CSV"):
        SOURCE.discover(_server(PAGE.format(links=two)))
