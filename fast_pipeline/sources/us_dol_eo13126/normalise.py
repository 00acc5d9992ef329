"""Parsed pairs -> canonical `procurement_exclusion` actions, one per (country, product) pair.

Federal contractors supplying a listed product from a listed country must certify a good-faith effort to
find out whether forced or indentured child labour was used (FAR 22.1503). The list publishes no status
or dates, so status is "active" and status_raw stays empty. Naming and keys as in us_dol_common.
"""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core.canonical import to_json_object
from fast_pipeline.core.source import SourceMetadata
from fast_pipeline.sources.us_dol_common import actions_frame, good_key, pair_action

EXPLOITATION = "forced or indentured child labor"


def normalise_pairs(parsed: pd.DataFrame, edition: str, edition_date: str | None, meta: SourceMetadata) -> pd.DataFrame:
    rows = []
    for row in parsed.to_dict("records"):
        action = pair_action(meta, row, action_type="procurement_exclusion", edition=edition, edition_date=edition_date)
        action["details"] = to_json_object(
            {"exploitation": EXPLOITATION, "country_as_published": row["country"], "good_key": good_key(row["good"])}
        )
        rows.append(action)
    return actions_frame(rows)
