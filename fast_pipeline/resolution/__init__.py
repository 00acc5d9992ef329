"""Party resolution: the same firm, person, vessel or country-and-good is one party across editions and
across lists, every merge is explained, and party IDs do not change under the user's feet.

Data flow (each step a module, pure Python, no state kept between runs):

    canonical action rows --records--> party records --resolve--> parties, party_links, party_redirects
                                             ^
                      maintainer judgements (overrides: dbt_project/seeds/party_overrides.csv)

- `records`: one record per `party_record_id` (a party as one source describes it, across editions),
  plus records for the related parties named inside actions (subsidiaries, co-targets).
- `resolve`: the rules, strongest first: overrides (`overrides`); shared identifier (CNPJ, CPF, ...,
  `identifiers`); stated aliases and former names; equal then similar names after normalisation
  (`names`; `matching`, with blocking so cost grows near-linearly), within kind and country and never
  across records listed side by side in one edition (`clusters`, a constrained union-find).
  Establishments of one CNPJ base and subsidiaries are linked, not merged.
- `ids`: `party_id` is the hash of the strongest identifier or the smallest record ID of the party, so it
  is deterministic from natural keys; `party_redirects` maps the ID every record would have had on its
  own to its party's ID, so an ID that a later merge supersedes still resolves.
- `parties`: the party table, gathered in DuckDB.

Run by the `resolution` Dagster asset (`tables.resolve_warehouse`), between dbt's layers: it reads dbt's
`int_actions__unioned` and the seed `party_overrides`, resolves once, and replaces the tables of the dbt
source `resolved` (party_records, parties, party_links, party_redirects) that the marts read;
`adverse_actions.party_id` joins on `party_record_id`. `benchmarks/bench_resolution.py` measures time,
memory, precision and recall.
"""

from fast_pipeline.resolution.overrides import OVERRIDES_PATH, OverrideError, load_overrides, read_overrides
from fast_pipeline.resolution.records import party_records
from fast_pipeline.resolution.resolve import RELATIONS, RULES, Resolution, resolve

__all__ = [
    "OVERRIDES_PATH",
    "RELATIONS",
    "RULES",
    "OverrideError",
    "Resolution",
    "load_overrides",
    "party_records",
    "read_overrides",
    "resolve",
]
