"""The canonical `adverse_action` table (docs/DESIGN.md), written once and checked for every source.

Each source's normaliser returns rows with exactly `CANONICAL_COLUMNS`; `validate_actions` checks them
with one Pandera schema. List-valued fields are stored as JSON text so that they survive CSV, Parquet and
DuckDB unchanged; `to_json_list` writes them in one stable form (sorted keys, no ASCII escaping).

Fields filled later, not by the normaliser:
- `party_id`: the resolved party (issue 5); normalisers leave it empty and fill `party_record_id`.
- `first_seen_edition`, `last_seen_edition`, `removed_in_edition`: derived across editions by the history
  models; normalisers leave them empty.

pandas and Pandera are imported where a frame is made or checked: the field lists are read by every build,
including one that finds nothing new (see core.source).
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

ACTION_TYPES = (
    "listing",
    "withhold_release_order",
    "finding",
    "entity_list_designation",
    "goods_listing",
    "procurement_exclusion",
    "conduct_agreement",  # an employer under a conduct-adjustment (TAC) or judicial agreement: Brazil's CEAC
    "divestment",  # an investor excludes a company from its portfolio (NBIM exclusion)
    "observation",  # an investor keeps a company under observation (NBIM), a watch rather than a measure
)
PARTY_KINDS = ("company", "person", "vessel", "organisation", "country_good", "region")
STATUSES = ("active", "inactive", "revoked", "modified", "removed")

# name -> (pandas dtype, nullable, description). Order is the column order of every output.
CANONICAL_FIELDS: dict[str, tuple[str, bool, str]] = {
    "action_id": ("string", False, "stable hash of source_id + the source's natural key"),
    "source_id": ("string", False, "the publication, e.g. br_mte_lista_suja"),
    "edition": ("string", False, "the archived edition this row was read from"),
    "edition_date": ("string", True, "the publisher's date for that edition (ISO 8601)"),
    "natural_key": ("string", False, "the source's natural key, readable, from stable fields"),
    "action_type": ("string", False, "listing, withhold_release_order, finding, ..."),
    "authority": ("string", False, "who acted"),
    "jurisdiction": ("string", False, "ISO 3166-1 alpha-2 of the authority"),
    "legal_basis": ("string", True, "the legal instrument the action rests on"),
    "party_record_id": ("string", False, "stable ID of the party as this source describes it"),
    "party_id": ("string", True, "resolved party across sources (filled by resolution)"),
    "party_name": ("string", False, "the target's name as published (NFC)"),
    "party_kind": ("string", False, "company, person, vessel, organisation, country_good, region"),
    "party_identifiers": ("string", False, 'JSON list of {"scheme", "value"}'),
    "party_aliases": ("string", False, "JSON list of alias names"),
    "party_former_names": ("string", False, "JSON list of former names"),
    "related_parties": ("string", False, 'JSON list of {"name", "kind", "relation", ...} (subsidiaries, co-targets)'),
    "party_country": ("string", True, "ISO 3166-1 alpha-2 of the target"),
    "party_address": ("string", True, "address or establishment as published"),
    "goods": ("string", True, "merchandise or good"),
    "sector_code": ("string", True, "CNAE, HS or industry code"),
    "sector_scheme": ("string", True, "scheme of sector_code, e.g. CNAE, HS, ILAB_SECTOR"),
    "workers_affected": ("Int64", True, "workers affected, where published"),
    "status_raw": ("string", True, "the publisher's status words"),
    "status": ("string", False, "active, inactive, revoked, modified, removed"),
    "action_date": ("string", True, "date of the underlying decision or finding"),
    "listed_date": ("string", True, "date the target entered the list"),
    "effective_date": ("string", True, "date the action took effect"),
    "ended_date": ("string", True, "official end date, where published"),
    "first_seen_edition": ("string", True, "derived by history"),
    "last_seen_edition": ("string", True, "derived by history"),
    "removed_in_edition": ("string", True, "derived by history"),
    "details": ("string", False, "JSON object of source-specific fields worth keeping"),
    "source_url": ("string", True, "where the file was retrieved from"),
    "source_sha256": ("string", False, "archive key of the file"),
    "source_locator": ("string", False, "page or row within the file"),
}
CANONICAL_COLUMNS = list(CANONICAL_FIELDS)

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_JSON_LIST = r"^\[.*\]$"


def _column(name: str, dtype: str, nullable: bool) -> pa.Column:
    import pandera.pandas as pa

    checks: list[pa.Check] = []
    if name.endswith("_date"):
        checks.append(pa.Check.str_matches(_ISO_DATE))
    if name in ("party_identifiers", "party_aliases", "party_former_names", "related_parties"):
        checks.append(pa.Check.str_matches(_JSON_LIST))
    if name == "action_type":
        checks.append(pa.Check.isin(ACTION_TYPES))
    if name == "party_kind":
        checks.append(pa.Check.isin(PARTY_KINDS))
    if name == "status":
        checks.append(pa.Check.isin(STATUSES))
    if name in ("jurisdiction", "party_country"):
        checks.append(pa.Check.str_matches(r"^[A-Z]{2}$"))
    if name == "source_sha256":
        checks.append(pa.Check.str_matches(r"^[0-9a-f]{64}$"))
    if name == "workers_affected":
        checks.append(pa.Check.ge(0))
    if not nullable and dtype == "string":
        checks.append(pa.Check.str_length(min_value=1))
    return pa.Column(dtype, checks=checks, nullable=nullable, description=CANONICAL_FIELDS[name][2])


@cache
def canonical_schema() -> pa.DataFrameSchema:
    """The Pandera schema of `adverse_action`, built on first use."""
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {name: _column(name, dtype, nullable) for name, (dtype, nullable, _) in CANONICAL_FIELDS.items()},
        strict=True,
        ordered=True,
        unique=["action_id", "edition"],
        name="adverse_action",
    )


def empty_actions() -> pd.DataFrame:
    """A zero-row frame with the canonical columns and dtypes."""
    import pandas as pd

    return pd.DataFrame({n: pd.Series(dtype=d) for n, (d, _, _) in CANONICAL_FIELDS.items()})


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Order and type a normaliser's output as the canonical table (missing optional columns -> null)."""
    out = frame.copy()
    for name, (dtype, nullable, _) in CANONICAL_FIELDS.items():
        if name not in out.columns:
            if not nullable and name not in (
                "party_identifiers",
                "party_aliases",
                "party_former_names",
                "related_parties",
                "details",
            ):
                raise KeyError(f"normaliser output lacks required column {name!r}")
            default = "{}" if name == "details" else ("[]" if not nullable else None)
            out[name] = default
        out[name] = out[name].astype(dtype)
    return out[CANONICAL_COLUMNS].reset_index(drop=True)


def validate_actions(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate against the canonical schema, collecting every failure (lazy) before raising."""
    from fast_pipeline.core.schema_validation import validate

    return validate(canonical_schema(), frame)


def to_json_list(items) -> str:
    """Stable JSON for list-valued fields: same input, same bytes."""
    return json.dumps(list(items or []), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def to_json_object(mapping) -> str:
    return json.dumps(dict(mapping or {}), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
