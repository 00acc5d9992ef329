"""party_records sees each distinct saying once (records._sayings); the records must be those of seeing every
row, as the straightforward loop below does, on the real editions and on many editions of changing rows."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from fast_pipeline.core.canonical import PARTY_KINDS, to_json_list
from fast_pipeline.core.text import clean
from fast_pipeline.resolution import records as R
from fast_pipeline.resolution.frames import json_list


def _seen(row: dict) -> str:
    date = row.get("edition_date")
    return str(date)[:10] if date is not None and not pd.isna(date) else str(row["edition"])


def _every_row(actions: pd.DataFrame) -> pd.DataFrame:
    """The records as one `see` per row: the reference."""
    rows = actions.assign(_seen=[_seen(r) for r in actions[["edition_date", "edition"]].to_dict("records")])
    rows = rows.sort_values(["_seen", "edition", "action_id"], kind="stable")
    records: dict[str, R._Record] = {}
    for row in rows.to_dict("records"):
        rec = records.setdefault(row["party_record_id"], R._Record(row["party_record_id"]))
        country = row.get("party_country")
        country = None if country is None or pd.isna(country) else country
        aliases, former = json_list(row.get("party_aliases")), json_list(row.get("party_former_names"))
        rec.see(row["party_name"], row["party_kind"], country, row["_seen"], aliases, former)
        rec.sources.add(row["source_id"])
        rec.actions.add(row["action_id"])
        rec.listed_in.add(f"{row['source_id']}/{row['edition']}")
        rec.rows += 1
        for ident in json_list(row.get("party_identifiers")):
            rec.identifiers[(ident.get("scheme"), ident.get("value"))] = ident
        for rel in json_list(row.get("related_parties")):
            name = clean(rel.get("name")) if isinstance(rel, dict) else None
            if not name:
                continue
            rid = R.related_record_id(row["source_id"], name)
            sub = records.setdefault(rid, R._Record(rid))
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
                "relation": R.relation_of(raw),
                "relation_raw": raw,
            }
    out = pd.DataFrame([r.as_row() for r in records.values()], columns=list(R.RECORD_COLUMNS))
    out = out.astype({c: "int64" if c == "action_rows" else "string" for c in R.RECORD_COLUMNS})
    return out.sort_values("party_record_id", ignore_index=True)


# Related parties as the UFLPA and CBP lists name them (the saved editions here name few)
RELATED = [
    to_json_list([{"name": "Acme Sub Co.", "kind": "company", "relation": "subsidiary"}]),
    to_json_list([{"name": "Acme Sub Co.", "kind": "company", "relation": "affiliate", "country": "HK"}]),
    to_json_list(
        [
            {"name": "ACME SUB CO", "relation": "subsidiary", "identifiers": [{"scheme": "x", "value": "1"}]},
            {"name": "Vessel One", "kind": "vessel", "aliases": ["V1"], "former_names": ["Old One"]},
        ]
    ),
]


def test_the_real_editions_give_the_records_of_every_row(real_actions):
    pd.testing.assert_frame_equal(R.party_records(real_actions), _every_row(real_actions))


@pytest.mark.parametrize("seed", range(3))
def test_many_editions_of_changing_rows_give_the_records_of_every_row(real_actions, seed):
    """Forty editions of a sample of the real rows, each edition changing a few of them and changing some back
    (a name, a country, an identifier, a related party), some rows leaving and returning: the later row must
    win field by field and every list must gather, whichever edition said it."""
    rng = random.Random(seed)
    base = real_actions.groupby("source_id", group_keys=False).head(40).reset_index(drop=True)
    editions, current = [], base.copy()
    for n in range(40):
        current = current.copy()
        for i in rng.sample(range(len(current)), 6):
            column = rng.choice(
                [
                    "party_name",
                    "party_country",
                    "party_identifiers",
                    "related_parties",
                    "party_aliases",
                    "party_former_names",
                ]
            )
            values = [*RELATED, "[]"] if column == "related_parties" else base[column].dropna().tolist()
            values += ['["Old Name Ltd"]', '["Older Name"]'] if column == "party_former_names" else []
            current.loc[i, column] = rng.choice(values if column == "party_name" else [*values, None])
        kept = current.sample(frac=0.95, random_state=rng.randrange(10**6))
        day = f"2025-{1 + n // 28:02d}-{1 + n % 28:02d}"
        same_day = rng.random() < 0.2  # two editions published the same day: the edition label breaks the tie
        editions.append(kept.assign(edition=f"{day}_e{n}", edition_date=None if same_day else day))
    actions = pd.concat(editions, ignore_index=True)
    pd.testing.assert_frame_equal(R.party_records(actions), _every_row(actions))
