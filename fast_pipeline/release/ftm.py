"""A FollowTheMoney export of the actions, so the release loads into tools built around that model (yente,
Aleph, nomenklatura; OpenSanctions' `entities.ftm.json` convention: one `{"id", "schema", "properties"}`
object per line). What a consumer indexing it concludes must be true today, so every measure says whether
it still holds:

- every targeted party becomes one entity (Company, Person, Organization, Vessel; a region a Territory),
  keyed by its resolved `party_id`, else by the source's `party_record_id`; its properties gather every
  name, alias, address and identifier its actions give it. A party with an action in force has the topic
  `forced.labor`; a party whose actions have all ended or been removed has none;
- every action on a party becomes a `Sanction` pointing at it, keyed by its `action_id`, with the
  normalised `status` (active, inactive, revoked, modified, removed), `startDate`, and an `endDate`: the
  official end where the publisher gives one, else, for an action no longer listed, the as-of date of the
  first edition without it, marked as derived in `description`;
- an action listed over several periods (Brazil's `details.inclusion_periods`, e.g. removed by a court
  injunction and re-included) becomes one Sanction per period: the latest keeps the `action_id`, earlier
  ones are `<action_id>-<start date>`, each with its own start and end, and its own provisions where the
  period names its action type (section I of the lista suja, then section II: a listing, then a conduct
  agreement);
- a goods listing (a `country_good` party: a good from a country, not a party) becomes a `Risk` (a flag,
  not a binding measure) on the Territory of that country, naming the good; one Territory per country;
- the other action types read as FtM has them (`MEASURES`): a conduct agreement (Brazil's CEAC and the
  lista suja's section II) is a Sanction with provisions "conduct agreement" and a reason saying it is not
  the list proper: the employer was found using work analogous to slavery and is bound by a TAC or a
  judicial agreement, a binding measure with a term; a divestment (NBIM exclusion) is a Sanction with
  provisions "divestment", the investor's measure against the issuer; an observation (NBIM) is a Risk, a
  watch with no measure attached. The topic `forced.labor` goes on a party only through the action types
  of the forced-labour lists; an investor's exclusion or observation (criteria wider than forced labour)
  adds none.
Properties are sorted and de-duplicated, entities sorted by ID: the same table gives the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import duckdb
import pycountry

from fast_pipeline.release.tables import sql_text

DESCRIPTION = (
    "The actions as FollowTheMoney entities (one JSON object per line): each targeted party as "
    "Company, Person, Organization, Vessel or Territory, with the topic forced.labor while an action "
    "on it is in force; each action on a party as a Sanction (one per listing period) with its "
    "normalised status, start date and end date (official, or derived from the edition the action "
    "vanished in, as its description says); each goods listing as a Risk on the Territory of its "
    "country; a conduct agreement as a Sanction (provisions 'conduct agreement'), an investor's "
    "divestment as a Sanction (provisions 'divestment') and an observation as a Risk."
)
SCHEMATA = {
    "company": "Company",
    "person": "Person",
    "organisation": "Organization",
    "vessel": "Vessel",
    "region": "Territory",
}
IN_FORCE = {"active", "modified"}  # normalised statuses of a measure that still holds
# action type -> (measure schema, provisions, reason); types not named are Sanctions with their own name
MEASURES = {
    "conduct_agreement": (
        "Sanction",
        "conduct agreement",
        "Employer under a conduct-adjustment agreement (TAC) or judicial agreement after a finding of work "
        "analogous to slavery; published apart from the list proper",
    ),
    "divestment": ("Sanction", "divestment", "Excluded from the investor's portfolio"),
    "observation": ("Risk", None, "Placed under observation by the investor"),
}
NOT_FORCED_LABOUR = {"divestment", "observation"}  # an investor's criteria are wider than forced labour
# identifier scheme -> property; schemes are matched on their last part (BR-CNPJ -> CNPJ)
ID_PROPERTIES = {
    "CNPJ": "taxNumber",
    "CPF": "taxNumber",
    "TAX": "taxNumber",
    "TIN": "taxNumber",
    "IMO": "imoNumber",
    "MMSI": "mmsi",
}


def _identifier_property(scheme: str, schema: str) -> str | None:
    if schema == "Territory":
        return None  # a region's identifiers (e.g. the DOL country-and-good key) are not territory codes
    prop = ID_PROPERTIES.get(str(scheme).upper().rsplit("-", 1)[-1], "registrationNumber")
    if schema == "Vessel" and prop == "taxNumber":
        return "registrationNumber"
    if schema != "Vessel" and prop in ("imoNumber", "mmsi"):
        return "registrationNumber"
    return prop


def _add(props: dict[str, set], name: str | None, value) -> None:
    if value is None or name is None:
        return
    text = str(value).strip()
    if text:
        props[name].add(text)


def _party(row: dict, schema: str, props: dict[str, set]) -> None:
    _add(props, "name", row["party_name"])
    for alias in row["party_aliases"] or []:
        _add(props, "alias", alias)
    for former in row["party_former_names"] or []:
        _add(props, "previousName", former)
    if row["party_country"]:
        _add(props, "country", row["party_country"].lower())
    if schema != "Territory":
        _add(props, "address", row["party_address"])
    for ident in row["party_identifiers"] or []:
        _add(props, _identifier_property(ident.get("scheme") or "", schema), ident.get("value"))
    if row["status"] in IN_FORCE and row["action_type"] not in NOT_FORCED_LABOUR:
        _add(props, "topics", "forced.labor")


def _territory_id(country: str) -> str:
    return f"territory-{country.lower()}"


def _territory(country: str) -> dict[str, set]:
    found = pycountry.countries.get(alpha_2=country.upper())
    props: dict[str, set] = defaultdict(set)
    _add(props, "name", getattr(found, "name", country.upper()))
    _add(props, "country", country.lower())
    _add(props, "territoryCode", country.lower())
    return props


def _periods(row: dict) -> list[tuple[str, str | None, str]]:
    """(start, official end, action type) of each listing period the publisher states, oldest first; a
    period may name its own action type (a lista suja employer listed in section I, then under an
    agreement in section II)."""
    details = json.loads(row["details"]) if row["details"] else {}
    periods = details.get("inclusion_periods") or []
    return sorted(
        (p["start"], p.get("end"), p.get("action_type") or row["action_type"])
        for p in periods
        if isinstance(p, dict) and p.get("start")
    )


def _end(row: dict) -> tuple[str | None, str | None]:
    """The action's end date and, when it is derived rather than published, the note saying how."""
    if row["ended_date"]:
        return row["ended_date"], None
    if row["removed_in_edition"] and row["removed_date"]:
        return row["removed_date"], (
            f"endDate derived: the action is not in the publisher's edition {row['removed_in_edition']} "
            f"(as of {row['removed_date']}), the first without it; the publisher states no end date"
        )
    return None, None


