"""The NBIM table: strict parsing, the scope rule, canonical actions."""

from __future__ import annotations

import json

import pytest

from fast_pipeline.core import parsing
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import local_source_file
from fast_pipeline.sources.no_nbim_exclusions import SOURCE
from fast_pipeline_tests.sources.no_nbim_exclusions import pages

SID = "no_nbim_exclusions"


def _file(tmp_path, data: bytes):
    path = tmp_path / "exclusion-of-companies.html"
    path.write_bytes(data)
    return local_source_file(SID, path, edition="2021-06-01_html")


def _actions(tmp_path, rows):
    parsed = parsing.parse_validated(SOURCE, _file(tmp_path, pages.page(rows)))
    return parsed, SOURCE.normalise(parsed, "2021-06-01_html", None)


def test_every_row_is_parsed_and_the_scope_keeps_human_rights_and_war(tmp_path):
    parsed, actions = _actions(tmp_path, [*pages.EDITION_2021, pages.WAR])
    assert len(parsed) == 5  # tobacco and coal are parsed too
    assert parsed["company_url"].iloc[0] == "/en/news-list/news-release/luthai-textile-co-ltd/"
    assert parsing.canonical_schema_failures(actions) is None
    by_name = {r["party_name"]: r for r in actions.to_dict("records")}
    assert set(by_name) == {"Luthai Textile Co Ltd", "Hansae Co Ltd", "Example Construction Ltd"}
    luthai = by_name["Luthai Textile Co Ltd"]
    assert (luthai["action_type"], luthai["status"], luthai["listed_date"]) == ("divestment", "active", "2018-05-14")
    assert luthai["authority"] == "Norges Bank (on the recommendation of the Council on Ethics)"
    assert luthai["jurisdiction"] == "NO" and luthai["party_kind"] == "company"
    assert luthai["legal_basis"] == (
        "Guidelines for observation and exclusion from the Government Pension Fund Global, § 4 (a): "
        "serious or systematic human rights violations"
    )
    assert json.loads(luthai["details"])["criterion"] == "Human rights"
    assert by_name["Hansae Co Ltd"]["action_type"] == "observation"
    assert "§ 4 (b)" in by_name["Example Construction Ltd"]["legal_basis"]


def test_action_ids_are_stable_across_editions_and_row_order(tmp_path):
    _, first = _actions(tmp_path, pages.EDITION_2021)
    _, second = _actions(tmp_path, list(reversed(pages.EDITION_2022)))
    ids = lambda frame: dict(zip(frame["party_name"], frame["action_id"]))  # noqa: E731
    assert ids(first)["Luthai Textile Co Ltd"] == ids(second)["Luthai Textile Co Ltd"]


def test_an_edition_with_only_out_of_scope_rows_has_no_actions(tmp_path):
    parsed, actions = _actions(tmp_path, [pages.TOBACCO, pages.COAL])
    assert len(parsed) == 2 and len(actions) == 0


@pytest.mark.parametrize(
    "data, locator, reason",
    [
        (
            pages.page(
                pages.EDITION_2021, header=["Company", "", "Status", "Category", "Criterion", "Publishing date"]
            ),
            "table header",
            "unexpected table header ['Company', '', 'Status', 'Category', 'Criterion', 'Publishing date']",
        ),
        (
            pages.page(
                pages.EDITION_2021, header=["Company", "Decision", "", "Category", "Criterion", "Publishing date"]
            ),
            "table header",
            "unexpected table header",
        ),
        (pages.page([], tables=0), None, "expected the one exclusions table, found 0 tables"),
        (pages.page(pages.EDITION_2021, tables=2), None, "found 2 tables"),
        (pages.page([]), "table", "the exclusions table has no rows"),
        (
            pages.page([(*pages.LUTHAI[:5], "2018-05-14")]),
            "table row 1",
            "publishing date '2018-05-14' is not dd.mm.yyyy",
        ),
        (pages.page([(*pages.LUTHAI[:2], "Revoked", *pages.LUTHAI[3:])]), "table row 1", "unknown decision 'Revoked'"),
        (b"Service temporarily unavailable", None, "not an HTML page"),
    ],
    ids=["renamed column", "moved column", "no table", "two tables", "empty table", "date", "decision", "text"],
)
def test_a_changed_page_fails_naming_the_page_and_the_reason(tmp_path, data, locator, reason):
    with pytest.raises(ParseError) as info:
        SOURCE.parse_file(_file(tmp_path, data))
    assert info.value.message.startswith(f"{SID}: exclusion-of-companies.html: ")
    assert info.value.locator == locator and reason in info.value.reason
