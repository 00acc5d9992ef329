"""One row per resolved party: its canonical name and everything its records say, gathered (in DuckDB).

The canonical name, kind and country are those of the record seen in the most action rows (then the
most recently seen, then the smallest record ID); a party whose canonical record states no country
takes the one country its other records agree on. Lists are JSON text, sorted and distinct, in the
same compact form as the canonical table's (`core.canonical.to_json_list`).
"""

from __future__ import annotations

import duckdb
import pandas as pd

PARTY_COLUMNS = (
    "party_id",
    "party_name",
    "party_kind",
    "party_country",
    "names",
    "aliases",
    "former_names",
    "identifiers",
    "countries",
    "kinds",
    "source_ids",
    "action_ids",
    "mentioned_in_action_ids",
    "party_record_ids",
    "record_count",
    "action_count",
)
_STRINGS = '["VARCHAR"]'
_IDENTIFIERS = '[{"scheme": "VARCHAR", "value": "VARCHAR"}]'


def _gathered(column: str, shape: str = _STRINGS) -> str:
    """SQL: the distinct sorted elements of a JSON-list column over the group, as JSON."""
    return f"to_json(list_sort(list_distinct(flatten(list(from_json({column}, '{shape}')))))) as {column}"


_SQL = f"""
with ranked as (
    select * replace (coalesce(names, to_json([party_name])) as names),
           row_number() over (partition by party_id
                              order by action_rows desc, last_seen desc nulls last, party_record_id) as rank
    from party_records
)
select
    party_id,
    any_value(party_name) filter (where rank = 1) as party_name,
    any_value(party_kind) filter (where rank = 1) as party_kind,
    coalesce(any_value(party_country) filter (where rank = 1),
             case when count(distinct party_country) = 1 then any_value(party_country) end) as party_country,
    {_gathered("names")}, {_gathered("aliases")}, {_gathered("former_names")},
    {_gathered("identifiers", _IDENTIFIERS)},
    to_json(list_sort(list_distinct(list(party_country)))) as countries,
    to_json(list_sort(list_distinct(list(party_kind)))) as kinds,
    {_gathered("source_ids")}, {_gathered("action_ids")}, {_gathered("mentioned_in_action_ids")},
    to_json(list(party_record_id order by party_record_id)) as party_record_ids,
    count(*) as record_count,
    len(list_distinct(flatten(list(from_json(action_ids, '["VARCHAR"]'))))) as action_count
from ranked
group by party_id
order by party_id
"""


def party_rows(con: duckdb.DuckDBPyConnection, records: pd.DataFrame, party_of_record: list[str]) -> pd.DataFrame:
    """Aggregate party records (records.py columns; absent optional ones count as empty) by party."""
    table = pd.DataFrame(
        {
            "party_record_id": records["party_record_id"].astype(str),
            "party_id": party_of_record,
            "party_name": records["party_name"].astype(str),
            "party_kind": records["party_kind"].astype(str),
        }
    )
    table["party_country"] = records.get("party_country", None)
    table["names"] = records.get("names", None)
    for col in ("aliases", "former_names", "identifiers", "source_ids", "action_ids", "mentioned_in_action_ids"):
        table[col] = records[col].fillna("[]") if col in records else "[]"
    table["action_rows"] = records["action_rows"].fillna(0).astype("int64") if "action_rows" in records else 0
    table["last_seen"] = records.get("last_seen", None)
    con.register("party_records", table)
    try:
        return con.execute(_SQL).df()[list(PARTY_COLUMNS)]
    finally:
        con.unregister("party_records")
