"""Parsed CBP orders -> canonical actions: one `withhold_release_order` or `finding` per published row.

Natural key: (order type, country code, effective date, folded Entity text, or the folded merchandise for a
country-wide order without entity). These are the order's own words, stable across files and across the CSV
and HTML forms; no row number is used. Two orders sharing that key (same target, same day) are told apart by
their merchandise; if even that is equal the edition fails rather than merging them.
"""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pycountry

from fast_pipeline.core.canonical import conform, empty_actions, to_json_list, to_json_object
from fast_pipeline.core.entity_names import name_kind
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.ids import action_id, name_key, stable_id
from fast_pipeline.core.source import SourceMetadata


def _key(row: dict) -> tuple[str, ...]:
    target = name_key(row["entity_raw"] or "") or f"merchandise {name_key(row['merchandise'] or '')}"
    return (row["action_kind"], row["country_code"] or name_key(row["country"] or ""), row["effective_date"], target)


def _keys(rows: list[dict], meta: SourceMetadata) -> list[tuple[str, ...]]:
    base = [_key(r) for r in rows]
    counts = Counter(base)
    keys = [(*k, name_key(r["merchandise"] or "")) if counts[k] > 1 else k for k, r in zip(base, rows)]
    seen: dict[tuple[str, ...], str] = {}
    for key, row in zip(keys, rows):
        if key in seen:
            raise ParseError(
                meta.source_id,
                row["source_file"],
                f"same order published twice (also at {seen[key]}): {' | '.join(key)}",
                row["source_locator"],
            )
        seen[key] = row["source_locator"]
    return keys


def _country_wide(row: dict) -> dict:
    name = row["country"] or getattr(pycountry.countries.get(alpha_2=row["country_code"]), "name", row["country_code"])
    return {
        "name": name,
        "kind": "region",
        "aliases": [],
        "former_names": [],
        "scope": "country-wide",
        "subsidiaries": [],
    }


def _related(primary: dict, others: list[dict]) -> list[dict]:
    related = [
        {
            "name": p["name"],
            "kind": p["kind"],
            "relation": "co_target",
            "aliases": p["aliases"],
            "former_names": p["former_names"],
            "scope": p["scope"],
        }
        for p in others
    ]
    for owner in [primary, *others]:
        for sub in owner["subsidiaries"]:
            entry = {
                "name": sub["name"],
                "kind": name_kind(sub["name"]),
                "relation": "subsidiary",
                "aliases": sub["aliases"],
                "former_names": sub["former_names"],
            }
            if owner is not primary:
                entry["parent"] = owner["name"]
            related.append(entry)
    return related


def normalise(parsed: pd.DataFrame, meta: SourceMetadata, edition: str, edition_date: str | None) -> pd.DataFrame:
    rows = parsed.to_dict("records")
    out = []
    for row, key in zip(rows, _keys(rows, meta)):
        parties = json.loads(row["parties"])
        primary = parties[0] if parties else _country_wide(row)
        out.append(
            {
                "action_id": action_id(meta.source_id, *key),
                "source_id": meta.source_id,
                "edition": edition,
                "edition_date": edition_date,
                "natural_key": " | ".join(key),
                "action_type": row["action_kind"],
                "authority": meta.authority,
                "jurisdiction": meta.jurisdiction,
                "legal_basis": meta.extra["legal_basis"],
                "party_record_id": stable_id(
                    "party", meta.source_id, primary["kind"], row["country_code"], name_key(primary["name"])
                ),
                "party_name": primary["name"],
                "party_kind": primary["kind"],
                "party_identifiers": "[]",
                "party_aliases": to_json_list(primary["aliases"]),
                "party_former_names": to_json_list(primary["former_names"]),
                "related_parties": to_json_list(_related(primary, parties[1:])),
                "party_country": row["country_code"],
                "goods": row["merchandise"],
                "sector_code": row["industry"],
                "sector_scheme": "CBP_INDUSTRY" if row["industry"] else None,
                "status_raw": row["status_raw"],
                "status": row["status"],
                "effective_date": row["effective_date"],
                "details": to_json_object(
                    {
                        "wro_finding": row["wro_finding_raw"],
                        "calendar_year": row["calendar_year"],
                        "country": row["country"],
                        "press_release": row["press_release"],
                        "remarks": row["remarks"],
                        "entity_cell": row["entity_raw"],
                        "scope": primary["scope"],
                        "effective_date_raw": row["effective_date_raw"],
                        "modified_date": row["modified_date"],
                    }
                ),
                "source_url": row.get("source_url"),
                "source_sha256": row["source_sha256"],
                "source_locator": row["source_locator"],
            }
        )
    return conform(pd.DataFrame(out)) if out else empty_actions()
