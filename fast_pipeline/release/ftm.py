"""A FollowTheMoney export of the actions, so the release loads into tools built around that model
(OpenSanctions' `entities.ftm.json` convention: one `{"id", "schema", "properties"}` object per line).

- every targeted party becomes one entity (Company, Person, Organization or Vessel), keyed by its
  resolved `party_id` when the release has one, else by the source's `party_record_id`; its properties
  gather every name, alias, address and identifier the actions give it;
- every action becomes a `Sanction` pointing at that entity, keyed by its `action_id`.
FollowTheMoney has no schema for a (country, good) pair or a region, so actions on such targets
(`country_good`, `region`) are left out of this file (they are in every table); `write` reports how many.
Properties are sorted and de-duplicated, entities sorted by ID: the same table gives the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import duckdb

SCHEMATA = {"company": "Company", "person": "Person", "organisation": "Organization", "vessel": "Vessel"}
# identifier scheme -> property; schemes are matched on their last part (BR-CNPJ -> CNPJ)
ID_PROPERTIES = {"CNPJ": "taxNumber", "CPF": "taxNumber", "TAX": "taxNumber", "TIN": "taxNumber",
                 "IMO": "imoNumber", "MMSI": "mmsi"}


def _identifier_property(scheme: str, schema: str) -> str:
    prop = ID_PROPERTIES.get(str(scheme).upper().rsplit("-", 1)[-1], "registrationNumber")
    if schema == "Vessel" and prop == "taxNumber":
        return "registrationNumber"
    if schema != "Vessel" and prop in ("imoNumber", "mmsi"):
        return "registrationNumber"
    return prop


def _add(props: dict[str, set], name: str, value) -> None:
    if value is None:
        return
    text = str(value).strip()
    if text:
        props[name].add(text)


def _party(row: dict, schema: str, props: dict[str, set]) -> None:
    _add(props, "name", row["party_name"])
    for alias in json.loads(row["party_aliases"] or "[]"):
        _add(props, "alias", alias)
    for former in json.loads(row["party_former_names"] or "[]"):
        _add(props, "previousName", former)
    if row["party_country"]:
        _add(props, "country", row["party_country"].lower())
    _add(props, "address", row["party_address"])
    for ident in json.loads(row["party_identifiers"] or "[]"):
        _add(props, _identifier_property(ident.get("scheme", ""), schema), ident.get("value"))


def _sanction(row: dict, entity_id: str) -> dict[str, set]:
    props: dict[str, set] = defaultdict(set)
    _add(props, "entity", entity_id)
    _add(props, "authority", row["authority"])
    _add(props, "country", (row["jurisdiction"] or "").lower())
    _add(props, "program", row["legal_basis"])
    _add(props, "provisions", row["action_type"].replace("_", " "))
    _add(props, "status", row["status_raw"] or row["status"])
    _add(props, "listingDate", row["listed_date"])
    _add(props, "startDate", row["effective_date"] or row["listed_date"] or row["action_date"])
    _add(props, "date", row["action_date"])
    _add(props, "endDate", row["ended_date"])
    _add(props, "sourceUrl", row["source_url"])
    _add(props, "recordId", row["natural_key"])
    return props


def entities(rows: list[dict]) -> tuple[list[dict], int]:
    """FtM entities for the action rows, and the number of actions FtM cannot represent."""
    parties: dict[str, tuple[str, dict[str, set]]] = {}
    sanctions: dict[str, dict[str, set]] = {}
    skipped = 0
    for row in rows:
        schema = SCHEMATA.get(row["party_kind"])
        if schema is None:
            skipped += 1
            continue
        entity_id = row.get("party_id") or row["party_record_id"]
        _, props = parties.setdefault(entity_id, (schema, defaultdict(set)))
        _party(row, schema, props)
        sanctions[row["action_id"]] = _sanction(row, entity_id)
    out = [{"id": i, "schema": s, "properties": p} for i, (s, p) in parties.items()]
    out += [{"id": i, "schema": "Sanction", "properties": p} for i, p in sanctions.items()]
    for entity in out:
        entity["properties"] = {k: sorted(v) for k, v in sorted(entity["properties"].items())}
    return sorted(out, key=lambda e: e["id"]), skipped


def write(adverse_actions_parquet: Path, path: Path) -> dict[str, int]:
    """Write the FtM lines for the release's adverse_actions table; return counts by schema."""
    con = duckdb.connect()
    try:
        cur = con.execute("select * from read_parquet(?) order by action_id", [str(adverse_actions_parquet)])
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()
    for row in rows:
        for col in ("listed_date", "effective_date", "action_date", "ended_date"):
            row[col] = row[col].isoformat() if row[col] is not None else None
    out, skipped = entities(rows)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for entity in out:
            f.write(json.dumps(entity, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    counts: dict[str, int] = defaultdict(int)
    for entity in out:
        counts[entity["schema"]] += 1
    return {**dict(sorted(counts.items())), "actions_not_representable": skipped}
