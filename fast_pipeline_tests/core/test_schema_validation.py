"""core.schema_validation: a passing dtype check costs no failure report, and a failing one is reported as
Pandera reports it."""

from __future__ import annotations

import pandas as pd
import pandera.backends.pandas.array as pandera_array
import pandera.errors
import pandera.pandas as pa
import pytest

from fast_pipeline.core.schema_validation import validate

SCHEMA = pa.DataFrameSchema(
    {
        "name": pa.Column(str),
        "note": pa.Column(str, nullable=True),
        "code": pa.Column("string"),
        "count": pa.Column("int64"),
    }
)


def _frame(**overrides) -> pd.DataFrame:
    columns = {
        "name": ["Fazenda Boa Vista", "Hoshine Silicon"],
        "note": ["first", None],
        "code": pd.Series(["BR", "CN"], dtype="string"),
        "count": [3, 4],
    }
    return pd.DataFrame({**columns, **overrides})


def test_a_frame_whose_every_element_has_its_type_passes_without_building_a_failure_report(monkeypatch):
    def no_report(*args, **kwargs):
        raise AssertionError("a failure report was built for a column that passed")

    monkeypatch.setattr(pandera_array, "reshape_failure_cases", no_report)
    frame = _frame()
    assert validate(SCHEMA, frame).equals(frame)
    # An object column of strings where "string" is declared passes too, as it does in Pandera.
    assert validate(SCHEMA, _frame(code=["BR", "CN"]))["code"].tolist() == ["BR", "CN"]


def test_an_element_of_the_wrong_type_is_reported_with_its_row_and_value():
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        validate(SCHEMA, _frame(name=["Fazenda Boa Vista", 17], code=["BR", 86]))
    cases = caught.value.failure_cases
    failures = sorted(zip(cases["column"], cases["check"], cases["index"], cases["failure_case"].astype(str)))
    assert failures == [("code", "dtype('string[python]')", 1, "86"), ("name", "dtype('str')", 1, "17")]


def test_a_column_of_another_dtype_is_reported_by_its_dtype():
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        validate(SCHEMA, _frame(count=["3", "4"]))
    cases = caught.value.failure_cases
    assert cases[["column", "check", "failure_case"]].values.tolist() == [["count", "dtype('int64')", "object"]]
