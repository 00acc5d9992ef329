"""The UFLPA Entity List page: one table per statutory section, named by the paragraph above it.

Page layout (www.dhs.gov/uflpa-entity-list, Drupal): inside the body field, each section is a `<p>` holding a
`<strong>` description and an `<a>` "Section 2(d)(2)(B)(x)", followed by a two-column `<table>`
("Name of Entity" or "Entity Name", "Effective Date"). A section may have no table (2025: (iv) is text only).
Every table on the page must be such a section table: an unknown header, a table without a section heading
or a table without rows fails, so a redesigned page cannot be read half-right.
"""

from __future__ import annotations

import re
from datetime import datetime

import pandas as pd
from bs4 import BeautifulSoup, Tag

from fast_pipeline.core.canonical import to_json_list
from fast_pipeline.core.entity_names import clean_cell, parse_listed_entity
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.source import SourceFile

NAME_HEADERS = ("Name of Entity", "Entity Name")
DATE_HEADER = "Effective Date"
_SECTION_REF = re.compile(r"Section\s+(2\s*\(d\)\s*\(2\)\s*\(B\)\s*\((?:iv|v|i{1,3})\))", re.I)
_LAST_UPDATED = re.compile(r"Last\s+Updated:?\s*(\d{1,2}/\d{1,2}/\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})")


def _soup(data: bytes, fail) -> BeautifulSoup:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not data.strip():
        raise fail("the file is empty")
    if not head.startswith(b"<"):
        raise fail("not an HTML page (does not start with a tag)")
    return BeautifulSoup(data, "lxml")


def _date(text: str) -> datetime | None:
    for fmt in ("%m/%d/%Y", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def last_updated(soup: BeautifulSoup) -> str | None:
    """The page's "Last Updated: 01/14/2025" as an ISO date, or None when the page does not say."""
    m = _LAST_UPDATED.search(clean_cell(soup.get_text(" ")) or "")
    found = _date(m.group(1)) if m else None
    return found.date().isoformat() if found else None


def _cell_text(cell: Tag) -> str:
    for br in cell.find_all("br"):
        br.replace_with(" ")
    return cell.get_text()


def _section_of(table: Tag, fail) -> tuple[str, str | None]:
    """The nearest "Section 2(d)(2)(B)(x)" text above the table (and its bold description)."""
    for text in table.find_all_previous(string=True):
        if text.find_parent("table") is not None:
            break
        m = _SECTION_REF.search(text)
        if m:
            section = re.sub(r"\s+", "", m.group(1))
            block = text.find_parent(["p", "div", "h2", "h3", "h4"])
            strong = block.find(["strong", "b"]) if block else None
            return section, clean_cell(strong.get_text()) if strong else None
    raise fail("no 'Section 2(d)(2)(B)(...)' heading above this table")


def list_text(soup: BeautifulSoup) -> str:
    """Each table's text under its statutory section and description: what the list says, and on what
    legal basis. Moving an entity from one section to another changes this text, though not its tables'."""
    parts = []
    for table in soup.find_all("table"):
        try:
            section, description = _section_of(table, lambda reason: ParseError(None, None, reason))
        except ParseError:
            section, description = "(no section heading)", None
        parts.append(f"{section}\t{description or ''}\t{table.get_text(' ', strip=True)}")
    return "\n".join(parts)


def parse_page(file: SourceFile, known_sections: tuple[str, ...]) -> pd.DataFrame:
    data = file.read_bytes()

    def fail(reason: str, locator: str | None = None) -> ParseError:
        return ParseError(file.source_id, file.file_name, reason, locator)

    soup = _soup(data, fail)
    tables = soup.find_all("table")
    if not tables:
        title = clean_cell(soup.title.get_text()) if soup.title else None
        raise fail(f"no entity table on the page (title {title!r}): an error page or a redesigned page?")
    page_updated = last_updated(soup)
    rows: list[dict] = []
    for t_no, table in enumerate(tables, start=1):
        where = f"table {t_no}"
        section, description = _section_of(table, lambda r, where=where: fail(r, where))
        if section not in known_sections:
            raise fail(f"unknown section {section!r} (known: {', '.join(known_sections)})", where)
        trs = table.find_all("tr")
        header = [clean_cell(c.get_text()) for c in trs[0].find_all(["th", "td"])] if trs else []
        if len(header) != 2 or header[0] not in NAME_HEADERS or header[1] != DATE_HEADER:
            raise fail(f"unexpected header {header}; expected [{' or '.join(NAME_HEADERS)!s}, {DATE_HEADER}]", where)
        count = 0
        for r_no, tr in enumerate(trs[1:], start=1):
            locator = f"{where} row {r_no}"
            cells = tr.find_all(["td", "th"])
            raw = [_cell_text(c) for c in cells]
            if all(clean_cell(v) is None for v in raw):
                continue  # a spacer row holds no entry
            if len(cells) != 2:
                raise fail(f"expected 2 cells, found {len(cells)}", locator)
            name_raw, date_raw = raw
            date_text = clean_cell(date_raw)
            when = _date(date_text) if date_text else None
            if when is None:
                raise fail(f"unreadable effective date {date_text!r}", locator)
            try:
                entity = parse_listed_entity(name_raw)
            except ParseError as exc:
                raise fail(f"entity cell: {exc.reason}", locator) from exc
            rows.append(
                {
                    "section": section,
                    "section_description": description,
                    "entity_raw": name_raw,
                    "name": entity.name,
                    "aliases": to_json_list(entity.aliases),
                    "former_names": to_json_list(entity.former_names),
                    "subsidiaries": to_json_list(s.to_dict() for s in entity.subsidiaries),
                    "scope": entity.scope,
                    "effective_date_raw": date_text,
                    "effective_date": when.date().isoformat(),
                    "page_last_updated": page_updated,
                    "source_locator": locator,
                }
            )
            count += 1
        if not count:
            raise fail(f"the table of section {section} has no rows", where)
    return pd.DataFrame(rows)
