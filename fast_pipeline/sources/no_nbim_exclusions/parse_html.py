"""The NBIM page "Exclusion of companies": one responsive table, strict.

Layout (NOTES.md section F): one `<table>` whose header reads Company, (an unnamed notes column),
Decision, Category, Criterion, Publishing date; each body cell holds its value in
`span.nbim-responsive-table--value` (beside a label span repeated for narrow screens). The company cell
is a link. Anything else fails naming the page and the reason: no table, two tables, a renamed or moved
column, a row of another width, an unknown decision, a date not in dd.mm.yyyy.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from bs4 import BeautifulSoup, Tag

from fast_pipeline.core.entity_names import clean_cell
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile
from fast_pipeline.core.text import fold

HEADER = ("company", "", "decision", "category", "criterion", "publishing date")
DECISIONS = ("Exclusion", "Observation")
VALUE_CLASS = "nbim-responsive-table--value"


def _value(cell: Tag) -> Tag:
    """The cell's value span, or the cell itself without its label spans."""
    span = cell.find(class_=VALUE_CLASS)
    if span is not None:
        return span
    for label in cell.find_all(class_="nbim-responsive-table--label"):
        label.decompose()
    return cell


def _text(node: Tag) -> str | None:
    for br in node.find_all("br"):
        br.replace_with(" ")
    return clean_cell(node.get_text(" "))


def table_text(data: bytes) -> str | None:
    """The table's text only (the content fingerprint: the page around it changes on every request)."""
    tables = BeautifulSoup(data, "lxml").find_all("table")
    return "\n".join(t.get_text(" ", strip=True) for t in tables) or None


def parse_page(file: SourceFile) -> pd.DataFrame:
    data = file.read_bytes()

    def fail(reason: str, locator: str | None = None) -> ParseError:
        return ParseError(file.source_id, file.file_name, reason, locator)

    if not data.strip() or not data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise fail("not an HTML page")
    soup = BeautifulSoup(data, "lxml")
    tables = soup.find_all("table")
    if len(tables) != 1:
        title = clean_cell(soup.title.get_text()) if soup.title else None
        raise fail(
            f"expected the one exclusions table, found {len(tables)} tables (page title {title!r}): "
            "an error page or a redesigned page?"
        )
    trs = tables[0].find_all("tr")
    header = tuple(fold(_text(c) or "") for c in trs[0].find_all(["th", "td"])) if trs else ()
    if header != HEADER:
        got = [_text(c) or "" for c in trs[0].find_all(["th", "td"])] if trs else []
        raise fail(f"unexpected table header {got}; expected {list(HEADER)}", "table header")
    rows = []
    for r_no, tr in enumerate(trs[1:], start=1):
        locator = f"table row {r_no}"
        cells = tr.find_all(["td", "th"])
        if len(cells) != len(HEADER):
            raise fail(f"expected {len(HEADER)} cells, found {len(cells)}", locator)
        values = [_value(c) for c in cells]
        company, notes, decision, category, criterion, published = (_text(v) for v in values)
        link = values[0].find("a", href=True)
        if not company:
            raise fail("the company cell is empty", locator)
        if decision not in DECISIONS:
            raise fail(f"unknown decision {decision!r} (known: {', '.join(DECISIONS)})", locator)
        if not category or not criterion:
            raise fail("the category or criterion cell is empty", locator)
        try:
            day = datetime.strptime(published or "", "%d.%m.%Y").date().isoformat()
        except ValueError:
            raise fail(f"publishing date {published!r} is not dd.mm.yyyy", locator) from None
        rows.append(
            {
                "company": company,
                "company_url": link["href"] if link else None,
                "notes": notes,
                "decision": decision,
                "category": category,
                "criterion": criterion,
                "publishing_date_raw": published,
                "publishing_date": day,
                "source_locator": locator,
            }
        )
    if not rows:
        raise fail("the exclusions table has no rows", "table")
    return pd.DataFrame(rows)
