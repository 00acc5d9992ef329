"""discover() on a small synthetic copy of ILAB's list-of-goods page (no network)."""

from __future__ import annotations

import pytest

from fast_pipeline.core.errors import AcquisitionError
from fast_pipeline.core.source import RemoteFile
from fast_pipeline.sources.us_dol_ilab import SOURCE
from fast_pipeline_tests.support.page_server import PageServer

LANDING = "https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-goods"


def _server(page: str) -> PageServer:
    return PageServer(page, url=LANDING, source_id="us_dol_ilab")


PAGE = """<!DOCTYPE html><html><head><title>List of Goods Produced by Child Labor or Forced Labor</title></head>
<body><main>
  <h2>2024 List of Goods Produced by Child Labor or Forced Labor</h2>
  <ul>
    <li><a href="/sites/dolgov/files/ILAB/child_labor_reports/tda2023/2024-TVPRA-List-of-Goods-v3.pdf">Full Report (PDF)</a></li>
    <li><a href="/sites/dolgov/files/ILAB/child_labor_reports/tda2023/{goods}">{goods_text}</a></li>
    <li><a href="/sites/dolgov/files/ILAB/child_labor_reports/tda2023/Downstream%20Goods%202024.xlsx">List of Downstream Goods (Excel)</a></li>
    <li><a href="https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-products">EO 13126 List</a></li>
  </ul>
</main></body></html>"""


def test_discover_finds_the_list_of_goods_excel():
    page = PAGE.format(goods="2024%20List%20of%20Goods.xlsx", goods_text="List of Goods (Excel)")
    assert SOURCE.metadata.landing_url == LANDING
    assert SOURCE.discover(_server(page)) == [
        RemoteFile(
            url="https://www.dol.gov/sites/dolgov/files/ILAB/child_labor_reports/tda2023/2024%20List%20of%20Goods.xlsx",
            file_name="2024 List of Goods.xlsx",
            file_format="xlsx",
        )
    ]


def test_discover_recognises_the_older_tvpra_file_name():
    page = PAGE.format(goods="TVPRA2016_0.xlsx", goods_text="Download the List (Excel)")
    assert [f.file_name for f in SOURCE.discover(_server(page))] == ["TVPRA2016_0.xlsx"]


def test_discover_fails_loudly_when_the_link_is_gone_or_ambiguous():
    without = PAGE.format(goods="report.pdf", goods_text="Report")
    with pytest.raises(AcquisitionError, match="no link to the list's spreadsheet"):
        SOURCE.discover(_server(without))
    twice = PAGE.format(goods="a.xlsx", goods_text="List of Goods (Excel)").replace(
        "</ul>", '<li><a href="b.xlsx">List of Goods 2022 (Excel)</a></li></ul>'
    )
    with pytest.raises(AcquisitionError, match="several candidate spreadsheet links"):
        SOURCE.discover(_server(twice))
