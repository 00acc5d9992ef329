"""Synthetic files (written into tmp_path): later XML fields accepted, every kind of bad input refused loudly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from fast_pipeline.core.canonical import validate_actions
from fast_pipeline.core.errors import ParseError
from fast_pipeline.sources.us_dol_ilab import SOURCE
from fast_pipeline_tests.sources.us_dol_ilab.helpers import parse

COUNTRY = (
    "<Country_Name>{name}</Country_Name><Country_Region>Asia &amp; the Pacific</Country_Region>"
    "<Child_Labor>{cl}</Child_Labor><Forced_Labor>{fl}</Forced_Labor>"
    "<Forced_Child_Labor>{fcl}</Forced_Child_Labor>{extra}"
)


def goods_xml(*countries: str, good: str = "Cotton", prolog: str = "") -> str:
    body = "".join(f"<Country>{c}</Country>" for c in countries)
    return (
        f"{prolog}<Goods><Good><Good_Name>{good}</Good_Name><Good_Sector>Agriculture</Good_Sector>"
        f"<Countries>{body}</Countries></Good></Goods>"
    )


def country(name="China", cl="Yes", fl="No", fcl="No", extra=""):
    return COUNTRY.format(name=name, cl=cl, fl=fl, fcl=fcl, extra=extra)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def write_xlsx(
    tmp_path: Path, rows: list[list], *, name="list.xlsx", merge: str | None = None, second_sheet: list | None = None
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    extra = book.create_sheet("Sheet2")
    if second_sheet:
        extra.append(second_sheet)
    path = tmp_path / name
    book.save(path)
    return path


HEADER = ["Country", "Good", "Child Labor", "Forced Labor"]


def test_derived_fields_of_later_editions(tmp_path):
    derived = "<Derived_Labor_Exploitation>Yes</Derived_Labor_Exploitation><Derived_Country>China</Derived_Country>"
    path = write(tmp_path, "goods_2022.xml", goods_xml(country("China", "No", "No", "No", derived), good="Solar Cells"))
    frame = parse(SOURCE, path)
    row = frame.iloc[0]
    assert (row["derived_labor_exploitation"], row["derived_country"], row["child_labor"]) == (True, "China", False)
    action = validate_actions(SOURCE.normalise(frame, "test", "2022-09-28")).iloc[0]
    assert (action["party_name"], action["status_raw"], action["edition_date"]) == (
        "Solar Cells — China",
        "derived labor exploitation",
        "2022-09-28",
    )
    assert json.loads(action["details"])["derived_country"] == "China"


def test_ampersands_and_commas_in_goods(tmp_path):
    path = write(tmp_path, "goods.xml", goods_xml(country("Côte d'Ivoire"), good="Fish &amp; Shellfish, dried"))
    row = parse(SOURCE, path).iloc[0]
    assert (row["good"], row["country_iso2"], row["region"]) == ("Fish & Shellfish, dried", "CI", "Asia & the Pacific")
    action = SOURCE.normalise(parse(SOURCE, path), "test", None).iloc[0]
    assert (action["party_name"], action["natural_key"]) == (
        "Fish & Shellfish, dried — Côte d'Ivoire",
        "CI|fish shellfish dried",
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE Goods [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            + goods_xml(country("&b;")),
            "DOCTYPE or entities",
        ),
        ('<!DOCTYPE Goods SYSTEM "http://example.org/goods.dtd">' + goods_xml(country()), "DOCTYPE or entities"),
        ("<html><head><title>Page Not Found</title></head><body>404</body></html>", "HTML page"),
        (goods_xml(country())[:-30], "malformed XML"),
        ("", "empty"),
        ("<Countries><Country/></Countries>", "root element is <Countries>"),
        ("<Goods></Goods>", "lists no (country, good) pair"),
        (goods_xml(country(extra="<Forced_Labour>Yes</Forced_Labour>")), "unexpected element <Forced_Labour>"),
        (goods_xml(country(fl="Maybe")), "<Forced_Labor> is 'Maybe'"),
        (goods_xml(country(cl="No", fl="No", fcl="No")), "no exploitation flag is Yes"),
        (
            goods_xml(
                "<Country_Name>China</Country_Name><Child_Labor>Yes</Child_Labor><Forced_Labor>No</Forced_Labor>"
            ),
            "lacks Forced_Child_Labor",
        ),
        (goods_xml(country("Narnia")), "unknown country name 'Narnia'"),
        (goods_xml(country("China", extra="<Country_ISO2>TW</Country_ISO2>")), "the file says Country_ISO2 TW"),
        (goods_xml(country("Côte d'Ivoire"), country("Cote D'Ivoire")), "pair CI|cotton is listed twice"),
        ("<Goods><Good><Good_Sector>Mining</Good_Sector></Good></Goods>", "without a <Good_Name>"),
    ],
)
def test_bad_xml_is_refused(tmp_path, content, reason):
    path = write(tmp_path, "goods.xml", content)
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse(SOURCE, path)


def test_bad_xml_error_names_the_pair(tmp_path):
    path = write(tmp_path, "goods.xml", goods_xml(country(), country("Narnia")))
    with pytest.raises(ParseError) as err:
        parse(SOURCE, path)
    assert str(err.value).startswith("us_dol_ilab: goods.xml: good 1 country 2: unknown country name 'Narnia'")


def test_xlsx_merged_country_cells_and_blank_rows(tmp_path):
    rows = [
        HEADER,
        ["Burma", "Bamboo", "X", "X"],
        [None, "Rice", "x", None],
        [None, None, None, None],
        ["Korea, North", "Coal", None, "X"],
    ]
    frame = parse(SOURCE, write_xlsx(tmp_path, rows, merge="A2:A3"))
    assert frame[["country", "country_iso2", "good", "source_locator"]].values.tolist() == [
        ["Burma", "MM", "Bamboo", "row 2"],
        ["Burma", "MM", "Rice", "row 3"],
        ["Korea, North", "KP", "Coal", "row 5"],
    ]


@pytest.mark.parametrize(
    ("rows", "kwargs", "reason"),
    [
        ([["Country", "Good", "Child Labour", "Forced Labor"], ["Burma", "Rice", "X", None]], {}, "header is"),
        ([[*HEADER, "Region"], ["Burma", "Rice", "X", None, "Asia"]], {}, "header is"),
        ([HEADER], {}, "header but no data rows"),
        ([], {}, "the workbook is empty"),
        ([HEADER, ["Burma", "Rice", "Yes", None]], {}, "Child Labor holds 'Yes'"),
        ([HEADER, ["Burma", "Rice", None, None]], {}, "neither Child Labor nor Forced Labor is marked"),
        (
            [HEADER, ["Burma", "Rice", "X", None], ["Source: ILAB, September 2016", None, None, None]],
            {},
            "row 3: a row without both a country and a good",
        ),
        ([HEADER, ["Burma", "Rice", "X", None, "see note"]], {}, "values right of the 4-column table"),
        ([HEADER, ["Burma", 2016, "X", None]], {}, "expected text, found int 2016"),
        ([HEADER, ["Burma", "Rice", "X", None]], {"second_sheet": ["Notes"]}, "several sheets hold data"),
    ],
)
def test_bad_xlsx_is_refused(tmp_path, rows, kwargs, reason):
    with pytest.raises(ParseError, match=reason):
        parse(SOURCE, write_xlsx(tmp_path, rows, **kwargs))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"<!DOCTYPE html><html><body>Access denied</body></html>", "HTML page"),
        (b"PK\x03\x04 cut off", "truncated or corrupt"),
    ],
)
def test_xlsx_that_is_not_a_workbook(tmp_path, content, reason):
    with pytest.raises(ParseError, match=reason):
        parse(SOURCE, write(tmp_path, "TVPRA2016_0.xlsx", content))


def test_unknown_format(tmp_path):
    with pytest.raises(ParseError, match="no parser for format 'pdf'"):
        parse(SOURCE, write(tmp_path, "list.pdf", b"%PDF-1.4\n%%EOF\n"))
