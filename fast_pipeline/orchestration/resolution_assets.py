"""Party resolution as a Dagster asset of its own, between dbt's layers: it reads the canonical actions (dbt's
int_actions__unioned) and the party_overrides seed, and writes the `resolved` tables that the marts read as
dbt sources. Visible and re-runnable on its own in the UI (group "resolution"); a run on any warehouse
target, since nothing of it runs inside dbt.
"""

from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, MetadataValue, multi_asset
from dagster_dbt import get_asset_key_for_model

from fast_pipeline.orchestration.automation import AFTER_UPSTREAM_UPDATES
from fast_pipeline.orchestration.dbt_assets import resolved_key, warehouse_models
from fast_pipeline.orchestration.resources import PipelineResource
from fast_pipeline.resolution import tables as resolved

ACTIONS_KEY = get_asset_key_for_model([warehouse_models], resolved.ACTIONS[1])
OVERRIDES_KEY = get_asset_key_for_model([warehouse_models], resolved.OVERRIDES[1])
RECORDS_KEY = resolved_key("party_records")
DESCRIPTIONS = {
    "party_records": "What each source says about each party across its editions, one row per party record "
    "(fast_pipeline.resolution.records).",
    "parties": "Resolved parties, one row per stable party_id; lists as JSON text (the parties mart).",
    "party_links": "Why records are one party, or related: the rule, score and evidence of each pair.",
    "party_redirects": "Party IDs superseded by a merge and the party that holds them now.",
}


def _spec(table: str) -> AssetSpec:
    return AssetSpec(
        resolved_key(table),
        deps=[ACTIONS_KEY] if table == "party_records" else [RECORDS_KEY, OVERRIDES_KEY],
        description=DESCRIPTIONS[table],
        group_name="resolution",
        kinds={"python", "duckdb"},
        automation_condition=AFTER_UPSTREAM_UPDATES,
    )


@multi_asset(name="resolution", specs=[_spec(t) for t in resolved.TABLES])
def resolution(context: AssetExecutionContext, pipeline: PipelineResource):
    """Resolve once (party_records, then one resolve()) and replace the four resolved tables together."""
    with pipeline.writing("resolution"):
        result = resolved.resolve_warehouse(pipeline.settings().warehouse_url)
    for note in result.unmatched_overrides:
        context.log.warning(f"party_overrides: {note}")
    summary = {
        "party_count": result.rows["parties"],
        "record_count": result.rows["party_records"],
        "merge_count": result.merges,
        "unmatched_overrides": MetadataValue.json(result.unmatched_overrides),
    }
    context.log.info(f"resolution: {result.rows['party_records']} records -> {result.rows['parties']} parties")
    for table in resolved.TABLES:
        yield MaterializeResult(
            asset_key=resolved_key(table), metadata={**summary, "dagster/row_count": result.rows[table]}
        )
