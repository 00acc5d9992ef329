"""dbt models as Dagster assets, wired to the Python assets so both appear in one lineage graph.

dbt sources `raw.<source_id>__actions` are the `<source_id>/actions` assets; `raw.editions` is written by all
of them together; the source `resolved.<table>` is the `resolved/<table>` output of the resolution asset.
Resolution sits between dbt's layers (dbt models -> resolution -> dbt marts), so the dbt project is two
definitions, two steps of one run: `warehouse_models` (seeds, staging, intermediate: what resolution reads)
and `warehouse_marts` (the marts, which read the resolved tables, and every test of them). dbt tests appear as
asset checks, those on the resolved tables as checks of the resolution asset's tables.
"""

import importlib.metadata
import shutil
import sys
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetSpec, AutomationCondition
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from fast_pipeline.core import warehouse
from fast_pipeline.orchestration import dbt_in_process
from fast_pipeline.orchestration.automation import AFTER_UPSTREAM_UPDATES
from fast_pipeline.orchestration.resources import PipelineResource
from fast_pipeline.orchestration.source_assets import ALL_ACTIONS_KEYS, EDITIONS_KEY
from fast_pipeline.resolution import tables as resolved
from fast_pipeline.settings import DBT_PROJECT_DIR, Settings
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


def resolved_key(table: str) -> AssetKey:
    """The asset key of a resolved table (an output of the resolution asset, a source of the marts)."""
    return AssetKey([resolved.SCHEMA, table])


class Translator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            table = dbt_resource_props["name"]
            if dbt_resource_props["source_name"] == resolved.SCHEMA:
                return resolved_key(table)
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


# The marts, and the sources they read that resolution writes (whose tests are checks of its tables).
MARTS = f"path:models/marts source:{resolved.SCHEMA}+"
TRANSLATOR = Translator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


@dbt_assets(manifest=DBT_PROJECT.manifest_path, project=DBT_PROJECT, dagster_dbt_translator=TRANSLATOR, exclude=MARTS)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineResource):
    """Build and test the seeds, staging and intermediate models (what resolution reads)."""
    settings = pipeline.settings()  # exports the dbt profile's target and connection
    # every source's raw table exists even when the UI's own path processed only some sources' editions
    warehouse.ensure_tables(settings.warehouse_url, list(SOURCE_IDS))
    yield from _dbt_build(context, dbt, settings, "warehouse_models")


@dbt_assets(manifest=DBT_PROJECT.manifest_path, project=DBT_PROJECT, dagster_dbt_translator=TRANSLATOR, select=MARTS)
def warehouse_marts(context: AssetExecutionContext, dbt: DbtCliResource, pipeline: PipelineResource):
    """Build and test the marts over the intermediate models and the resolved tables."""
    yield from _dbt_build(context, dbt, pipeline.settings(), "warehouse_marts")


def _dbt_build(context: AssetExecutionContext, dbt: DbtCliResource, settings: Settings, step: str):
    """`dbt build` of this definition's selection, in this process (orchestration/dbt_in_process.py).

    The parse is shared by both definitions of a run (and every run of a process), and saved for the next
    process (dbt_in_process.parsed_manifest). Each invocation gets its own target folder under
    <data>/cache/dbt, removed once dbt has succeeded (runs at once never share one)."""
    cache = settings.cache_dir / "dbt"
    target = cache / f"{context.run.run_id}-{step}"
    manifest = dbt_in_process.parsed_manifest(cache, target)
    context.log.info(f"dbt build against {warehouse.shown(settings.warehouse_url)}")
    # no manifest.json and run_results.json (a third of a second each): the folder goes once dbt succeeds,
    # and what a failure says reaches the run's log
    yield from dbt_in_process.invocation(
        dbt, ["build", "--no-write-json"], context=context, target_path=target, manifest=manifest
    ).stream()
    shutil.rmtree(target, ignore_errors=True)


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


def dbt_resource() -> DbtCliResource:
    """dbt from this environment (beside the running Python), whether or not the venv is on PATH."""
    return PipelineDbtResource(project_dir=DBT_PROJECT, dbt_executable=str(Path(sys.executable).with_name("dbt")))
