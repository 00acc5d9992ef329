"""The earlier HTML form: per-country tables, read into the same columns as the CSV."""

from __future__ import annotations

import json

import pytest

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.parsing import parse_validated
from fast_pipeline.sources.us_cbp_wro import SOURCE
from fast_pipeline_tests.sources.us_cbp_wro.earlier_page import PAGE
from fast_pipeline_tests.sources.us_cbp_wro.published import csv_bytes, write

NAME = "withhold-release-orders-and-findings.html"


def parse(tmp_path, page: str = PAGE):
    return parse_validated(SOURCE, write(tmp_path, page.encode("utf-8"), name=NAME))


def parse_error(tmp_path, page: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        SOURCE.parse_file(write(tmp_path, page.encode("utf-8"), name=NAME))
    assert info.value.file == NAME
    return info.value


def test_every_country_table_row_is_read(tmp_path):
    frame = parse(tmp_path)
    assert frame["source_locator"].tolist() == [
        "table 1 row 1",
        "table 1 row 2",
        "table 1 row 3",
        "table 2 row 1",
        "table 3 row 1",
        "table 4 row 1",
        "table 5 row 1",
    ]
    assert frame["country_code"].tolist() == ["CN", "CN", "CN", "MY", "TM", "TW", "MY"]
    assert frame["action_kind"].tolist() == ["withhold_release_order"] * 5 + ["finding"] * 2
    assert frame["calendar_year"].isna().all() and frame["encoding"].isna().all()


def test_named_rows(tmp_path):
    frame = parse(tmp_path).set_index("source_locator")
    fgv = frame.loc["table 2 row 1"]
    assert fgv["entity_raw"] == "FGV Holdings Berhad\nand its subsidiaries and joint ventures"
    assert json.loads(fgv["parties"])[0]["scope"] == "and its subsidiaries and joint ventures"
    turkmenistan = frame.loc["table 3 row 1"]
    assert (turkmenistan["effective_date"], turkmenistan["effective_date_raw"], turkmenistan["parties"]) == (
        "2018-05-18",
        "May 18, 2018",
        "[]",
    )
    da_wang = frame.loc["table 4 row 1"]
    assert da_wang["press_release"] == (
        "https://www.cbp.gov/newsroom/national-media-release/"
        "cbp-issues-forced-labor-finding-against-taiwanese-fishing-vessel-da-wang"
    )
    assert json.loads(da_wang["parties"])[0]["kind"] == "vessel"
    top_glove = frame.loc["table 5 row 1"]
    assert (top_glove["status_raw"], top_glove["status"], top_glove["remarks"]) == (
        "Revoked",
        "revoked",
        "Finding modified on 09/09/2021\nafter remediation; revoked.",
    )
    assert json.loads(top_glove["parties"])[0]["name"] == "Top Glove Corporation Bhd."


def test_the_same_orders_get_the_same_action_ids_in_both_forms(tmp_path):
    html = SOURCE.normalise(parse(tmp_path), "html", None)
    csv_file = write(tmp_path, csv_bytes())
    from_csv = SOURCE.normalise(parse_validated(SOURCE, csv_file), "csv", None)
    # every order on the page is found in the CSV under the same ID, whatever the wrapping or date style
    assert set(html["action_id"]) <= set(from_csv["action_id"])
    assert len(html) == 7


@pytest.mark.parametrize(
    "change, message, locator",
    [
        (
            (
                "<th>Status</th></tr></thead>\n  <tbody>\n    <tr><td>06/24",
                "<th>Region</th></tr></thead>\n  <tbody>\n    <tr><td>06/24",
            ),
            "unexpected column 'Region'",
            "table 1",
        ),
        (("<h3>China</h3>", "<h3>Recent orders</h3>"), "not a country", "table 1"),
        (
            ("<tr><td>09/30/2020</td><td>Palm oil and palm oil products</td>", "<tr><td>09/30/2020</td>"),
            "3 cells for 4 columns",
            "table 2 row 1",
        ),
        (
            (
                "<td>Garments</td><td>Hetian Taida Apparel Co., Ltd.</td><td>Active</td>",
                "<td>Garments</td><td>Hetian Taida Apparel Co., Ltd.</td><td>Under review</td>",
            ),
            "unknown status 'Under review'",
            "table 1 row 3",
        ),
        (
            ("<tbody><tr><td>May 18, 2018</td><td>Cotton</td><td></td><td>Active</td></tr></tbody>", "<tbody></tbody>"),
            "has no rows",
            "table 3",
        ),
        (("<h2>Withhold Release Orders</h2>", "<h2>Orders</h2>"), "no WRO/Finding column", "table 1 row 1"),
    ],
)
def test_a_changed_page_fails_naming_the_table(tmp_path, change, message, locator):
    assert change[0] in PAGE
    error = parse_error(tmp_path, PAGE.replace(*change))
    assert message in error.reason
    assert error.locator == locator


def test_an_error_page(tmp_path):
    page = "<html><head><title>Page Not Found | U.S. Customs and Border Protection</title></head><body></body></html>"
    assert "no table on the page (title 'Page Not Found" in parse_error(tmp_path, page).reason
    assert "not an HTML page" in parse_error(tmp_path, "Effective Date,Calendar Year").reason
