"""Canonical action rows -> party records: what each source says about each party, across its editions.

One record per `party_record_id` (a party as one source describes it), with the spelling of its latest
edition as its name and every spelling, alias, former name and identifier it was ever published with,
and `listed_in`, the "<source_id>/<edition>" lists that name it as an action's target: two records listed
side by side in one edition are, by the publisher's own account, two parties.

Related parties named inside an action (UFLPA subsidiaries, CBP co-targets, in `related_parties`) become
records of their own, so that they can be resolved against the parties listed in their own right: their
record ID is derived from the source and the folded name (the same subsidiary named under two parents
of one source is one record), and `related_to` keeps the parents with the relation the source states.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pandas as pd

from fast_pipeline.core.canonical import PARTY_KINDS, to_json_list
from fast_pipeline.core.ids import stable_id
from fast_pipeline.core.text import clean, fold
from fast_pipeline.resolution.frames import json_list

RECORD_COLUMNS = (
    "party_record_id",
    "source_ids",
    "party_name",
    "party_kind",
    "party_country",
    "names",
    "identifiers",
    "aliases",
    "former_names",
    "related_to",
    "action_ids",
    "mentioned_in_action_ids",
    "listed_in",
    "action_rows",
    "last_seen",
)


def related_record_id(source_id: str, name: str) -> str:
    return stable_id("party", source_id, "related", fold(name))


def relation_of(raw: object) -> str:
    """The link relation for a source's words: subsidiaries are `subsidiary_of`, anything else `related`."""
    return "subsidiary_of" if "subsidiar" in str(raw or "").lower() else "related"


class _Record:
    __slots__ = (
        "actions",
        "aliases",
        "country",
        "former",
        "identifiers",
        "kind",
        "last_seen",
        "listed_in",
        "mentioned",
        "name",
        "names",
        "related_to",
        "rid",
        "rows",
        "sources",
    )

    def __init__(self, rid: str):
        self.rid = rid
        self.sources: set[str] = set()
        self.name = self.kind = self.country = self.last_seen = None
        self.names: list[str] = []
        self.identifiers: dict[tuple, dict] = {}
        self.aliases: list[str] = []
        self.former: list[str] = []
        self.related_to: dict[tuple, dict] = {}
        self.actions: set[str] = set()
        self.mentioned: set[str] = set()
        self.listed_in: set[str] = set()
        self.rows = 0

    def see(self, name, kind, country, seen, aliases=(), former=()):
        """Fields of a later row win; lists accumulate."""
        self.name, self.kind, self.country, self.last_seen = name, kind, country, seen
        self.names.append(name)
        self.aliases += [a for a in (clean(x) for x in aliases) if a]
        self.former += [f for f in (clean(x) for x in former) if f]

    def as_row(self) -> dict:
        return {
            "party_record_id": self.rid,
            "source_ids": to_json_list(sorted(self.sources)),
            "party_name": self.name,
            "party_kind": self.kind,
            "party_country": self.country,
            "names": to_json_list(sorted(set(self.names))),
            "identifiers": to_json_list(self.identifiers[k] for k in sorted(self.identifiers, key=str)),
            "aliases": to_json_list(sorted(set(self.aliases))),
            "former_names": to_json_list(sorted(set(self.former))),
            "related_to": to_json_list(self.related_to[k] for k in sorted(self.related_to, key=str)),
            "action_ids": to_json_list(sorted(self.actions)),
            "mentioned_in_action_ids": to_json_list(sorted(self.mentioned)),
            "listed_in": to_json_list(sorted(self.listed_in)),
            "action_rows": self.rows,
            "last_seen": self.last_seen,
        }


def _seen(actions: pd.DataFrame) -> pd.Series:
    """When each row was seen: its edition's date (the day), else its edition's label."""
    dates = actions["edition_date"]
    return dates.astype("string").str.slice(0, 10).where(dates.notna(), actions["edition"].astype("string"))


