"""discover() on a small synthetic copy of ILAB's list-of-products page (no network)."""

from __future__ import annotations

import pytest

from fast_pipeline.core.errors import AcquisitionError
from fast_pipeline.core.source import RemoteFile
from fast_pipeline.sources.us_dol_eo13126 import SOURCE
from fast_pipeline_tests.support.page_server import PageServer

LANDING = "https://www.dol.gov/agencies/ilab/reports/child-labor/list-of-products"


def _server(page: str) -> PageServer:
    return PageServer(page, url=LANDING, source_id="us_dol_eo13126")


PAGE = """<html><head><title>List of Products Produced by Forced or Indentured Child Labor</title></head><body>
<h2>Current Countries and Products</h2>
<p><a href="{href}">{text}</a> | <a href="/sites/dolgov/files/ILAB/EO13126-bibliography.pdf">Bibliography (PDF)</a></p>
<p><a href="/agencies/ilab/reports/child-labor/list-of-goods">List of Goods</a>
   <a href="https://www.dol.gov/sites/dolgov/files/ILAB/TVPRA2022.xlsx">TVPRA List (Excel)</a></p>
</body></html>"""


def test_discover_finds_the_eo_list_spreadsheet():
    page = PAGE.format(href="../../../../sites/dolgov/files/ILAB/EO13126List_2014.xls", text="Download the list")
    assert SOURCE.discover(_server(page)) == [
        RemoteFile(
            url="https://www.dol.gov/sites/dolgov/files/ILAB/EO13126List_2014.xls",
            file_name="EO13126List_2014.xls",
            file_format="xls",
        )
    ]


def test_discover_by_link_text():
    page = PAGE.format(href="/sites/dolgov/files/ILAB/list-2024.xlsx", text="List of Products (Excel)")
    assert [f.file_format for f in SOURCE.discover(_server(page))] == ["xlsx"]


def test_discover_fails_loudly_without_the_link():
    with pytest.raises(AcquisitionError, match="no link to the list's spreadsheet"):
        SOURCE.discover(_server(PAGE.format(href="/faq", text="FAQ")))
