"""The release: the last asset of the graph, downstream of every dbt mart."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from fast_pipeline.orchestration.automation import AFTER_UPSTREAM_UPDATES
from fast_pipeline.orchestration.dbt_assets import warehouse_marts
from fast_pipeline.orchestration.resources import PipelineResource
from fast_pipeline.release import write_release

MART_KEYS = sorted((k for k in warehouse_marts.keys if k.path[0] == "marts"), key=lambda k: k.path)
PREVIEW_CHARS = 6000


@asset(
    key=["release"],
    deps=MART_KEYS,
    group_name="release",
    kinds={"parquet", "csv", "duckdb"},
    automation_condition=AFTER_UPSTREAM_UPDATES,
    description="A versioned, immutable snapshot in data/releases/<version>/: every mart as CSV, Parquet and "
    "JSON Lines, a DuckDB file, FollowTheMoney entities, datapackage.json with checksums, "
    "per-source freshness, and the changes since the previous release.",
)
def release(context: AssetExecutionContext, pipeline: PipelineResource) -> MaterializeResult:
    result = write_release(pipeline.settings())
    context.log.info(f"release {result.version}: {'written' if result.created else result.note}")
    changes = result.changes or {"added": 0, "removed": 0, "changed": 0, "by_source": {}}
    metadata = {
        "version": result.version or "",
        "created": result.created,
        "note": result.note,
        "path": MetadataValue.path(str(result.path)) if result.path else "",
        "counts": MetadataValue.json(result.counts),
        "listed_actions": result.counts.get("listed_actions", 0),
        "added": changes["added"],
        "removed": changes["removed"],
        "changed": changes["changed"],
        "changes_by_source": MetadataValue.json(changes["by_source"]),
    }
    if result.created:
        changes_md = (result.path / "CHANGES.md").read_text(encoding="utf-8")
        metadata["changes_md"] = MetadataValue.md(changes_md[:PREVIEW_CHARS])
    return MaterializeResult(metadata=metadata)
