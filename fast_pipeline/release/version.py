"""Release versions: `YYYY.MM.DD`, then `YYYY.MM.DD.2`, `YYYY.MM.DD.3`, ... for later releases of that date.

The date is the data's, not the clock's, so that rebuilding from the same archive gives the same version
(and the same bytes, since the version is written into datapackage.json and the changes files):
- `FAST_RELEASE_DATE` (YYYY-MM-DD) when set, for a maintainer who wants to stamp a release by hand;
- otherwise the newest as-of date among the editions the release carries, one per source
  (core.edition_dates): the publisher's date when it is plausible, else the day the edition was acquired
  (a mirror edition: the date its label names; never a file's modification time). A publisher's
  "01/14/2099" therefore dates nothing after the day the page was fetched.
Versions are monotonic: when that date is not after the latest release's, the release takes the latest
release's date with the next number. Versions compare as numbers, not as text (`.10` after `.9`).
"""

from __future__ import annotations

import re
from datetime import date

_VERSION = re.compile(r"^(\d{4})\.(\d{2})\.(\d{2})(?:\.([1-9]\d*))?$")


def parse(version: str) -> tuple[date, int] | None:
    """(date, number) of a version label; None for anything else (e.g. a stray folder)."""
    m = _VERSION.match(version)
    if not m:
        return None
    try:
        day = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return day, int(m[4] or 1)


def label(day: date, number: int) -> str:
    return day.strftime("%Y.%m.%d") + (f".{number}" if number > 1 else "")


def next_version(data_date: date, existing: list[str]) -> str:
    """The version after every existing one, dated `data_date` unless that would go back in time."""
    parsed = sorted(p for p in map(parse, existing) if p)
    if not parsed or data_date > parsed[-1][0]:
        return label(data_date, 1)
    day, number = parsed[-1]
    return label(day, number + 1)
