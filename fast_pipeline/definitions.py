"""Everything Dagster loads, gathered in one place; no logic of its own.

Steps run in-process (one process per run): the embedded DuckDB has one writer at a time anyway, and a
run started by `fast-pipeline build` then costs no subprocess per step (see orchestration/runs.py).
"""

from dagster import Definitions, define_asset_job, in_process_executor

from fast_pipeline.environment import PUBLISH_RUN_TAGS
from fast_pipeline.orchestration.automation import automation_sensor
from fast_pipeline.orchestration.dbt_assets import dbt_resource, editions_registry, warehouse_marts, warehouse_models
from fast_pipeline.orchestration.release_assets import release
from fast_pipeline.orchestration.resolution_assets import resolution
from fast_pipeline.orchestration.resources import PipelineResource
from fast_pipeline.orchestration.source_assets import build_source_definitions
from fast_pipeline.sources.registry import all_sources

_per_source = [build_source_definitions(s) for s in all_sources()]

publish_job = define_asset_job(
    "publish",
    selection=[warehouse_models, resolution, warehouse_marts, release],
    description="Rebuild the dbt models, resolve the parties, rebuild the marts and write a release.",
    tags=PUBLISH_RUN_TAGS,
)

defs = Definitions(
    assets=[a for s in _per_source for a in s.assets]
    + [editions_registry, warehouse_models, resolution, warehouse_marts, release],
    jobs=[j for s in _per_source for j in (s.edition_job, s.acquisition_job)] + [publish_job],
    sensors=[s.sensor for s in _per_source] + [automation_sensor],
    schedules=[s.schedule for s in _per_source],
    resources={"pipeline": PipelineResource(), "dbt": dbt_resource()},
    executor=in_process_executor,
)
