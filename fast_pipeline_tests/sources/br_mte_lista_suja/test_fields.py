"""One cell -> one typed value: tax IDs, inclusion periods, CNAE, dates, footnote marks."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.br import cnpj, cpf

from fast_pipeline.sources.br_mte_lista_suja import fields
from fast_pipeline.sources.br_mte_lista_suja.fields import FieldError


@pytest.mark.parametrize(
    "value, expected",
    [
        ("057.293.644-31", ("05729364431", "CPF")),
        ("27.090.456/0002-27", ("27090456000227", "CNPJ")),
        ("664.163.889-87 ", ("66416388987", "CPF")),
        ("30.799.231.0001-78", ("30799231000178", "CNPJ")),  # a mistyped mask still has 14 digits
        (5729364431, ("05729364431", "CPF")),  # number cell: leading zero restored
        (5729364431.0, ("05729364431", "CPF")),
        (2896264000109, ("02896264000109", "CNPJ")),
        ("2896264000109", ("02896264000109", "CNPJ")),  # number turned into text, 13 digits
        ("02896264000109", ("02896264000109", "CNPJ")),  # unmasked text keeps its zeros
    ],
)
def test_tax_id_type_by_check_digits(value, expected):
    digits, kind, _ = fields.tax_id(value)
    assert (digits, kind) == expected


@pytest.mark.parametrize(
    "value, reason",
    [
        ("057.293.644-32", "valid neither"),
        ("12345", "valid neither"),
        ("057.293.644-31 / 2", "valid neither"),
        ("CEI 51.218.59726/87", "characters other than digits"),
        ("", "empty"),
        (1.5, "whole number"),
    ],
)
def test_tax_id_invalid_fails(value, reason):
    with pytest.raises(FieldError, match=reason):
        fields.tax_id(value)


def cpf_check_digits(base: str) -> str:
    digits = [int(c) for c in base]
    for weight in (10, 11):
        digits.append(sum((weight - i) * d for i, d in enumerate(digits)) * 10 % 11 % 10)
    return "".join(map(str, digits[-2:]))


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_cpf_stored_as_a_number_comes_back(base):
    number = base + cpf_check_digits(base)
    assume(cpf.is_valid(number))
    assert fields.tax_id(int(number))[:2] == (number, "CPF")


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_cnpj_stored_as_a_number_comes_back(base):
    number = base + cnpj.calc_check_digits(base)
    assume(cnpj.is_valid(number) and len(str(int(number))) > 11)  # shorter ones prefer CPF (documented)
    assert fields.tax_id(int(number))[:2] == (number, "CNPJ")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("05/10/2022", [("2022-10-05", None)]),
        ("05/04/2024 a 10/05/2024, 09/04/2025", [("2024-04-05", "2024-05-10"), ("2025-04-09", None)]),
        ("05/10/2021 a 19/05/2022 e 16/09/2022", [("2021-10-05", "2022-05-19"), ("2022-09-16", None)]),
        (
            "05/04/2021 a\n03/05/2021;\n09/09/2021 a 15/02/2022; e 15/09/2022",
            [("2021-04-05", "2021-05-03"), ("2021-09-09", "2022-02-15"), ("2022-09-15", None)],
        ),
        ("05/10/2022 a 13/01/2023", [("2022-10-05", "2023-01-13")]),
        (dt.datetime(2025, 10, 6), [("2025-10-06", None)]),
    ],
)
def test_inclusion_periods(raw, expected):
    _, periods = fields.inclusion_periods(raw)
    assert [(p["start"], p["end"]) for p in periods] == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("", "empty"),
        ("05/10/2022 até 01/01/2023", "cannot read"),
        ("05/10/2022 a 01/01/2021", "ends before it starts"),
        ("05/10/2022, 01/01/2023 a 02/02/2023", "open period before the last"),
        ("31/02/2024", "not a real date"),
        ("05/10/2022 05/10/2023", "cannot read"),
    ],
)
def test_inclusion_periods_unreadable(raw, reason):
    with pytest.raises(FieldError, match=reason):
        fields.inclusion_periods(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2341-9/00", ("2341-9/00", "2341-9/00")),
        ("119-9/06", ("0119-9/06", "119-9/06")),
        ("01/01/4211", ("4211-1/01", "01/01/4211")),
        (dt.datetime(4211, 1, 1), ("4211-1/01", "01/01/4211")),
        (None, (None, None)),
    ],
)
def test_cnae(raw, expected):
    assert fields.cnae(raw) == expected


def test_cnae_rejects_other_values():
    with pytest.raises(FieldError, match="CNAE"):
        fields.cnae("MG")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("09/12/2021", "2021-12-09"),
        ("09/12/2021   ", "2021-12-09"),
        (dt.datetime(2022, 3, 17, 11, 50, 38), "2022-03-17"),
        (dt.date(2022, 3, 17), "2022-03-17"),
        (dt.time(0, 0), None),  # a date cell holding serial 0 (the report's empty date)
        (None, None),
        ("", None),
    ],
)
def test_dates(raw, expected):
    assert fields.date(raw, "d") == expected


@pytest.mark.parametrize("raw", ["2021-12-09", "12/2021", "30/02/2021", dt.time(11, 0)])
def test_dates_rejected(raw):
    with pytest.raises(FieldError):
        fields.date(raw, "d")


def test_employer_footnote_mark():
    assert fields.employer("ELZO SIMONATO (*2)") == ("ELZO SIMONATO", "*2")
    assert fields.employer("CENTROALCOOL S/A (EM RECUPERACAO JUDICIAL)") == (
        "CENTROALCOOL S/A (EM RECUPERACAO JUDICIAL)",
        None,
    )
    with pytest.raises(FieldError):
        fields.employer("(*1)")


def test_uf_and_integers():
    assert fields.uf("mg") == "MG"
    with pytest.raises(FieldError, match="UF"):
        fields.uf("Fazenda Boa Vista")
    assert fields.integer(0, "year", zero_is_empty=True) is None
    assert fields.integer(" 12 ", "w") == 12
    with pytest.raises(FieldError):
        fields.integer("12a", "w")


def test_long_date():
    assert fields.long_date("7", "outubro", "2024") == "2024-10-07"
    assert fields.long_date("6", "Março", "2026") == "2026-03-06"
    with pytest.raises(FieldError):
        fields.long_date("7", "october", "2024")
