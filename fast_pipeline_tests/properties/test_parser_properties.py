"""Property-based tests of the parsers' pure functions: on any input, a result or the documented error
(FieldError for Brazilian cells, ParseError for entity names), never anything else."""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from fast_pipeline.core.entity_names import parse_entity_chain, parse_listed_entity
from fast_pipeline.core.errors import ParseError
from fast_pipeline.sources.br_mte_lista_suja import fields
from fast_pipeline.sources.br_mte_lista_suja.fields import FieldError
from fast_pipeline_tests.conftest import examples

CELLS = st.one_of(
    st.none(),
    st.text(),
    st.integers(min_value=-(10**16), max_value=10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.booleans(),
    st.text(alphabet="0123456789./- ae,;()I", max_size=60),
)
DATE_TEXT = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31)).map(
    lambda d: d.strftime("%d/%m/%Y")
)


def _result_or_field_error(fn, *args):
    try:
        return fn(*args)
    except FieldError:
        return None


@settings(max_examples=examples(400))
@given(CELLS)
def test_brazil_cell_readers_raise_only_field_error(value):
    _result_or_field_error(fields.tax_id, value)
    _result_or_field_error(fields.date, value, "decision")
    _result_or_field_error(fields.cnae, value)
    _result_or_field_error(fields.uf, value)
    _result_or_field_error(fields.employer, value)
    _result_or_field_error(fields.integer, value, "workers")
    _result_or_field_error(fields.inclusion_periods, value)


@given(
    st.lists(st.tuples(DATE_TEXT, st.one_of(st.none(), DATE_TEXT)), min_size=1, max_size=4),
    st.sampled_from([", ", "; ", " e ", "; e "]),
)
def test_inclusion_periods_read_back_what_was_written(periods, sep):
    periods = [
        (a, b)
        for a, b in periods
        if b is None or dt.datetime.strptime(b, "%d/%m/%Y") >= dt.datetime.strptime(a, "%d/%m/%Y")
    ]
    if not periods:
        return
    periods = [(a, b if b else None) for a, b in periods[:-1] if b] + [periods[-1]]
    raw = sep.join(f"{a} a {b}" if b else a for a, b in periods)
    _, parsed = fields.inclusion_periods(raw)
    iso = lambda s: dt.datetime.strptime(s, "%d/%m/%Y").date().isoformat()  # noqa: E731
    assert [(p["start"], p["end"]) for p in parsed] == [(iso(a), iso(b) if b else None) for a, b in periods]


@given(st.integers(min_value=1, max_value=10**11 - 1))
def test_tax_id_digits_are_always_a_valid_11_or_14_digit_number(number):
    try:
        digits, kind, _ = fields.tax_id(number)
    except FieldError:
        return
    assert len(digits) == (11 if kind == "CPF" else 14) and int(digits) == number


@settings(max_examples=examples(400))
@given(st.one_of(st.text(), st.text(alphabet="abc ();:,.&-Co Ltd aliases including formerly known as", max_size=80)))
def test_entity_name_splitting_raises_only_parse_error(value):
    for fn in (parse_listed_entity, parse_entity_chain):
        with contextlib.suppress(ParseError):
            fn(value)


@settings(max_examples=examples(300))
@given(
    st.one_of(
        st.none(),
        st.text(),
        st.text(alphabet="ab Co., Ltd. a/k/a and its subsidiaries\nFishing Vessel: ;", max_size=80),
    ),
    st.sampled_from([None, "CN", "MY"]),
    st.sampled_from(["Seafood", "Cotton", ""]),
)
def test_cbp_entity_cells_raise_only_parse_error(value, country, context):
    from fast_pipeline.sources.us_cbp_wro.entities import parse_entity_cell

    with contextlib.suppress(ParseError):
        parse_entity_cell(value, country=country, context=context)
