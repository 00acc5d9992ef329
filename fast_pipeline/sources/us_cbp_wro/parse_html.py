"""The earlier form: an HTML page with one table per country ("Withhold Release Orders and Findings").

Layout read: a section heading naming the order type ("Withhold Release Orders" / "Findings"), then per
country a heading (or the table's `<caption>`) naming the country, then a table whose header holds
`Date`, `Merchandise`, `Manufacturer/Entity`, `Status` and optionally `WRO/Finding`, `Industry`,
`Press Release`, `Remarks`. A `WRO/Finding` column wins over the section heading. A header cell outside
`COLUMNS`, a table without a country or an order type, or a table without rows fails.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pandas as pd
from bs4 import BeautifulSoup, Tag

from fast_pipeline.core.entity_names import clean_cell
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.sources.us_cbp_wro import vocabulary as vocab
from fast_pipeline.sources.us_cbp_wro.record import build_record

# Page header -> CSV column name.
COLUMNS = {
    "date": "Effective Date",
    "effective date": "Effective Date",
    "merchandise": "Merchandise",
    "manufacturer/entity": "Entity",
    "manufacturer": "Entity",
    "entity": "Entity",
    "status": "Status",
    "wro/finding": "WRO/Finding",
    "type": "WRO/Finding",
    "industry": "Industry",
    "press release": "Press Release",
    "remarks": "Remarks",
    "notes": "Remarks",
}
REQUIRED = ("Effective Date", "Merchandise", "Entity", "Status")
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
_FINDING_HEADING = re.compile(r"\bfindings?\b", re.I)
_WRO_HEADING = re.compile(r"withhold\s+release\s+orders?\b|\bWROs?\b", re.I)
BASE_URL = "https://www.cbp.gov/"


def _cell_text(cell: Tag) -> str:
    for br in cell.find_all("br"):
        br.replace_with("\n")
    return cell.get_text()


def _header(table: Tag, fail) -> tuple[list[str], list[Tag]]:
    rows = table.find_all("tr")
    if not rows:
        raise fail("a table without rows")
    names = []
    for cell in rows[0].find_all(["th", "td"]):
        label = re.sub(r"\s*/\s*", "/", clean_cell(cell.get_text()) or "").lower()
        if label not in COLUMNS:
            raise fail(f"unexpected column {clean_cell(cell.get_text())!r} (known: {sorted(set(COLUMNS))})")
        names.append(COLUMNS[label])
    missing = [n for n in REQUIRED if n not in names]
    if missing or len(set(names)) != len(names):
        raise fail(f"header {names} lacks {missing} or repeats a column")
    return names, rows[1:]


def _country(table: Tag, fail) -> str:
    caption = table.find("caption")
    heading = caption or table.find_previous(_HEADINGS)
    if heading is None:
        raise fail("no country heading above the table")
    name = clean_cell(heading.get_text()) or ""
    try:
        vocab.country_from_name(name)
    except ParseError as exc:
        raise fail(f"the heading above the table is not a country: {exc.reason}") from exc
    return name


def _order_type(table: Tag) -> str | None:
    """The nearest heading above that names one order type (a title naming both decides nothing)."""
    for heading in table.find_all_previous(_HEADINGS):
        text = clean_cell(heading.get_text()) or ""
        finding, wro = bool(_FINDING_HEADING.search(text)), bool(_WRO_HEADING.search(text))
        if finding != wro:
            return "Finding" if finding else "WRO"
    return None


def parse_page(file: SourceFile) -> pd.DataFrame:
    data = file.read_bytes()

    def fail(reason: str, locator: str | None = None) -> ParseError:
        return ParseError(file.source_id, file.file_name, reason, locator)

    if not data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise fail("not an HTML page")
    soup = BeautifulSoup(data, "lxml")
    tables = soup.find_all("table")
    if not tables:
        title = clean_cell(soup.title.get_text()) if soup.title else None
        raise fail(f"no table on the page (title {title!r}): an error page or a redesigned page?")
    base = file.url or BASE_URL
    rows = []
    for t_no, table in enumerate(tables, start=1):
        where = f"table {t_no}"
        names, body = _header(table, lambda r, where=where: fail(r, where))
        country = _country(table, lambda r, where=where: fail(r, where))
        section_type = _order_type(table)
        count = 0
        for r_no, tr in enumerate(body, start=1):
            locator = f"{where} row {r_no}"
            cells = tr.find_all(["td", "th"])
            texts = [_cell_text(c) for c in cells]
            if all(clean_cell(t) is None for t in texts):
                continue
            if len(cells) != len(names):
                raise fail(f"{len(cells)} cells for {len(names)} columns", locator)
            values = dict(zip(names, texts))
            if "Press Release" in values:
                link = cells[names.index("Press Release")].find("a", href=True)
                values["Press Release"] = urljoin(base, link["href"]) if link else values["Press Release"]
            if "WRO/Finding" not in values:
                if section_type is None:
                    raise fail("no WRO/Finding column and no 'Withhold Release Orders'/'Findings' heading", locator)
                values["WRO/Finding"] = section_type
            values["Country"] = country
            values["Country Code"] = vocab.country_from_name(country)
            try:
                record = build_record(values, allow_month_names=True)
            except ParseError as exc:
                raise fail(exc.reason, locator) from exc
            rows.append({**record, "encoding": None, "source_locator": locator})
            count += 1
        if not count:
            raise fail(f"the table for {country} has no rows", where)
    return pd.DataFrame(rows)
