"""dbt over a test warehouse, outside Dagster, in the order the publish job runs it: the models resolution
reads, then resolution, then the marts (which read the resolved tables as dbt sources)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fast_pipeline.orchestration.dbt_assets import MARTS
from fast_pipeline.resolution.tables import resolve_warehouse
from fast_pipeline.settings import DBT_PROJECT_DIR


def dbt_build(duckdb_path: Path, work_dir: Path, *selection: str) -> None:
    """`dbt build SELECTION` in a child process (dbt-duckdb keeps its database open for the life of the
    process), with its own target and log folders (others may run dbt in this project at once)."""
    env = {**os.environ, "FAST_DUCKDB_PATH": str(duckdb_path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}
    proc = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(work_dir / "target"),
            "--log-path",
            str(work_dir / "logs"),
            *selection,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode:
        raise RuntimeError(f"dbt build {' '.join(selection)} failed:\n{proc.stdout[-4000:]}{proc.stderr[-2000:]}")


def build_warehouse_models(duckdb_path: Path, work_dir: Path) -> None:
    """Every dbt model and test, with resolution between the intermediate models and the marts."""
    dbt_build(duckdb_path, work_dir, "--exclude", MARTS)
    resolve_warehouse(duckdb_path)
    dbt_build(duckdb_path, work_dir, "--select", MARTS)
