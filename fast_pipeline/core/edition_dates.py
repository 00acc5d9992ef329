"""When an edition was acquired, and which date it speaks for: the one edition order of the pipeline.

Editions are ordered by when the archive acquired them, never by a date a publisher prints (a typo there,
"01/14/2099" or a header saying 2016, must not reorder history):
- an edition fetched over HTTP was acquired when it was retrieved (the manifest's `retrieved_at`);
- an edition replayed from a mirror was acquired on the date its label names (`label_date`), never on
  a file's modification time, so the same saved files give the same order, and the same release, on
  every machine. Mirror labels are dated: `2023-03-09_txt`, `2016-09-30_xlsx`, `2014-11` (a month:
  its first day), `2018-app-xml_2019-08-30` (a data year, then the day the files were saved: the day
  counts). Rule: the latest full `YYYY-MM-DD` anywhere in the label, else a leading `YYYY-MM`.
Ties (two editions acquired at the same instant) go by label. `acquired_at` is recorded once per edition
in `raw.editions` and every ordering (dbt's published editions, source freshness, the gate's previous
edition, the build's processing order) sorts by it.

The publisher's own date is kept as published (`edition_date`) and checked against the acquisition
(`date_edition`): a date after the acquisition, long before it, or before the previous edition's date is
implausible; the edition is then dated by its acquisition, with a warning that reaches the build output,
`freshness.json` and CHANGES.md. The date an edition speaks for (`as_of_date`) dates release versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_FULL_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_LEADING_MONTH = re.compile(r"^(\d{4})-(\d{2})(?!\d)")

FUTURE_TOLERANCE = timedelta(days=1)  # a publisher east of UTC may already be on the next day
FAR_BEFORE = timedelta(days=730)  # a publisher date over two years before its acquisition is taken for a typo

BASES = ("published", "label", "retrieved")  # what an as-of date is: the publisher's, the mirror label's, the fetch's


def _date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def label_date(label: str | None) -> date | None:
    """The date a mirror edition's label names (see the module docstring), or None."""
    if not label:
        return None
    full = [d for d in (_date(*m.groups()) for m in _FULL_DATE.finditer(label)) if d]
    if full:
        return max(full)
    m = _LEADING_MONTH.match(label)
    return _date(m[1], m[2], "01") if m else None


def timestamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def acquired_at(origin: str | None, label: str, retrieved_at: str | None) -> str | None:
    """The instant the archive acquired an edition: its label's date for a mirror edition, else its
    retrieval time (an ISO timestamp, so that text order is time order)."""
    if origin == "mirror":
        day = label_date(label)
        if day:
            return timestamp(day)
    return retrieved_at


def acquisition_order(editions: dict[str, list]) -> list[str]:
    """Edition labels in acquisition order, from the archive's manifest rows of each edition."""

    def key(label: str) -> tuple[str, str]:
        rows = editions[label]
        at = acquired_at(rows[0].origin, label, max(r.retrieved_at for r in rows))
        return (at or "", label)

    return sorted(editions, key=key)


@dataclass(frozen=True)
class EditionDating:
    as_of_date: str  # ISO date the edition speaks for: the publisher's when plausible, else the acquisition's
    basis: str  # one of BASES
    warning: str | None = None


def date_edition(
    published: str | None, acquired: str | None, origin: str | None, previous_published: str | None = None
) -> EditionDating | None:
    """The as-of date of an edition: its publisher's date when that is plausible (not after the acquisition,
    not far before it, not before the publisher's date of the edition acquired before it, when that one had
    a plausible publisher date), else the acquisition date, with a warning. None when the edition has
    neither date (an HTTP edition always has its retrieval time)."""
    acquired_day = date.fromisoformat(acquired[:10]) if acquired else None
    fallback = "label" if origin == "mirror" else "retrieved"
    if not published:
        return EditionDating(acquired_day.isoformat(), fallback) if acquired_day else None
    day = date.fromisoformat(published[:10])
    if acquired_day is None:
        return EditionDating(day.isoformat(), "published")
    how = f"the publisher dates this edition {day.isoformat()}"
    when = f"acquired {acquired_day.isoformat()}"
    problem = None
    if day > acquired_day + FUTURE_TOLERANCE:
        problem = f"{how}, after it was {when} (a date in the future)"
    elif day < acquired_day - FAR_BEFORE:
        problem = f"{how}, {(acquired_day - day).days} days before it was {when}"
    elif previous_published and day < date.fromisoformat(previous_published[:10]):
        problem = f"{how}, before the edition acquired before it ({previous_published[:10]}); it was {when}"
    if problem:
        return EditionDating(
            acquired_day.isoformat(),
            fallback,
            f"{problem}: dated by its acquisition instead, check the publisher's date",
        )
    return EditionDating(min(day, acquired_day).isoformat(), "published")
