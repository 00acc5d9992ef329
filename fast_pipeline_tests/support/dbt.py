"""dbt over a test warehouse, outside Dagster, in the order the publish job runs it: the models resolution
reads, then resolution, then the marts (which read the resolved tables as dbt sources).

dbt runs in the test's own process through the path the pipeline's Dagster steps take
(orchestration/dbt_in_process.py): one parse per process, shared by every invocation, and dbt-duckdb's
database released after each. A `dbt` subprocess would start dbt and parse the project again each time,
seconds per call."""

from __future__ import annotations

from pathlib import Path

import pytest

from fast_pipeline.core import warehouse
from fast_pipeline.orchestration import dbt_in_process
from fast_pipeline.orchestration.dbt_assets import MARTS
from fast_pipeline.resolution.tables import resolve_warehouse
from fast_pipeline.settings import DBT_PROJECT_DIR


def dbt(args: list[str], target, work_dir: Path):
    """`dbt ARGS` against `target` (a DuckDB path or a warehouse URL), with its own target folder under
    `work_dir` (others may run dbt in this project at once): what dbt returns (its result's `result`); a
    failure raises with dbt's error messages."""
    messages: list[str] = []

    def collect(msg) -> None:
        if msg.info.level in ("warn", "error"):
            messages.append(msg.info.msg)

    with pytest.MonkeyPatch.context() as mp:  # the profile reads the environment, at the parse and the run
        for name, value in (warehouse.dbt_environment(target) | {"DBT_SEND_ANONYMOUS_USAGE_STATS": "False"}).items():
            if value is None:
                mp.delenv(name, raising=False)
            else:
                mp.setenv(name, value)
        target_path = work_dir / "target"
        manifest = dbt_in_process.parsed_manifest(work_dir / "dbt-cache", target_path)
        project = dbt_in_process.project_args(DBT_PROJECT_DIR, DBT_PROJECT_DIR, target_path)
        result = dbt_in_process.invoke([*args, *project, *dbt_in_process.QUIET], manifest, collect, {})
    if not result.success:
        detail = "\n".join(messages[-20:]) or repr(result.exception)
        raise RuntimeError(f"dbt {' '.join(args)} against {warehouse.shown(target)} failed:\n{detail}")
    return result.result


def dbt_build(duckdb_path: Path, work_dir: Path, *selection: str) -> None:
    """`dbt build SELECTION` over the DuckDB file."""
    dbt(["build", *selection], duckdb_path, work_dir)


def build_warehouse_models(target, work_dir: Path) -> None:
    """Every dbt model and test, with resolution between the intermediate models and the marts."""
    dbt(["build", "--exclude", MARTS], target, work_dir)
    resolve_warehouse(target)
    dbt(["build", "--select", MARTS], target, work_dir)


def comparable_manifest(manifest) -> dict:
    """A parsed manifest as dbt writes it, less when and by which invocation it was made, with a node's
    sources in one order: dbt's parse lists those of a model that reads two (marts/party_links.sql) in
    the order of a Python set, which changes with the process's hash seed."""
    written = manifest.writable_manifest().to_dict()
    written.pop("metadata")
    for resources in written.values():
        for resource in resources.values() if isinstance(resources, dict) else ():
            if isinstance(resource, dict):
                resource.pop("created_at", None)
                if "sources" in resource:
                    resource["sources"] = sorted(resource["sources"])
                depends_on = resource.get("depends_on")
                if isinstance(depends_on, dict) and "nodes" in depends_on:
                    depends_on["nodes"] = sorted(depends_on["nodes"])
    return written
