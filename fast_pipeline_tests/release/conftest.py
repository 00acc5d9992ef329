"""Two warehouses built by dbt from the synthetic editions (see synthetic.py), shared by this folder's tests:
`early` holds CBP's first two editions and ILAB's first; `full` holds everything."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from fast_pipeline.settings import Settings
from fast_pipeline_tests.release.synthetic import build_warehouse, run_dbt


@dataclass(frozen=True)
class Warehouses:
    early: Path
    full: Path

    def settings(self, data_dir: Path, which: str = "full") -> Settings:
        """Settings whose releases go under data_dir and whose warehouse is `early` or `full`."""
        return Settings(data_dir=data_dir, duckdb_path=getattr(self, which))


@pytest.fixture(scope="package")
def warehouses(tmp_path_factory) -> Warehouses:
    root = tmp_path_factory.mktemp("warehouses")
    # each named as a data directory's warehouse, so dbt uses the parse `prepare` saved (dbt_in_process.py)
    early, full = root / "early" / "warehouse.duckdb", root / "full" / "warehouse.duckdb"
    early.parent.mkdir(), full.parent.mkdir()
    build_warehouse(early, cbp_editions=2, ilab_editions=1)
    build_warehouse(full)
    run_dbt(early, root / "dbt-early")
    run_dbt(full, root / "dbt-full")
    return Warehouses(early, full)
