"""dbt models as Dagster assets, wired to the Python assets so both appear in one lineage graph.

dbt sources `raw.<source_id>__actions` are the `<source_id>/actions` assets; `raw.editions` is written by all
of them together. dbt tests appear as asset checks.
"""

import importlib.metadata
import os
import shutil
import sys
import time
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetSpec, AutomationCondition
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from fast_pipeline.core import warehouse
from fast_pipeline.orchestration.automation import AFTER_UPSTREAM_UPDATES
from fast_pipeline.orchestration.resources import PipelineResource
from fast_pipeline.orchestration.source_assets import ALL_ACTIONS_KEYS, EDITIONS_KEY
from fast_pipeline.settings import DBT_PROJECT_DIR
from fast_pipeline.sources.registry import SOURCE_IDS

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

editions_registry = AssetSpec(
    EDITIONS_KEY,
    deps=ALL_ACTIONS_KEYS,
    group_name="warehouse",
    kinds={"duckdb"},
    description="raw.editions: one row per archived edition with counts, cross-check and publish-gate results; "
    "written by every source's actions asset.",
)


class Translator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            table = dbt_resource_props["name"]
            if table == "editions":
                return EDITIONS_KEY
            source_id, _, kind = table.partition("__")
            return AssetKey([source_id, kind])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return "warehouse"

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> AutomationCondition | None:
        return AFTER_UPSTREAM_UPDATES


if not DBT_PROJECT.manifest_path.exists():
    raise FileNotFoundError(
        f"dbt manifest missing at {DBT_PROJECT.manifest_path}: run `fast-pipeline prepare` (or ./dev build / ./dev test)"
    )


@dbt_assets(manifest=DBT_PROJECT.manifest_path, project=DBT_PROJECT, dagster_dbt_translator=Translator())
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineResource):
    """Build and test every dbt model over the warehouse (FAST_WAREHOUSE_URL: DuckDB or PostgreSQL)."""
    settings = pipeline.settings()  # exports the dbt profile's target and connection
    # every source's raw table exists even when the UI's own path processed only some sources' editions
    warehouse.ensure_tables(settings.warehouse_url, list(SOURCE_IDS))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    context.log.info(f"dbt build against {warehouse.shown(settings.warehouse_url)}")
    yield from dbt.cli(["build"], context=context).stream()


class PipelineDbtResource(DbtCliResource):
    """dbt as dagster-dbt runs it, less two dbt start-ups per invocation that this project has no use for
    (each costs seconds): a `dbt --version` subprocess (the version is that of the installed dbt-core, the
    only engine the project uses) and an in-process dbt adapter (dagster-dbt needs one only to fetch column
    metadata or row counts, which the project does not ask for)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None

    def _get_unique_target_path(self, *, context) -> Path:
        """dagster-dbt gives every invocation its own target folder and never removes one (each holds a
        copy of the manifest, ~6 MB): keep the last few, for reading a recent run's dbt.log."""
        path = super()._get_unique_target_path(context=context)
        parent = path.parent if path.is_absolute() else Path(self.project_dir) / path.parent
        if parent.is_dir():
            prune_run_targets(parent)
        return path


KEEP_RUN_TARGETS = 5
RUN_TARGET_MIN_AGE = 3600.0  # seconds: a folder written to this recently may belong to a running invocation


def prune_run_targets(
    target_dir: Path, keep: int = KEEP_RUN_TARGETS, min_age: float = RUN_TARGET_MIN_AGE
) -> list[Path]:
    """Remove per-invocation target folders beyond the newest `keep`, unless touched in the last `min_age`
    seconds. The project's own target files (manifest.json, partial_parse.msgpack) are not folders and stay."""
    now = time.time()
    folders = sorted(
        (
            d
            for d in target_dir.iterdir()
            if d.is_dir() and ((d / "manifest.json").exists() or (d / "dbt.log").exists())
        ),
        key=lambda d: d.stat().st_mtime,
        reverse=True,
    )
    removed = []
    for folder in folders[keep:]:
        if now - folder.stat().st_mtime >= min_age:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def dbt_resource() -> DbtCliResource:
    """dbt from this environment (beside the running Python), whether or not the venv is on PATH."""
    return PipelineDbtResource(project_dir=DBT_PROJECT, dbt_executable=str(Path(sys.executable).with_name("dbt")))
