"""The Dagster definitions load (a broken import fails CI, not the UI) and have the promised shape."""

from __future__ import annotations

import yaml
from dagster import AssetKey

from fast_pipeline.settings import DBT_PROJECT_DIR
from fast_pipeline.sources.registry import SOURCE_IDS, all_sources


def test_definitions_load_with_every_source_and_the_dbt_models():
    from fast_pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = set(graph.get_all_asset_keys())
    for sid in SOURCE_IDS:
        for step in ("acquisition", "raw_edition", "parsed", "actions"):
            assert AssetKey([sid, step]) in keys
        assert defs.resolve_job_def(f"{sid}__editions") is not None
        assert defs.resolve_sensor_def(f"{sid}__new_editions") is not None
        assert defs.resolve_schedule_def(f"{sid}__schedule") is not None
    assert AssetKey(["marts", "adverse_actions"]) in keys and AssetKey(["release"]) in keys


def test_python_assets_and_dbt_models_form_one_lineage_graph():
    from fast_pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    stg = graph.get(AssetKey(["staging", "stg_br_mte_lista_suja__actions"]))
    assert AssetKey(["br_mte_lista_suja", "actions"]) in stg.parent_keys
    release = graph.get(AssetKey(["release"]))
    assert AssetKey(["marts", "adverse_actions"]) in release.parent_keys
    # resolution sits between dbt's layers: dbt model -> the resolution asset's tables -> dbt marts
    records = graph.get(AssetKey(["resolved", "party_records"]))
    assert records.parent_keys == {AssetKey(["intermediate", "int_actions__unioned"])}
    assert records.group_name == "resolution" and records.is_materializable
    for table in ("parties", "party_links", "party_redirects"):
        resolved = graph.get(AssetKey(["resolved", table]))
        assert resolved.parent_keys == {records.key, AssetKey(["curation", "party_overrides"])}
        declared = {records.key} if table == "party_links" else set()  # its record IDs (models/marts/party_links.sql)
        assert graph.get(AssetKey(["marts", table])).parent_keys == {resolved.key, *declared}
    # edition partitions on the per-source assets, none on the warehouse
    parsed = graph.get(AssetKey(["us_dol_ilab", "parsed"]))
    assert parsed.partitions_def is not None and parsed.partitions_def.name == "us_dol_ilab__editions"


def test_checks_are_wired_to_the_schemas_and_gate():
    from fast_pipeline.definitions import defs

    check_keys = {(k.asset_key.to_user_string(), k.name) for k in defs.resolve_asset_graph().asset_check_keys}
    for sid in SOURCE_IDS:
        assert (f"{sid}/parsed", "parsed_schema") in check_keys
        assert (f"{sid}/parsed", "formats_agree") in check_keys
        assert (f"{sid}/actions", "canonical_schema") in check_keys
        assert (f"{sid}/actions", "publish_gate") in check_keys
    # dbt tests surface as asset checks too
    assert any(name.startswith("unique_adverse_actions_action_id") for _, name in check_keys)


def test_every_dbt_test_is_an_asset_check_of_the_publish_job():
    """A dbt test that is no check of the publish job still runs (dbt selects a model's tests), but Dagster
    logs its result as an observation, with a warning, and the UI shows no check for it: the tests of a
    resolved table that no model read (resolved.party_records) were such tests."""
    import json

    from fast_pipeline.definitions import defs

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    tests = {node["name"] for node in manifest["nodes"].values() if node["resource_type"] == "test"}
    job = defs.resolve_job_def("publish")
    checks = {key.name for key in job.asset_layer.asset_graph.asset_check_keys}
    assert len(tests) > 60
    assert sorted(tests - checks) == []


def test_registry_dbt_staging_and_sources_agree():
    declared = yaml.safe_load((DBT_PROJECT_DIR / "models/staging/_sources.yml").read_text())
    tables = {t["name"] for t in declared["sources"][0]["tables"]}
    assert tables == {"editions", *(f"{s}__actions" for s in SOURCE_IDS)}
    models = {p.stem for p in (DBT_PROJECT_DIR / "models/staging").glob("stg_*.sql")}
    assert models == {f"stg_{s}__actions" for s in SOURCE_IDS}
    union = (DBT_PROJECT_DIR / "models/intermediate/int_actions__unioned.sql").read_text()
    for sid in SOURCE_IDS:
        assert f"'{sid}'" in union


def test_every_source_declares_complete_metadata():
    for source in all_sources():
        meta = source.metadata
        assert meta.source_id == source.source_id
        assert meta.landing_url.startswith("https://")
        assert len(meta.jurisdiction) == 2 and meta.jurisdiction.isupper()
        assert 0 < meta.gate.min_rows <= meta.gate.max_rows
        assert set(meta.preferred_formats) <= set(meta.formats)
        assert len(meta.schedule_cron.split()) == 5


def test_the_publish_job_runs_dbt_resolution_then_the_marts_and_the_release():
    from fast_pipeline.definitions import defs

    job = defs.resolve_job_def("publish")
    deps = job.graph.dependency_structure
    upstream = {n.name: {o.node.name for o in deps.all_upstream_outputs_from_node(n.name)} for n in job.graph.nodes}
    assert upstream == {
        "warehouse_models": set(),
        "resolution": {"warehouse_models"},
        "warehouse_marts": {"warehouse_models", "resolution"},
        "release": {"warehouse_marts"},
    }


def test_resolution_reads_and_writes_the_relations_dbt_declares():
    """The schemas resolution reads from are the ones dbt builds those models in, and the tables it writes
    are exactly the `resolved` source's."""
    import json

    from fast_pipeline.resolution import tables

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    nodes = {n["name"]: (n["schema"], n["alias"]) for n in manifest["nodes"].values() if "alias" in n}
    assert nodes[tables.ACTIONS[1]] == tables.ACTIONS and nodes[tables.OVERRIDES[1]] == tables.OVERRIDES
    declared = [s for s in manifest["sources"].values() if s["source_name"] == "resolved"]
    assert {s["name"] for s in declared} == set(tables.TABLES)
    assert {s["schema"] for s in declared} == {tables.SCHEMA}
