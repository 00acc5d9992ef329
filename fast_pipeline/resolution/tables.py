"""Resolution over the warehouse: the canonical actions and the maintainer's overrides in, the `resolved`
tables out, which dbt reads as the source `resolved` (dbt_project/models/staging/_resolved.yml).

Runs between dbt's layers as the `resolution` Dagster asset, once per build: party_records, then one
resolve() for parties, links and redirects together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fast_pipeline.core import warehouse
from fast_pipeline.core.warehouse_tables import read_table, replace_tables
from fast_pipeline.resolution.records import RECORD_INPUTS, party_records
from fast_pipeline.resolution.resolve import resolve

# What resolution reads: dbt relations as (schema, table). The schema is the `+schema` of the model's layer
# (dbt_project.yml; macros/generate_schema_name.sql uses it as is).
ACTIONS = ("intermediate", "int_actions__unioned")
OVERRIDES = ("curation", "party_overrides")
# What it writes: the tables of dbt's `resolved` source, in this order.
SCHEMA = "resolved"
TABLES = ("party_records", "parties", "party_links", "party_redirects")


@dataclass(frozen=True)
class Resolved:
    """What one run wrote, for the asset's metadata."""

    rows: dict[str, int]
    merges: int  # `same` links: records folded into a party of another record
    unmatched_overrides: list[str] = field(default_factory=list)


def resolve_warehouse(target) -> Resolved:
    """Resolve the parties of every published action in the warehouse (a DuckDB path, or a URL of either
    database) and replace the resolved tables with the result. Its three sessions join one open DuckDB
    database (warehouse.kept_open) instead of each opening the file and checkpointing it as it closes."""
    with warehouse.kept_open(target):
        records = party_records(read_table(target, *ACTIONS, columns=RECORD_INPUTS))
        result = resolve(records, read_table(target, *OVERRIDES))
        frames = {
            "party_records": records,
            "parties": result.parties,
            "party_links": result.party_links,
            "party_redirects": result.party_redirects,
        }
        replace_tables(target, SCHEMA, frames)
    merges = int((result.party_links["relation"] == "same").sum())
    return Resolved({name: len(frame) for name, frame in frames.items()}, merges, list(result.unmatched_overrides))
