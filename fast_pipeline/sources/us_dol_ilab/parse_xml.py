"""The List of Goods as XML, as DOL ships it in its Sweat & Toil apps.

Shape: <Goods><Good><Good_Name/><Good_Sector/><Countries><Country>...</Country></Countries></Good>...</Goods>,
where each <Country> holds Country_Name, Country_Region, Child_Labor, Forced_Labor, Forced_Child_Labor
("Yes"/"No"); the 2013 file adds Country_ISO2/ISO3 (checked against our own mapping; DOL wrote Burma "BU",
a withdrawn ISO code, and Kyrgyz Republic "KV", no ISO code, see `DOL_CODES`), editions from 2022
add Derived_Labor_Exploitation and Derived_Country (downstream goods made with listed inputs).
A <Good> may have an empty <Countries> (the 2016 file repeats "Tin ore (cassiterite)" so): it has no pair.
Parsed with entity expansion and DTDs refused (defusedxml, forbid_dtd=True).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XmlSyntaxError

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.core.text import clean
from fast_pipeline.sources.us_dol_common import check_bytes, resolve_country

GOOD_FIELDS = {"Good_Name", "Good_Sector", "Countries"}
COUNTRY_FIELDS = {
    "Country_Name",
    "Country_ISO2",
    "Country_ISO3",
    "Country_Region",
    "Child_Labor",
    "Forced_Labor",
    "Forced_Child_Labor",
    "Derived_Labor_Exploitation",
    "Derived_Country",
}
REQUIRED_COUNTRY_FIELDS = ("Country_Name", "Child_Labor", "Forced_Labor", "Forced_Child_Labor")
# Country_ISO2 values DOL used that are not (or no longer) ISO 3166-1, and the ISO code they stand for.
DOL_CODES = {"BU": "MM", "KV": "KG"}
FLAG_FIELDS = {
    "Child_Labor": "child_labor",
    "Forced_Labor": "forced_labor",
    "Forced_Child_Labor": "forced_child_labor",
    "Derived_Labor_Exploitation": "derived_labor_exploitation",
}


def _root(file: SourceFile) -> Element:
    data = file.read_bytes()
    check_bytes(file, data)
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ParseError(
            file.source_id, file.file_name, f"the XML declares a DOCTYPE or entities, which are refused: {exc}"
        ) from None
    except XmlSyntaxError as exc:
        line, col = exc.position
        raise ParseError(file.source_id, file.file_name, f"malformed XML: {exc}", f"line {line} column {col}") from None


def _fields(element: Element, allowed: set[str], file: SourceFile, locator: str) -> dict[str, str | None]:
    """Child elements by tag, refusing unknown or repeated ones (a changed format must not pass silently)."""
    out: dict[str, str | None] = {}
    for child in element:
        if child.tag not in allowed:
            raise ParseError(file.source_id, file.file_name, f"unexpected element <{child.tag}>", locator)
        if child.tag in out:
            raise ParseError(file.source_id, file.file_name, f"<{child.tag}> appears twice", locator)
        out[child.tag] = clean(child.text)
    return out


def _yes_no(value: str | None, field: str, file: SourceFile, locator: str) -> bool:
    answer = (value or "").lower()
    if answer not in ("yes", "no"):
        raise ParseError(file.source_id, file.file_name, f"<{field}> is {value!r}, expected Yes or No", locator)
    return answer == "yes"


def parse_xml(file: SourceFile) -> pd.DataFrame:
    root = _root(file)
    if root.tag != "Goods":
        raise ParseError(file.source_id, file.file_name, f"root element is <{root.tag}>, expected <Goods>")
    rows = []
    for g, good_el in enumerate(root, 1):
        if good_el.tag != "Good":
            raise ParseError(file.source_id, file.file_name, f"unexpected element <{good_el.tag}>", f"good {g}")
        good = _fields(good_el, GOOD_FIELDS, file, f"good {g}")
        if not good.get("Good_Name"):
            raise ParseError(file.source_id, file.file_name, "<Good> without a <Good_Name>", f"good {g}")
        countries = good_el.find("Countries")
        for c, country_el in enumerate(countries if countries is not None else [], 1):
            locator = f"good {g} country {c}"
            if country_el.tag != "Country":
                raise ParseError(file.source_id, file.file_name, f"unexpected element <{country_el.tag}>", locator)
            rows.append(_pair(good, _fields(country_el, COUNTRY_FIELDS, file, locator), file, locator))
    return pd.DataFrame(rows)


def _pair(good: dict, country: dict, file: SourceFile, locator: str) -> dict:
    missing = [f for f in REQUIRED_COUNTRY_FIELDS if f not in country]
    if missing:
        raise ParseError(file.source_id, file.file_name, f"<Country> lacks {', '.join(missing)}", locator)
    name = country["Country_Name"]
    if not name:
        raise ParseError(file.source_id, file.file_name, "empty <Country_Name>", locator)
    iso2 = resolve_country(name, file, locator)
    published = country.get("Country_ISO2")
    if published and DOL_CODES.get(published.upper(), published.upper()) != iso2:
        raise ParseError(
            file.source_id,
            file.file_name,
            f"{name!r} maps to {iso2} but the file says Country_ISO2 {published}",
            locator,
        )
    flags = {col: _yes_no(country[tag], tag, file, locator) for tag, col in FLAG_FIELDS.items() if tag in country}
    if not any(flags.values()):
        raise ParseError(file.source_id, file.file_name, "no exploitation flag is Yes for this pair", locator)
    return {
        "good": good["Good_Name"],
        "good_sector": good.get("Good_Sector"),
        "country": name,
        "country_iso2": iso2,
        "region": country.get("Country_Region"),
        "child_labor": flags["child_labor"],
        "forced_labor": flags["forced_labor"],
        "forced_child_labor": flags["forced_child_labor"],
        "derived_labor_exploitation": flags.get("derived_labor_exploitation"),
        "derived_country": country.get("Derived_Country"),
        "source_locator": locator,
    }
