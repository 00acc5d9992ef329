"""CBP's words and their canonical meaning: order types, statuses, dates, countries.

The status vocabulary is open (a June 2026 export added "Partially Modified" and "Inactive-Pending
Litigation"), so an unknown status is not guessed: it fails, naming the word, for a maintainer to add here.
"""

from __future__ import annotations

import re
from datetime import date

import pycountry

from fast_pipeline.core.countries import USER_ASSIGNED_CODES, UnknownCountryError, country_iso2
from fast_pipeline.core.errors import ParseError

STATUSES = {
    "active": "active",
    "partially active": "active",
    "modified": "modified",
    "partially modified": "modified",
    "revoked": "revoked",
    "inactive": "inactive",
    "inactive pending litigation": "inactive",
}
ACTION_KINDS = {
    "wro": "withhold_release_order",
    "withhold release order": "withhold_release_order",
    "finding": "finding",
}
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MONTH_DATE = re.compile(r"([A-Z][a-z]+)\.?\s+(\d{1,2}),\s+(\d{4})")
_MONTHS = {
    m: i
    for i, m in enumerate(
        "january february march april may june july august september october november december".split(), start=1
    )
}


def _word_key(text: str) -> str:
    return re.sub(r"[\s\-\u2013\u2014]+", " ", text.lower()).strip()


def status(raw: str) -> str:
    try:
        return STATUSES[_word_key(raw)]
    except KeyError:
        raise ParseError(
            None,
            None,
            f"unknown status {raw!r}: add it to us_cbp_wro/vocabulary.py STATUSES "
            f"(known: {', '.join(sorted(STATUSES))})",
        ) from None


def action_kind(raw: str) -> str:
    key = _word_key(raw).rstrip("s")
    if key not in ACTION_KINDS:
        raise ParseError(None, None, f"WRO/Finding is {raw!r}, expected 'WRO' or 'Finding'")
    return ACTION_KINDS[key]


def us_date(raw: str, *, allow_month_names: bool = False) -> str:
    """ "06/24/2021" (and, for the HTML page, "June 24, 2021") -> "2021-06-24"."""
    m = _US_DATE.fullmatch(raw)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2))).isoformat()
        m = _MONTH_DATE.fullmatch(raw) if allow_month_names else None
        if m and m.group(1).lower() in _MONTHS:
            return date(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2))).isoformat()
    except ValueError:
        pass
    raise ParseError(None, None, f"unreadable date {raw!r} (expected MM/DD/YYYY)")


def country_code(raw: str) -> str:
    """An ISO 3166-1 alpha-2 code as published, checked against the standard."""
    code = raw.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or (
        pycountry.countries.get(alpha_2=code) is None and code not in USER_ASSIGNED_CODES
    ):
        raise ParseError(None, None, f"Country Code {raw!r} is not an ISO 3166-1 alpha-2 code")
    return code


def country_from_name(name: str) -> str:
    """A country heading ("China", "Burma") -> ISO2; fails on anything that is not a country."""
    try:
        return country_iso2(name)
    except UnknownCountryError as exc:
        raise ParseError(None, None, str(exc)) from None
