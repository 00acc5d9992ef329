"""Publish gates: an edition that looks wrong is held back, and the release keeps the last good one.

Declared per source in `source.yml` (`gate:`): expected row range, the largest shrink allowed against the
previous published edition, the fields every row must fill, and, per kind of update, the largest share of
the previous edition's actions that may vanish (`max_removed_share`). The count alone cannot tell a
truncated file from a real update: a list cut at a row boundary shrinks less than a periodic update
legitimately removes, but far more than an interim one does. So the source says what kind of update an
edition is (`Source.update_kind`) and the gate judges its removals against that kind.
"""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core.source import Gate, Source


def judge_edition(
    source: Source,
    parsed: pd.DataFrame,
    actions: pd.DataFrame,
    as_of_date: str | None,
    previous: dict | None,
    previous_ids: set[str] | None,
) -> tuple[str | None, list[str]]:
    """(kind of update, gate reasons) of one edition against the previous published one.

    `previous`: that edition's raw.editions row (`action_rows`, `as_of_date`), None for a source's first.
    """
    kind = source.update_kind(parsed, as_of_date, previous and previous["as_of_date"])
    rows = previous and previous["action_rows"]
    return kind, evaluate_gate(source.metadata.gate, actions, rows, previous_ids=previous_ids, kind=kind)


def evaluate_gate(
    gate: Gate,
    actions: pd.DataFrame,
    previous_rows: int | None,
    *,
    previous_ids: set[str] | None = None,
    kind: str | None = None,
) -> list[str]:
    """Reasons the edition fails its gate (empty when it passes).

    `previous_ids`: action IDs of the previous published edition; `kind`: this edition's kind of update.
    """
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
    if previous_ids and gate.max_removed_share:
        reasons += _removal_reasons(gate, actions, previous_ids, kind)
    for field in gate.required_fields:
        if field not in actions.columns:
            reasons.append(f"required field {field!r} is missing")
            continue
        missing = int(actions[field].isna().sum())
        if missing:
            reasons.append(f"required field {field!r} is empty in {missing} row(s)")
    return reasons


def _removal_reasons(gate: Gate, actions: pd.DataFrame, previous_ids: set[str], kind: str | None) -> list[str]:
    if kind not in gate.max_removed_share:
        declared = ", ".join(sorted(gate.max_removed_share))
        return [f"kind of update {kind!r} has no removal rule (declared: {declared})"]
    removed = len(previous_ids - set(actions["action_id"]))
    share, limit = removed / len(previous_ids), gate.max_removed_share[kind]
    if share <= limit:
        return []
    return [
        f"{removed} of {len(previous_ids)} actions of the previous published edition removed ({share:.1%}), "
        f"out of character for its kind of update ({kind}: at most {limit:.0%}); a truncated or partial file?"
    ]
