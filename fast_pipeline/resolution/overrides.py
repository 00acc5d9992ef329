"""A maintainer's "same" / "not same" judgements, kept in `dbt_project/seeds/party_overrides.csv`.

Each row names two sides, each by `party_record_id` (exact) or, when that is empty, by name (every
record that was published under that name, compared folded). The name beside an ID is only there for
the reader. Judgements win over every automatic rule: "same" merges the two sides before any rule runs;
"not_same" keeps them in different parties whatever identifiers, aliases or names say. A file that
contradicts itself ("same" chains joining two sides judged "not_same") is refused, as is a row without a
reason and an author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fast_pipeline.settings import DBT_PROJECT_DIR

OVERRIDES_PATH = DBT_PROJECT_DIR / "seeds" / "party_overrides.csv"
OVERRIDE_COLUMNS = (
    "left_party_record_id",
    "left_name",
    "right_party_record_id",
    "right_name",
    "judgement",
    "reason",
    "author",
    "decided_on",
)
JUDGEMENTS = ("same", "not_same")


class OverrideError(ValueError):
    """The override file is malformed or contradicts itself."""


@dataclass(frozen=True)
class Override:
    row: int  # 1-based data row in the file, for messages
    left_id: str
    left_name: str
    right_id: str
    right_name: str
    judgement: str
    reason: str
    author: str
    decided_on: str

    @property
    def evidence(self) -> str:
        return f"maintainer judgement: {self.reason} ({self.author}, {self.decided_on})"

    def describe(self) -> str:
        left = self.left_id or repr(self.left_name)
        right = self.right_id or repr(self.right_name)
        return f"override row {self.row} ({left} {self.judgement} {right})"


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def read_overrides(frame: pd.DataFrame | None) -> list[Override]:
    """Validated judgements of an override table (the seed as read by dbt, or the CSV)."""
    if frame is None or frame.empty:
        return []
    missing = [c for c in OVERRIDE_COLUMNS if c not in frame.columns]
    if missing:
        raise OverrideError(f"party overrides lack column(s) {missing}")
    out = []
    for n, row in enumerate(frame[list(OVERRIDE_COLUMNS)].to_dict("records"), 1):
        o = Override(n, *(_text(row[c]) for c in OVERRIDE_COLUMNS))
        problems = []
        if o.judgement not in JUDGEMENTS:
            problems.append(f"judgement {o.judgement!r} is not one of {JUDGEMENTS}")
        if not (o.left_id or o.left_name) or not (o.right_id or o.right_name):
            problems.append("each side needs a party_record_id or a name")
        if (o.left_id and o.left_id == o.right_id) or (
            not o.left_id and not o.right_id and o.left_name == o.right_name
        ):
            problems.append("both sides are the same")
        if not o.reason or not o.author:
            problems.append("reason and author are required")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", o.decided_on):
            problems.append(f"decided_on {o.decided_on!r} is not a YYYY-MM-DD date")
        if problems:
            raise OverrideError(f"{o.describe()}: " + "; ".join(problems))
        out.append(o)
    return out


def load_overrides(path: Path = OVERRIDES_PATH) -> list[Override]:
    return read_overrides(pd.read_csv(path, dtype=str, keep_default_na=False))
