"""Finding the current CSV on the CBP data-file page: its name changes at every update.

Names seen: withhold-release-orders-findings-fy25-jun.csv, ...-fy26-dec.csv, ...-fy26-2026-06-23.csv,
...-fy26-2026-09-29.csv. The newest is chosen by the date in the name: a full date when there is one, else the
fiscal year and month (US fiscal years start in October: FY26 December is December 2025).
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote, urljoin, urlparse

from bs4 import BeautifulSoup

from fast_pipeline.core.errors import AcquisitionError
from fast_pipeline.core.source import RemoteFile

_CSV_NAME = re.compile(r"withhold-release-orders?-(?:and-)?findings[^/]*\.csv$", re.I)
_FULL_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_FY_MONTH = re.compile(r"fy-?(\d{2})-([a-z]{3})", re.I)
_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def full_date_in_name(name: str) -> date | None:
    """The YYYY-MM-DD date in a file name, or None."""
    m = _FULL_DATE.search(name)
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        return None


def date_in_name(name: str) -> date | None:
    """The publication date a CSV name carries (first of the month for FY-month names), or None."""
    if full_date_in_name(name):
        return full_date_in_name(name)
    try:
        m = _FY_MONTH.search(name)
        if m and m.group(2).lower() in _MONTHS:
            month = _MONTHS.index(m.group(2).lower()) + 1
            return date(2000 + int(m.group(1)) - (1 if month >= 10 else 0), month, 1)
    except ValueError:
        return None
    return None


def find_csv(page: bytes, page_url: str, source_id: str) -> RemoteFile:
    """The newest `withhold-release-orders-findings*.csv` linked from the page, as an absolute URL."""
    soup = BeautifulSoup(page, "lxml")
    links: dict[str, str] = {}
    for a in soup.find_all("a", href=True):
        url = urljoin(page_url, a["href"].strip())
        name = unquote(urlparse(url).path.rsplit("/", 1)[-1])
        if _CSV_NAME.search(name):
            links[url] = name
    if not links:
        raise AcquisitionError(
            source_id,
            None,
            f"no withhold-release-orders-findings*.csv link on {page_url} (page redesigned or an error page?)",
        )
    dated = {url: date_in_name(name) for url, name in links.items()}
    if len(links) > 1 and None in dated.values():
        undated = [links[u] for u, d in dated.items() if d is None]
        raise AcquisitionError(source_id, None, f"cannot tell the newest CSV on {page_url}: no date in {undated}")
    newest = max(links, key=lambda u: (dated[u] or date.min, links[u]))
    return RemoteFile(url=newest, file_name=links[newest], file_format="csv")