# Everything the records take from a row, but its edition: rows equal in these say the same of a party.
SAYING = (
    "party_record_id",
    "source_id",
    "action_id",
    "party_name",
    "party_kind",
    "party_country",
    "party_aliases",
    "party_former_names",
    "party_identifiers",
    "related_parties",
)

RECORD_INPUTS = (*SAYING, "edition", "edition_date")  # every column of the actions that party_records reads


def _sayings(actions: pd.DataFrame) -> list[dict]:
    """The rows in the order they are seen (by edition date, edition, action), each saying once.

    Every edition repeats most of what the last one said, so the rows that say the same (SAYING) are taken
    once, at the place of the last of them, with how many there were (`_rows`) and the lists that carried
    them (`_listed`). Later rows win field by field and lists accumulate, so the records are those of
    seeing every row (a test compares the two), at a cost that follows the changes, not the editions."""
    rows = actions.assign(_seen=_seen(actions))
    rows = rows.sort_values(["_seen", "edition", "action_id"], kind="stable", ignore_index=True)
    rows["_saying"] = rows.groupby(list(SAYING), sort=False, dropna=False).ngroup()
    listed = rows["source_id"] + "/" + rows["edition"]
    by_saying = rows.groupby("_saying", sort=False)
    last = by_saying.tail(1)  # each saying's last row, in the order seen
    counts, lists = by_saying.size(), defaultdict(set)
    for saying, listing in zip(rows["_saying"].tolist(), listed.tolist()):  # agg(set): a Python call per group
        lists[saying].add(listing)
    sayings = last.to_dict("records")
    for saying in sayings:
        saying["_rows"], saying["_listed"] = int(counts[saying["_saying"]]), lists[saying["_saying"]]
    return sayings


def party_records(actions: pd.DataFrame) -> pd.DataFrame:
    """The party records of canonical action rows (any editions, any sources), one row per record."""
    return records_of(_sayings(actions))


def records_of(sayings: Iterable[dict]) -> pd.DataFrame:
    """The party records of rows in the order seen, each with `_seen`, `_rows` and `_listed` (_sayings)."""
    records: dict[str, _Record] = {}
    for row in sayings:
        rec = records.setdefault(row["party_record_id"], _Record(row["party_record_id"]))
        country = row.get("party_country")
        country = None if country is None or pd.isna(country) else country
        rec.see(
            row["party_name"],
            row["party_kind"],
            country,
            row["_seen"],
            json_list(row.get("party_aliases")),
            json_list(row.get("party_former_names")),
        )
        rec.sources.add(row["source_id"])
        rec.actions.add(row["action_id"])
        rec.listed_in |= row["_listed"]
        rec.rows += row["_rows"]
        for ident in json_list(row.get("party_identifiers")):
            rec.identifiers[(ident.get("scheme"), ident.get("value"))] = ident
        for rel in json_list(row.get("related_parties")):
            name = clean(rel.get("name")) if isinstance(rel, dict) else None
            if not name:
                continue
            rid = related_record_id(row["source_id"], name)
            sub = records.setdefault(rid, _Record(rid))
            kind = rel.get("kind") if rel.get("kind") in PARTY_KINDS else "company"
            sub.see(
                name,
                kind,
                rel.get("country") or country,
                row["_seen"],
                rel.get("aliases") or (),
                rel.get("former_names") or (),
            )
            sub.sources.add(row["source_id"])
            sub.mentioned.add(row["action_id"])
            for ident in rel.get("identifiers") or ():
                sub.identifiers[(ident.get("scheme"), ident.get("value"))] = ident
            raw = rel.get("relation")
            sub.related_to[(row["party_record_id"], raw)] = {
                "party_record_id": row["party_record_id"],
                "relation": relation_of(raw),
                "relation_raw": raw,
            }
    out = pd.DataFrame([r.as_row() for r in records.values()], columns=list(RECORD_COLUMNS))
    out = out.astype({c: "int64" if c == "action_rows" else "string" for c in RECORD_COLUMNS})
    return out.sort_values("party_record_id", ignore_index=True)
