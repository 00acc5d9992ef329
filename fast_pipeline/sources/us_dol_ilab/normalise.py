"""Parsed pairs -> canonical `goods_listing` actions: ONE action per (country, good) pair.

The exploitation types are fields of that action (status_raw in words, booleans in details), not separate
actions, so a pair whose flags change between editions is a change of one action, and a pair that leaves
the list is that action's removal. party_name is "<good as published> — <country as published>",
e.g. "Cotton — Uzbekistan"; the key is the country's ISO code and the folded good (see us_dol_common).
"""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core.canonical import to_json_object
from fast_pipeline.core.source import SourceMetadata
from fast_pipeline.sources.us_dol_common import actions_frame, good_key, pair_action

SECTOR_SCHEME = "ILAB_SECTOR"
FLAG_WORDS = (
    ("child_labor", "child labor"),
    ("forced_labor", "forced labor"),
    ("forced_child_labor", "forced child labor"),
    ("derived_labor_exploitation", "derived labor exploitation"),
)


def _known(value) -> bool | None:
    return None if pd.isna(value) else bool(value)


def status_words(row: dict) -> str:
    """The flags that are set, in DOL's words: "child labor; forced labor; forced child labor"."""
    return "; ".join(words for col, words in FLAG_WORDS if _known(row[col]))


def normalise_pairs(parsed: pd.DataFrame, edition: str, edition_date: str | None, meta: SourceMetadata) -> pd.DataFrame:
    rows = []
    for row in parsed.to_dict("records"):
        action = pair_action(meta, row, action_type="goods_listing", edition=edition, edition_date=edition_date)
        sector = row["good_sector"]
        action.update(
            sector_code=sector,
            sector_scheme=SECTOR_SCHEME if sector else None,
            status_raw=status_words(row),
            details=to_json_object(
                {
                    "child_labor": _known(row["child_labor"]),
                    "forced_labor": _known(row["forced_labor"]),
                    "forced_child_labor": _known(row["forced_child_labor"]),
                    "derived_labor_exploitation": _known(row["derived_labor_exploitation"]),
                    "derived_country": row["derived_country"],
                    "region": row["region"],
                    "country_as_published": row["country"],
                    "good_key": good_key(row["good"]),
                }
            ),
        )
        rows.append(action)
    return actions_frame(rows)
