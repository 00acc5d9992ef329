"""Country names -> ISO alpha-2: pycountry's names, the explicit overrides, and loud failure otherwise."""

from __future__ import annotations

import pycountry
import pytest

from fast_pipeline.core.countries import OVERRIDES, USER_ASSIGNED_CODES, UnknownCountryError, country_iso2


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Burma", "MM"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Congo, Democratic Republic of the (DRC)", "CD"),
        ("Democratic Republic of the Congo", "CD"),
        ("Congo, Republic of the", "CG"),
        ("Côte d'Ivoire", "CI"),
        ("Cote D'Ivoire", "CI"),  # EO 13126 spelling: no accent, capital D
        ("Korea, North", "KP"),
        ("North Korea", "KP"),
        ("Korea, South", "KR"),
        ("Kyrgyz Republic", "KG"),
        ("West Bank", "PS"),
        ("Russia", "RU"),
        ("Iran", "IR"),
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),  # pycountry's own name
        ("Turkey (Türkiye)", "TR"),
        ("Eswatini", "SZ"),
        ("Kosovo", "XK"),
        ("India ", "IN"),  # trailing space as in the DOL spreadsheets
        ("united  states", "US"),  # case and runs of spaces do not matter
    ],
)
def test_known_spellings(name, code):
    assert country_iso2(name) == code


@pytest.mark.parametrize("name", ["Boliva", "Tajikstan", "Narnia", "Korea", "US", "", None])
def test_unknown_names_raise_instead_of_guessing(name):
    # typos are not corrected, "Korea" is ambiguous, and alpha codes are not names
    with pytest.raises(UnknownCountryError, match="unknown country name"):
        country_iso2(name)


def test_source_overrides_apply_only_when_given():
    assert country_iso2("Boliva", {"Boliva": "BO"}) == "BO"
    with pytest.raises(UnknownCountryError):
        country_iso2("Boliva")


def test_every_override_is_a_real_code():
    known = {c.alpha_2 for c in pycountry.countries} | USER_ASSIGNED_CODES
    assert set(OVERRIDES.values()) <= known
