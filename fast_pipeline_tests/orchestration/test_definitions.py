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
