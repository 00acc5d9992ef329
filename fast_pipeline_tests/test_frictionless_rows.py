"""support/frictionless_rows.py: frictionless reads a pandas frame (a Parquet file) to the same rows, cell
for cell, as with its own reader, which converted each row once per field."""

from __future__ import annotations

import pandas as pd
from frictionless import Resource
from frictionless.formats.pandas.parser import PandasParser

from fast_pipeline_tests.support.frictionless_rows import install


def _rows(frame: pd.DataFrame) -> list[dict]:
    with Resource(frame) as resource:
        return [row.to_dict() for row in resource.row_stream]


def test_a_frame_reads_to_the_same_rows_as_with_frictionless_own_reader(monkeypatch):
    frame = pd.DataFrame(
        {
            "name": ["Fazenda Boa Vista", None, "Hoshine Silicon"],
            "workers": pd.array([3, None, 12], dtype="Int64"),
            "share": [0.5, float("nan"), 1.0],
            "listed": [True, False, None],
            "seen": pd.to_datetime(["2024-12-04", "2026-08-03", None]),
        },
        index=pd.Index(["a", "b", "c"], name="action_id"),
    )
    install()
    ours = _rows(frame)
    monkeypatch.setattr(PandasParser, "read_cell_stream_create", PandasParser.read_cell_stream_create.__wrapped__)
    assert repr(ours) == repr(_rows(frame))  # repr: a NaN cell is not equal to itself
    assert ours[0]["action_id"] == "a" and ours[0]["workers"] == 3 and ours[1]["name"] is None
