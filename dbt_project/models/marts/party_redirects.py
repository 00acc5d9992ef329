"""Superseded party IDs -> the party that now holds them, so that an ID handed out before a merge still resolves."""

from fast_pipeline.resolution import resolve


def model(dbt, session):
    dbt.config(materialized="table")
    return resolve(dbt.ref("int_party_records").df(), dbt.ref("party_overrides").df()).party_redirects
