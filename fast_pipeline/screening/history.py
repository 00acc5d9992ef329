"""Which actions were in force on a date, from the release's action history (SCD type 2).

An action is in force on D when one of its history versions covers D: from its start (the publisher's listed,
effective or action date for the first version, since the list was in force before we first saw it; the
edition date for a later one) up to, not including, the date the version was closed by a removal. An
official end date on or before D ends it too. `--as-of` screening uses this; without a date, "in force"
means the release's current status.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

IN_FORCE_STATUSES = frozenset({"active", "modified"})


class History:
    def __init__(self, actions: list[dict], history: list[dict]):
        self.actions = {a["action_id"]: a for a in actions}
        versions: dict[str, list[dict]] = defaultdict(list)
        for row in history:
            versions[row["action_id"]].append(row)
        self.intervals: dict[str, list[tuple[date | None, date | None]]] = {}
        for action_id, rows in versions.items():
            rows.sort(key=lambda r: r["version"])
            spans = []
            for i, row in enumerate(rows):
                start = row["valid_from_date"]
                if i == 0:
                    start = row["listed_date"] or row["effective_date"] or row["action_date"] or start
                # a version closed by a change is continued by the next one; only a removal ends it
                end = row["valid_to_date"] if row["closed_by"] == "removed" else None
                spans.append((start, end))
            self.intervals[action_id] = _merge(spans)

    def in_force(self, action_id: str, on: date | None) -> bool:
        action = self.actions[action_id]
        if on is None:
            return action["status"] in IN_FORCE_STATUSES and not action["removed_in_edition"]
        ended = action["ended_date"]
        if ended is not None and ended <= on:
            return False
        spans = self.intervals.get(action_id)
        if not spans:  # no history row: the current record's dates alone
            start = action["listed_date"] or action["effective_date"] or action["action_date"]
            removed = action["removed_date"]
            return (start is None or start <= on) and (removed is None or on < removed)
        return any((s is None or s <= on) and (e is None or on < e) for s, e in spans)

    def known_on(self, action_id: str, on: date | None) -> bool:
        """Whether the action existed by D at all (listed on or before it), in force or not."""
        if on is None:
            return True
        spans = self.intervals.get(action_id) or []
        return any(s is None or s <= on for s, _ in spans) or not spans


def _merge(spans: list[tuple[date | None, date | None]]) -> list[tuple[date | None, date | None]]:
    """Consecutive versions of one listing period made one span (start of the first, end of the last)."""
    merged: list[tuple[date | None, date | None]] = []
    for start, end in spans:
        if merged and merged[-1][1] is None:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
