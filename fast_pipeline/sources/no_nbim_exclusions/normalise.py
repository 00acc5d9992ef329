"""Parsed NBIM rows -> canonical actions: a `divestment` per exclusion, an `observation` per observation,
for the rows the scope rule keeps (source.yml `scope`); every other row is left out, and counted.

The firms are issuers (a listed company's legal name, e.g. "Li Ning Co Ltd"); the page gives no country
and no identifier, so `party_country` and `party_identifiers` stay empty and resolution links them to
other lists only on the evidence it records (resolution/). The natural key is the folded company name,
the decision and the Guidelines paragraph: a company moved from observation to exclusion is the end of one
action and the start of another. The publishing date is the decision's announcement date
(`action_date`, `listed_date`).
"""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core.canonical import conform, empty_actions, to_json_object
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.ids import action_id, name_key, stable_id
from fast_pipeline.core.source import SourceMetadata
from fast_pipeline.core.text import fold


def legal_basis(criterion: str, meta: SourceMetadata) -> str | None:
    """The Guidelines paragraph of an in-scope criterion, None for a criterion out of scope."""
    folded = fold(criterion)
    for rule in meta.extra["scope"]:
        if fold(rule["contains"]) in folded:
            return rule["legal_basis"]
    return None


def in_scope(parsed: pd.DataFrame, meta: SourceMetadata) -> pd.Series:
    return parsed["criterion"].map(lambda c: legal_basis(c, meta) is not None)


def normalise(parsed: pd.DataFrame, meta: SourceMetadata, edition: str, edition_date: str | None) -> pd.DataFrame:
    sid = meta.source_id
    types = meta.extra["decisions"]
    out, seen = [], {}
    for row in parsed[in_scope(parsed, meta)].to_dict("records"):
        basis = legal_basis(row["criterion"], meta)
        paragraph = basis.split(",")[-1].split(":")[0].strip()  # "§ 4 (a)"
        key = (name_key(row["company"]), row["decision"], paragraph)
        if key in seen:
            raise ParseError(
                sid, row["source_file"], f"{row['company']!r} appears twice ({seen[key]})", row["source_locator"]
            )
        seen[key] = row["source_locator"]
        out.append(
            {
                "action_id": action_id(sid, *key),
                "source_id": sid,
                "edition": edition,
                "edition_date": edition_date,
                "natural_key": "|".join(key),
                "action_type": types[row["decision"]],
                "authority": meta.authority,
                "jurisdiction": meta.jurisdiction,
                "legal_basis": basis,
                "party_record_id": stable_id("party", sid, key[0]),
                "party_name": row["company"],
                "party_kind": "company",
                "party_identifiers": "[]",
                "status_raw": row["decision"],
                "status": "active",
                "action_date": row["publishing_date"],
                "listed_date": row["publishing_date"],
                "details": to_json_object(
                    {
                        "category": row["category"],
                        "criterion": row["criterion"],
                        "notes": row["notes"],
                        "company_url": row["company_url"],
                        "publishing_date_raw": row["publishing_date_raw"],
                    }
                ),
                "source_url": row.get("source_url"),
                "source_sha256": row["source_sha256"],
                "source_locator": row["source_locator"],
            }
        )
    return conform(pd.DataFrame(out)) if out else empty_actions()
