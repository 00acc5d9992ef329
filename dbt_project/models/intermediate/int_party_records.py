"""Party records: what each source says about each party across its editions, one row per party_record_id,
plus the related parties (subsidiaries, co-targets) named inside actions (fast_pipeline.resolution.records)."""

from fast_pipeline.resolution import party_records


def model(dbt, session):
    dbt.config(materialized="table")
    return party_records(dbt.ref("int_actions__unioned").df())
