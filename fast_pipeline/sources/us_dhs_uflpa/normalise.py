"""Parsed UFLPA rows -> canonical actions: one `entity_list_designation` per (section, entity).

An entity listed under two sections gets two actions (same `party_record_id`). Subsidiaries named in the
cell go to `related_parties` (linked to the listed entity, not merged with it); unnamed coverage such as
"and subsidiaries" stays in `details.scope`. The page states no country, so `party_country` stays empty.
`party_kind` is decided from the name (`core.entity_names.name_kind`): organisation for government bodies
(the Xinjiang Production and Construction Corps, the No. 4 Vocation Skills Education Training Center), else
company. The list gives no status: a listed entity is "active" and `status_raw` stays empty.
"""

from __future__ import annotations

import json

import pandas as pd

from fast_pipeline.core.canonical import conform, empty_actions, to_json_list, to_json_object
from fast_pipeline.core.entity_names import name_kind
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.ids import action_id, name_key, stable_id
from fast_pipeline.core.source import SourceMetadata


def _related(subsidiaries_json: str) -> str:
    return to_json_list(
        {
            "name": s["name"],
            "kind": name_kind(s["name"]),
            "relation": "subsidiary",
            "aliases": s["aliases"],
            "former_names": s["former_names"],
        }
        for s in json.loads(subsidiaries_json)
    )


def normalise(parsed: pd.DataFrame, meta: SourceMetadata, edition: str, edition_date: str | None) -> pd.DataFrame:
    seen: dict[tuple[str, str], str] = {}
    out = []
    for row in parsed.to_dict("records"):
        key = (row["section"], name_key(row["name"]))
        if key in seen:
            raise ParseError(
                meta.source_id,
                row["source_file"],
                f"{row['name']!r} is listed twice in section {row['section']} (also at {seen[key]})",
                row["source_locator"],
            )
        seen[key] = row["source_locator"]
        out.append(
            {
                "action_id": action_id(meta.source_id, *key),
                "source_id": meta.source_id,
                "edition": edition,
                "edition_date": edition_date,
                "natural_key": f"{key[0]}|{key[1]}",
                "action_type": "entity_list_designation",
                "authority": meta.authority,
                "jurisdiction": meta.jurisdiction,
                "legal_basis": f"UFLPA Sec. {row['section']}",
                "party_record_id": stable_id("party", meta.source_id, key[1]),
                "party_name": row["name"],
                "party_kind": name_kind(row["name"]),
                "party_identifiers": "[]",
                "party_aliases": row["aliases"],
                "party_former_names": row["former_names"],
                "related_parties": _related(row["subsidiaries"]),
                "status_raw": None,
                "status": "active",
                "listed_date": row["effective_date"],
                "effective_date": row["effective_date"],
                "details": to_json_object(
                    {
                        "section": row["section"],
                        "section_description": row["section_description"],
                        "entity_cell": row["entity_raw"],
                        "scope": row["scope"],
                        "effective_date_raw": row["effective_date_raw"],
                        "page_last_updated": row["page_last_updated"],
                    }
                ),
                "source_url": row.get("source_url"),
                "source_sha256": row["source_sha256"],
                "source_locator": row["source_locator"],
            }
        )
    return conform(pd.DataFrame(out)) if out else empty_actions()
