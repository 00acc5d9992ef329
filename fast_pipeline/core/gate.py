"""Publish gates: an edition that looks wrong is held back, and the release keeps the last good one.

Declared per source in `source.yml` (`gate:`): expected row range, the largest shrink allowed against the
previous published edition, and the fields every row must fill.
"""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core.source import Gate


def evaluate_gate(gate: Gate, actions: pd.DataFrame, previous_rows: int | None) -> list[str]:
    """Reasons the edition fails its gate (empty when it passes)."""
    reasons = []
    n = len(actions)
    if not gate.min_rows <= n <= gate.max_rows:
        reasons.append(f"{n} actions, outside the expected range {gate.min_rows}..{gate.max_rows}")
    if previous_rows:
        shrink = 1 - n / previous_rows
        if shrink > gate.max_shrink:
            reasons.append(
                f"{n} actions against {previous_rows} in the previous published edition: "
                f"a {shrink:.0%} shrink exceeds the allowed {gate.max_shrink:.0%}"
            )
    for field in gate.required_fields:
        if field not in actions.columns:
            reasons.append(f"required field {field!r} is missing")
            continue
        missing = int(actions[field].isna().sum())
        if missing:
            reasons.append(f"required field {field!r} is empty in {missing} row(s)")
    return reasons
