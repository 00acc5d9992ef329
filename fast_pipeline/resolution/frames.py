"""Reading the JSON-list columns and optional columns of record tables."""

from __future__ import annotations

import json

import pandas as pd


def json_list(text: object) -> list:
    """A JSON list column value as a list ("[]", empty and missing values give [] without parsing)."""
    if not isinstance(text, str) or text in ("", "[]"):
        return []
    value = json.loads(text)
    return value if isinstance(value, list) else []


def column(frame: pd.DataFrame, name: str, default) -> list:
    """A column as a list, with `default` for missing values, or for every row when the column is absent."""
    if name not in frame.columns:
        return [default] * len(frame)
    series = frame[name]
    return series.astype(object).where(series.notna(), default).tolist()
