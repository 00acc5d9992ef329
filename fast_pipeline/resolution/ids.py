"""Stable party IDs without stored state, and redirects for the IDs a merge supersedes.

Every record has a *singleton ID*: the ID its party would have if it were alone. It is the hash of its
most preferred identifier (CNPJ, CPF, IMO, the DOL country-and-good key, then other schemes), so that it
survives a change in how a source builds its record IDs and the renumbering of publisher rows; a record
without identifiers hashes its own `party_record_id` (itself stable, see core.ids). A party's ID is the
smallest singleton ID among its records, ranked the same way: `pty-<16 hex>`.

Because a party's ID is always one of its records' singleton IDs, and `party_redirects` maps the singleton
ID of every record whose party now has another ID, an ID handed out before a later merge still resolves:
look it up in `parties`, else in `party_redirects`. Nothing needs to be remembered between runs.

An identifier whose records end up in several parties (only a maintainer's "not same" can do that) names
none of them: it would not be unique.

The work is done in DuckDB over whole columns; `sql_stable_id` is `core.ids.stable_id` written in SQL
(a test keeps the two equal).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from fast_pipeline.resolution.identifiers import PREFERRED_SCHEMES, Identifier

_OTHER_RANK = len(PREFERRED_SCHEMES)
_RECORD_RANK = _OTHER_RANK + 1


def sql_stable_id(prefix: str, *parts: str) -> str:
    """SQL for `core.ids.stable_id(prefix, *parts)` (16 hex digits of sha256 over the \\x1f-joined parts)."""
    return f"'{prefix}-' || left(sha256(concat_ws(chr(31), {', '.join(parts)})), 16)"


_SQL = f"""
create or replace temp table members as
with identified as (
    select c.*, m.root from candidates as c join records as m using (rec)
),
ambiguous as (
    select scheme, value from identified group by scheme, value having count(distinct root) > 1
),
keys as (
    select rec, struct_pack(rank := rank, scheme := scheme, value := value) as k
    from identified anti join ambiguous using (scheme, value)
    union all
    select rec, struct_pack(rank := {_RECORD_RANK}, scheme := 'record', value := party_record_id) from records
),
singleton as (
    select rec, min(k) as k from keys group by rec
),
ranked as (
    select r.rec, r.party_record_id, r.root, s.k, min(s.k) over (partition by r.root) as party_k
    from records as r join singleton as s using (rec)
)
select rec, party_record_id, k, party_k,
       {sql_stable_id("pty", "party_k.scheme", "party_k.value")} as party_id
from ranked
"""

_REDIRECTS = f"""
select {sql_stable_id("pty", "k.scheme", "k.value")} as old_party_id, any_value(party_id) as party_id,
       min(party_record_id) as party_record_id
from members
where k <> party_k
group by k
order by old_party_id
"""


def assign(
    con: duckdb.DuckDBPyConnection, record_ids: list[str], roots: np.ndarray, identifiers: list[tuple[Identifier, ...]]
) -> None:
    """Create the temp table `members` (rec, party_record_id, party_id, ...) in `con`."""
    cand = [
        (i, PREFERRED_SCHEMES.index(x.scheme) if x.scheme in PREFERRED_SCHEMES else _OTHER_RANK, x.scheme, x.value)
        for i, ids in enumerate(identifiers)
        for x in ids
    ]
    candidates = pd.DataFrame(cand, columns=["rec", "rank", "scheme", "value"])
    candidates = candidates.astype({"rec": "int64", "rank": "int64"})
    records = pd.DataFrame(
        {"rec": np.arange(len(record_ids), dtype=np.int64), "party_record_id": record_ids, "root": roots}
    )
    con.register("candidates", candidates)
    con.register("records", records)
    con.execute(_SQL)
    con.unregister("candidates")
    con.unregister("records")


def redirects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Old ID -> party ID, for every record whose singleton ID is not its party's ID (a singleton ID
    shared by several records, an identifier's, is listed once, with the smallest record ID)."""
    return con.execute(_REDIRECTS).df()


def party_of_record(con: duckdb.DuckDBPyConnection) -> list[str]:
    return con.execute("select party_id from members order by rec").df()["party_id"].tolist()
