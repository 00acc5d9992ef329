"""Several formats of one edition must publish the same rows: compare each file with the preferred one.

Rows are paired by (section, row ID), which within one edition is the same in every format. Text is
compared in folded form without spaces (the PDF wraps cells, the TXT may differ in case); everything else
exactly. Fields a format does not publish (the CSV's footnote texts and edition dates) are skipped.
"""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core.text import fold

TEXT_FIELDS = ("employer_name", "establishment", "footnote_text")
EXACT_FIELDS = (
    "footnote_mark",
    "tax_id",
    "tax_id_type",
    "fiscal_year",
    "uf",
    "workers_affected",
    "cnae",
    "decision_date",
    "inclusion_periods",
)
OPTIONAL_FIELDS = ("footnote_text", "periodic_update_date", "updated_date")
MAX_MESSAGES = 100


def _value(field: str, value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return fold(value).replace(" ", "") if field in TEXT_FIELDS else value


def _show(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "empty"
    return repr(value) if isinstance(value, str) else str(value)


def _primary_file(parsed: pd.DataFrame, preferred: tuple[str, ...]) -> str:
    files = parsed.drop_duplicates("source_file")[["source_file", "file_format"]]
    rank = {fmt: i for i, fmt in enumerate(preferred)}
    files = files.assign(rank=files["file_format"].map(lambda f: rank.get(f, len(rank))))
    return files.sort_values(["rank", "source_file"])["source_file"].iloc[0]


def compare_formats(parsed: pd.DataFrame, preferred: tuple[str, ...]) -> list[str]:
    """Messages naming every disagreeing row (capped at MAX_MESSAGES plus a count)."""
    if parsed.empty or parsed["source_file"].nunique() < 2:
        return []
    primary_name = _primary_file(parsed, preferred)
    primary = parsed[parsed["source_file"] == primary_name].set_index(["section", "row_id"])
    issues: list[str] = []
    for other_name, other in parsed[parsed["source_file"] != primary_name].groupby("source_file", sort=True):
        other = other.set_index(["section", "row_id"])
        where = f"{other_name} vs {primary_name}"
        for key in sorted(set(primary.index) - set(other.index)):
            issues.append(
                f"{where}: section {key[0]} row {key[1]} ({primary.at[key, 'source_locator']}) "
                f"is missing from {other_name}"
            )
        for key in sorted(set(other.index) - set(primary.index)):
            issues.append(
                f"{where}: section {key[0]} row {key[1]} ({other.at[key, 'source_locator']}) "
                f"is missing from {primary_name}"
            )
        for key in sorted(set(primary.index) & set(other.index)):
            a, b = primary.loc[key], other.loc[key]
            for field in TEXT_FIELDS + EXACT_FIELDS + OPTIONAL_FIELDS[1:]:
                va, vb = _value(field, a[field]), _value(field, b[field])
                if field in OPTIONAL_FIELDS and (va is None or vb is None):
                    continue
                if va != vb:
                    issues.append(
                        f"{where}: section {key[0]} row {key[1]} ({b['source_locator']} vs "
                        f"{a['source_locator']}): {field} {_show(b[field])} != {_show(a[field])}"
                    )
    if len(issues) > MAX_MESSAGES:
        issues = [*issues[:MAX_MESSAGES], f"... and {len(issues) - MAX_MESSAGES} more disagreements"]
    return issues
