"""Country names as publishers spell them -> ISO 3166-1 alpha-2.

pycountry knows the ISO names ("Viet Nam", "Congo, The Democratic Republic of the") and some common ones
("Vietnam", "North Korea"); publishers use their own government's names ("Burma", "Kyrgyz Republic",
"Congo, Democratic Republic of the (DRC)", "West Bank"). `OVERRIDES` lists those explicitly. Matching is on
the folded form (accents, case and punctuation ignored), never fuzzy: a name that matches nothing raises
`UnknownCountryError`, so a new spelling is added here on purpose rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import pycountry

from fast_pipeline.core.text import clean, fold

# Codes outside ISO 3166-1 that publishers need: Kosovo's user-assigned code, as used by the EU and the US.
USER_ASSIGNED_CODES = frozenset({"XK"})

# Publisher spellings pycountry does not know (or knows under another ISO entry's name). Readable keys;
# they are folded when the index is built.
OVERRIDES: dict[str, str] = {
    "Burma": "MM",
    "Congo, Democratic Republic of the": "CD",
    "Congo, Democratic Republic of the (DRC)": "CD",
    "Democratic Republic of the Congo": "CD",
    "DRC": "CD",
    "Congo, Republic of the": "CG",
    "Republic of the Congo": "CG",
    "Ivory Coast": "CI",
    "Korea, North": "KP",
    "Korea, South": "KR",
    "Kyrgyz Republic": "KG",
    "West Bank": "PS",
    "Gaza Strip": "PS",
    "West Bank and Gaza Strip": "PS",
    "Palestinian Territories": "PS",
    "Russia": "RU",
    "Turkey": "TR",
    "Turkey (Türkiye)": "TR",
    "Swaziland": "SZ",
    "Macedonia": "MK",
    "Cape Verde": "CV",
    "East Timor": "TL",
    "The Gambia": "GM",
    "Gambia, The": "GM",
    "The Bahamas": "BS",
    "Bahamas, The": "BS",
    "Brunei": "BN",
    "Micronesia": "FM",
    "Kosovo": "XK",
    "St. Kitts and Nevis": "KN",
    "St. Lucia": "LC",
    "St. Vincent and the Grenadines": "VC",
    "Falkland Islands (Islas Malvinas)": "FK",
    "British Indian Ocean Territories": "IO",
    "Heard and McDonald Islands": "HM",
    "Pitcairn Islands": "PN",
}


class UnknownCountryError(ValueError):
    """A country name that neither pycountry nor the override tables know."""

    def __init__(self, name: object):
        self.name = name
        super().__init__(
            f"unknown country name {name!r}: add its spelling to an override table "
            f"(fast_pipeline.core.countries.OVERRIDES or the source's own) if it is a real country"
        )


@cache
def _index() -> dict[str, str]:
    """Folded name -> alpha-2, from pycountry's names plus `OVERRIDES` (which win)."""
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                index[fold(value)] = country.alpha_2
    index.update({fold(name): code for name, code in OVERRIDES.items()})
    return index


def country_iso2(name: object, overrides: Mapping[str, str] | None = None) -> str:
    """The alpha-2 code of a country name; `overrides` (readable name -> code) come first.

    Sources pass their publisher's own misspellings as `overrides`, so that a typo accepted for one list
    is not accepted everywhere.
    """
    text = clean(name)
    if text is None:
        raise UnknownCountryError(name)
    key = fold(text)
    for spelling, code in (overrides or {}).items():
        if fold(spelling) == key:
            return code
    try:
        return _index()[key]
    except KeyError:
        raise UnknownCountryError(name) from None