def _measure(row: dict, entity_id: str, schema: str) -> dict[str, set]:
    props: dict[str, set] = defaultdict(set)
    _add(props, "entity", entity_id)
    _add(props, "authority", row["authority"])
    _add(props, "country", (row["jurisdiction"] or "").lower())
    _add(props, "program", row["legal_basis"])
    _add(props, "status", row["status"])
    _add(props, "date", row["action_date"])
    _add(props, "sourceUrl", row["source_url"])
    _add(props, "recordId", row["natural_key"])
    _, provisions, reason = MEASURES.get(row["action_type"], (None, row["action_type"].replace("_", " "), None))
    if schema == "Sanction":
        _add(props, "provisions", provisions)
        _add(props, "reason", reason)
    elif row["party_kind"] != "country_good":
        _add(props, "reason", reason)
    else:
        _add(props, "summary", row["party_name"])
        _add(props, "reason", f"{row['goods']}: {row['status_raw']}" if row["status_raw"] else row["goods"])
        _add(props, "topics", "forced.labor")
    return props


def measures(row: dict, entity_id: str) -> dict[str, tuple[str, dict[str, set]]]:
    """id -> (schema, properties) of the Sanctions (or Risk) one action row becomes."""
    schema = "Risk" if row["party_kind"] == "country_good" else MEASURES.get(row["action_type"], ("Sanction",))[0]
    end, derived = _end(row)
    published_status = f"status as published: {row['status_raw']}" if row["status_raw"] else None
    periods = _periods(row)
    if not periods:
        props = _measure(row, entity_id, schema)
        _add(props, "listingDate", row["listed_date"])
        _add(props, "startDate", row["effective_date"] or row["listed_date"] or row["action_date"])
        _add(props, "endDate", end)
        _add(props, "description", ". ".join(filter(None, [published_status, derived])) or None)
        return {row["action_id"]: (schema, props)}
    out = {}
    for n, (start, period_end, action_type) in enumerate(periods, 1):
        latest = n == len(periods)
        props = _measure({**row, "action_type": action_type}, entity_id, schema)
        _add(props, "listingDate", start)
        _add(props, "startDate", start)
        note = None
        if period_end:
            _add(props, "endDate", period_end)
        elif latest:
            _add(props, "endDate", end)
            note = derived
        if not latest:
            props["status"] = {"inactive"} if period_end else set(props["status"])
        period = f"listing period {n} of {len(periods)}" if len(periods) > 1 else None
        _add(props, "description", ". ".join(filter(None, [published_status, period, note])) or None)
        out[row["action_id"] if latest else f"{row['action_id']}-{start}"] = (schema, props)
    return out


def entities(rows: list[dict]) -> list[dict]:
    """FtM entities for the action rows: parties, territories, and the measures on them."""
    things: dict[str, tuple[str, dict[str, set]]] = {}
    for row in rows:
        if row["party_kind"] == "country_good":
            entity_id = _territory_id(row["party_country"])
            things.setdefault(entity_id, ("Territory", _territory(row["party_country"])))
        else:
            schema = SCHEMATA[row["party_kind"]]
            entity_id = row.get("party_id") or row["party_record_id"]
            _party(row, schema, things.setdefault(entity_id, (schema, defaultdict(set)))[1])
        things.update(measures(row, entity_id))
    return [
        {"id": i, "schema": s, "properties": {k: sorted(v) for k, v in sorted(p.items()) if v}}
        for i, (s, p) in sorted(things.items())
    ]


def write(adverse_actions_parquet: Path, path: Path) -> dict[str, int]:
    """Write the FtM lines for the release's adverse_actions table; return counts by schema."""
    con = duckdb.connect()
    try:
        rows = (
            con.sql(f"select * from read_parquet({sql_text(adverse_actions_parquet)}) order by action_id")
            .to_arrow_table()
            .to_pylist()
        )
    finally:
        con.close()
    for row in rows:
        for col in ("listed_date", "effective_date", "action_date", "ended_date", "removed_date"):
            row[col] = row[col].isoformat() if row[col] is not None else None
    out = entities(rows)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for entity in out:
            f.write(json.dumps(entity, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    counts: dict[str, int] = defaultdict(int)
    for entity in out:
        counts[entity["schema"]] += 1
    return dict(sorted(counts.items()))
