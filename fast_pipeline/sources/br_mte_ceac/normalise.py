"""Parsed CEAC rows -> canonical `conduct_agreement` actions, one per published row.

The natural key is the lista suja's (tax ID, folded establishment, fiscal year; see
br_mte_lista_suja/normalise.py): the same inspection keeps its key from one version to the next, and the
row ID, renumbered at every version, is never used. `listed_date` is the CEAC inclusion date.
"""

from __future__ import annotations

import pandas as pd

from fast_pipeline.core.canonical import conform, to_json_object
from fast_pipeline.core.ids import action_id
from fast_pipeline.core.source import SourceMetadata
from fast_pipeline.sources.br_mte_lista_suja.normalise import employer_fields, natural_keys


def normalise_rows(parsed: pd.DataFrame, edition: str, edition_date: str | None, meta: SourceMetadata) -> pd.DataFrame:
    sid = meta.source_id
    rows = []
    for key, rec in zip(natural_keys(parsed), parsed.to_dict("records")):
        rows.append(
            {
                "action_id": action_id(sid, key),
                "source_id": sid,
                "edition": edition,
                "edition_date": edition_date,
                "natural_key": key,
                "action_type": "conduct_agreement",
                "authority": meta.authority,
                "jurisdiction": meta.jurisdiction,
                "legal_basis": meta.extra["legal_basis"],
                **employer_fields(sid, rec),
                "status_raw": None,
                "status": "active",
                "action_date": rec["decision_date"],
                "listed_date": rec["ceac_date"],
                "details": to_json_object(
                    {
                        "row_id": int(rec["row_id"]),
                        "fiscal_year": None if pd.isna(rec["fiscal_year"]) else int(rec["fiscal_year"]),
                        "uf": rec["uf"],
                        "agreement": rec["agreement"],
                        "cadastro_inclusion_raw": rec["cadastro_inclusion_raw"],
                        "ceac_date_column": rec["ceac_date_column"],
                        "layout": rec["layout"],
                        "tax_id_raw": rec["tax_id_raw"],
                    }
                ),
                "source_url": rec.get("source_url"),
                "source_sha256": rec["source_sha256"],
                "source_locator": rec["source_locator"],
            }
        )
    frame = pd.DataFrame(rows)
    frame["workers_affected"] = pd.array(frame["workers_affected"], dtype="Int64")
    return conform(frame)
