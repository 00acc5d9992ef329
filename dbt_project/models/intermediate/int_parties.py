"""Resolved parties, one row per party_id (fast_pipeline.resolution), lists as JSON text; the `parties` mart
gives them as native lists. party_links explains every merge."""

from fast_pipeline.resolution import resolve


def model(dbt, session):
    dbt.config(materialized="table")
    return resolve(dbt.ref("int_party_records").df(), dbt.ref("party_overrides").df()).parties
