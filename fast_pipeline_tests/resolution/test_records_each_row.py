"""party_records sees each distinct saying once (records._sayings); the records must be those of seeing every
row on its own, on the real editions and on many editions of changing rows."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from fast_pipeline.core.canonical import to_json_list
from fast_pipeline.resolution import records as R


def _seen(row: dict) -> str:
    date = row.get("edition_date")
    return str(date)[:10] if date is not None and not pd.isna(date) else str(row["edition"])


def _every_row(actions: pd.DataFrame) -> pd.DataFrame:
    """The records of every row seen on its own, in the order seen: the reference."""
    rows = actions.assign(_seen=[_seen(r) for r in actions[["edition_date", "edition"]].to_dict("records")])
    rows = rows.sort_values(["_seen", "edition", "action_id"], kind="stable").to_dict("records")
    for row in rows:
        row["_rows"], row["_listed"] = 1, {f"{row['source_id']}/{row['edition']}"}
    return R.records_of(rows)


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
