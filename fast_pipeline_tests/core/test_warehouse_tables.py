"""The warehouse's DataFrame interface (core/warehouse_tables.py): a set of tables is replaced all at once
or not at all, and a missing table is one clear error."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from fast_pipeline.core.errors import PipelineError
from fast_pipeline.core.warehouse_tables import read_table, replace_tables


def test_tables_are_replaced_and_read_back_with_their_json_text(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    first = pd.DataFrame({"party_id": ["p1", "p2"], "names": ['["A"]', '["B","C"]'], "record_count": [1, 2]})
    replace_tables(db, "resolved", {"parties": first})
    second = first.iloc[:1]
    replace_tables(db, "resolved", {"parties": second})
    pd.testing.assert_frame_equal(read_table(db, "resolved", "parties"), second, check_dtype=False)


def test_a_failure_part_way_leaves_the_whole_previous_set(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    replace_tables(db, "resolved", {"a": pd.DataFrame({"x": [1]})})
    with duckdb.connect(str(db)) as con:  # an object that a table cannot replace: the second write fails
        con.execute("create view resolved.b as select 'old' as y")
    with pytest.raises(duckdb.CatalogException):
        replace_tables(db, "resolved", {"a": pd.DataFrame({"x": [2]}), "b": pd.DataFrame({"y": ["new"]})})
    assert read_table(db, "resolved", "a")["x"].tolist() == [1]
    assert read_table(db, "resolved", "b")["y"].tolist() == ["old"]


def test_a_missing_table_is_one_clear_error(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    replace_tables(db, "resolved", {"a": pd.DataFrame({"x": [1]})})
    with pytest.raises(PipelineError, match=r"no table intermediate\.int_actions__unioned: build the dbt models"):
        read_table(db, "intermediate", "int_actions__unioned")
