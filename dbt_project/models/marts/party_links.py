"""Each pair of party records judged the same (or related, or kept apart), with the rule, score and evidence."""

from fast_pipeline.resolution import resolve


def model(dbt, session):
    dbt.config(materialized="table")
    return resolve(dbt.ref("int_party_records").df(), dbt.ref("party_overrides").df()).party_links
