"""The release: the last asset of the graph, downstream of the dbt marts."""

from dagster import AssetExecutionContext, AssetKey, AutomationCondition, MaterializeResult, MetadataValue, asset

from fast_pipeline.orchestration.resources import PipelineResource
from fast_pipeline.release import write_release

MART_KEYS = [AssetKey(["marts", "adverse_actions"]), AssetKey(["marts", "source_freshness"])]


@asset(key=["release"], deps=MART_KEYS, group_name="release", kinds={"parquet", "csv"},
       automation_condition=AutomationCondition.eager(),
       description="A dated, immutable snapshot in data/releases/<version>/ with checksums and changes.")
def release(context: AssetExecutionContext, pipeline: PipelineResource) -> MaterializeResult:
    result = write_release(pipeline.settings())
    context.log.info(f"release {result.version}: {'written' if result.created else result.note}")
    return MaterializeResult(metadata={
        "version": result.version or "",
        "created": result.created,
        "path": MetadataValue.path(str(result.path)) if result.path else "",
        "counts": MetadataValue.json(result.counts),
    })
