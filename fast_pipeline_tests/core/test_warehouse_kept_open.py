"""warehouse.kept_open: a CLI build's edition runs join one open DuckDB database instead of each opening the
file; readers inside it still read, and the file is free for other processes once the block ends."""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa

from fast_pipeline.core import warehouse


def _another_process_writes(path) -> bool:
    code = f"import duckdb; duckdb.connect({str(path)!r}).execute('create table if not exists probe (x int)')"
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_sessions_inside_read_and_write_and_the_file_is_free_after(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with warehouse.session(path) as conn:
        conn.exec_driver_sql("create schema raw; create table raw.t (x int)")
    with warehouse.kept_open(path):
        with warehouse.session(path) as conn:
            conn.exec_driver_sql("insert into raw.t values (1)")
        # a reader in the block: DuckDB opens a file one way per process, so it joins the open database
        with warehouse.session(path, read_only=True) as conn:
            assert conn.execute(sa.text("select count(*) from raw.t")).scalar() == 1
        assert not _another_process_writes(path)  # locked for the block, as while any writer works
    assert _another_process_writes(path)
    with warehouse.session(path, read_only=True) as conn:  # read-only again, now nothing holds the file
        assert conn.execute(sa.text("select count(*) from raw.t")).scalar() == 1


def test_a_failed_session_inside_rolls_back_alone(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with warehouse.session(path) as conn:
        conn.exec_driver_sql("create schema raw; create table raw.t (x int)")
    with warehouse.kept_open(path):
        try:
            with warehouse.session(path) as conn:
                conn.exec_driver_sql("insert into raw.t values (1)")
                raise RuntimeError("the edition failed half way")
        except RuntimeError:
            pass
        with warehouse.session(path) as conn:
            conn.exec_driver_sql("insert into raw.t values (2)")
    with warehouse.session(path, read_only=True) as conn:
        assert conn.execute(sa.text("select x from raw.t")).scalars().all() == [2]


def test_nothing_is_held_for_a_file_not_created_yet(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with warehouse.kept_open(path):
        assert not path.exists()
    assert not warehouse._KEPT_OPEN
