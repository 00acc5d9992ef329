"""Parsed rows of one edition -> canonical `adverse_action` rows: one action per published row, a `listing`
in section I and a `conduct_agreement` in section II.

The natural key is `<CPF|CNPJ>:<digits>|<establishment>|<fiscal year>`, the establishment folded (case,
accents, punctuation and spaces dropped) so the mixed-case TXT, the upper-case CSV and a PDF's wrapped
lines give the same key. Chosen by comparing the five saved editions:
- the row ID is renumbered at every update, so it is never used;
- the inclusion periods grow when a court order re-includes an employer, and the first start date was
  reset for one re-included row (2024-12 vs 2026-01), so they are not used;
- the decision date was retyped between the hand-kept 2023 list and the 2024+ system export (Shox do
  Brasil: 18/03/2022 vs 17/03/2022) and is empty on court-ordered rows, so it is not used;
- tax ID + establishment + fiscal year keeps every listing that survives between editions, including
  re-inclusions; the one observed change of establishment text (a placeholder replaced by an address)
  does yield a new ID, the accepted cost of a readable key.
Collisions inside one edition (two inspections of one place in one year: CENTROALCOOL, DISNEY BARRETO
MESQUITA) add `|w<workers>`, and rows identical even in that add `|n<k>` in reading order; both are
deterministic for the same file. The same tax ID on several rows is several actions.
"""

from __future__ import annotations

import json

import pandas as pd

from fast_pipeline.core.canonical import conform, to_json_list, to_json_object
from fast_pipeline.core.ids import action_id, stable_id
from fast_pipeline.core.source import SourceMetadata
from fast_pipeline.core.text import fold

SCHEMES = {"CPF": "BR-CPF", "CNPJ": "BR-CNPJ"}
# Section I is the list proper; section II (until 2023: "PUBLICAÇÃO ... PREVISTA NO ARTIGO 5º, § 3º") named
# the employers who signed a conduct-adjustment (TAC) or judicial agreement, which the CEAC (br_mte_ceac)
# publishes separately since Portaria Interministerial MTE/MDHC/MIR nº 18/2024.
ACTION_TYPES = {"I": "listing", "II": "conduct_agreement"}
PARTY_KINDS = {"CPF": "person", "CNPJ": "company"}


def authority_on(day: str | None, metadata: SourceMetadata) -> str:
    """The ministry in office on the edition's date (source.yml `authority_history`), else the current one."""
    name = metadata.authority
    if day:
        for entry in sorted(metadata.extra.get("authority_history", []), key=lambda e: str(e["from"])):
            if str(entry["from"]) <= day:
                name = entry["name"]
    return name


def employer_fields(source_id: str, rec: dict) -> dict:
    """The employer's canonical party fields, the same on the lista suja and the CEAC (one row layout)."""
    scheme = SCHEMES[rec["tax_id_type"]]
    return {
        "party_record_id": stable_id("party", source_id, scheme, rec["tax_id"]),
        "party_name": rec["employer_name"],
        "party_kind": PARTY_KINDS[rec["tax_id_type"]],
        "party_identifiers": to_json_list([{"scheme": scheme, "value": rec["tax_id"]}]),
        "party_country": "BR",
        "party_address": rec["establishment"],
        "sector_code": rec["cnae"],
        "sector_scheme": "CNAE" if rec["cnae"] else None,
        "workers_affected": None if pd.isna(rec["workers_affected"]) else int(rec["workers_affected"]),
    }


def natural_keys(parsed: pd.DataFrame) -> pd.Series:
    place = parsed["establishment"].map(lambda s: fold(s).replace(" ", ""))
    year = parsed["fiscal_year"].map(lambda y: "" if pd.isna(y) else str(int(y)))
    keys = parsed["tax_id_type"] + ":" + parsed["tax_id"] + "|" + place + "|" + year
    clash = keys.duplicated(keep=False)
    workers = parsed["workers_affected"].map(lambda w: "" if pd.isna(w) else str(int(w)))
    keys = keys.where(~clash, keys + "|w" + workers)
    clash = keys.duplicated(keep=False)
    ordinal = keys.groupby(keys).cumcount() + 1
    return keys.where(~clash, keys + "|n" + ordinal.astype(str))


def normalise_rows(
    parsed: pd.DataFrame, edition: str, edition_date: str | None, metadata: SourceMetadata
) -> pd.DataFrame:
    sid = metadata.source_id
    keys = natural_keys(parsed)
    authority = authority_on(edition_date, metadata)
    rows = []
    for key, rec in zip(keys, parsed.to_dict("records")):
        periods = json.loads(rec["inclusion_periods"])
        for period in periods:  # "03/04/2020 a 11/02/2022 (I) e 11/02/2022 (II)": listed, then an agreement
            if "section" in period:
                period["action_type"] = ACTION_TYPES[period["section"]]
        footnote = {"mark": rec["footnote_mark"], "text": rec["footnote_text"]} if rec["footnote_mark"] else None
        rows.append(
            {
                "action_id": action_id(sid, key),
                "source_id": sid,
                "edition": edition,
                "edition_date": edition_date,
                "natural_key": key,
                "action_type": ACTION_TYPES[rec["section"]],
                "authority": authority,
                "jurisdiction": metadata.jurisdiction,
                "legal_basis": rec["legal_basis"],
                **employer_fields(sid, rec),
                "status_raw": f"Section {rec['section']}",
                "status": "active",
                "action_date": rec["decision_date"],
                "listed_date": periods[0]["start"],
                "details": to_json_object(
                    {
                        "section": rec["section"],
                        "section_title": rec["section_title"],
                        "row_id": int(rec["row_id"]),
                        "fiscal_year": None if pd.isna(rec["fiscal_year"]) else int(rec["fiscal_year"]),
                        "uf": rec["uf"],
                        "inclusion_periods": periods,
                        "inclusion_raw": rec["inclusion_raw"],
                        "footnote": footnote,
                        "tax_id_raw": rec["tax_id_raw"],
                    }
                ),
                "source_url": rec["source_url"],
                "source_sha256": rec["source_sha256"],
                "source_locator": rec["source_locator"],
            }
        )
    frame = pd.DataFrame(rows)
    frame["workers_affected"] = pd.array(frame["workers_affected"], dtype="Int64")
    return conform(frame)
