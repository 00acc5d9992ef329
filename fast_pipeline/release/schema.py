"""The release's contract: the declared type of every column of every released table, and the format version.

The writer casts each mart to these Arrow schemas before writing any file, so the release's bytes depend on
this declaration, not on the warehouse's type system (DuckDB today, PostgreSQL later, issue 13). A mart
column that is not declared here, or a declared one the warehouse lacks, stops the release with a message
naming both. Types, as consumers see them:
- lists are native lists in Parquet and the DuckDB file, arrays in JSON Lines, JSON text in CSV (which
  has no lists); `party_identifiers`/`identifiers` are lists of {scheme, value}, `related_parties` lists of
  {name, kind, relation, aliases, former_names, scope, parent};
- `details` (keys differ by source) is a JSON object: Parquet's JSON logical type, DuckDB's JSON type,
  an object in JSON Lines, JSON text in CSV;
- integers stay integers with nulls in every format (no NaN), dates are ISO dates.
"""

from __future__ import annotations

import pyarrow as pa

# The published format. Bump it when a released file changes shape or meaning, and say what changed:
# CHANGES.md lists the entries newer than the previous release's format version.
FORMAT_VERSION = 3
FORMAT_CHANGES = {
    2: [
        "List columns (party_identifiers, party_aliases, party_former_names, related_parties, the lists of "
        "`parties`, held_back_editions, held_back_reasons) are native lists in Parquet and the DuckDB file and "
        "arrays in JSON Lines (they were JSON text); `details` is JSON (Parquet's JSON type); CSV keeps JSON text.",
        "CSV text cells that begin with =, +, -, @, TAB or CR start with an apostrophe (spreadsheet formula "
        "injection), and control or bidi characters in CSV and CHANGES.md are written as visible escapes "
        "(\\x1b, \\u202e); Parquet and JSON Lines keep the publisher's exact text.",
        "Integers with empty cells (workers_affected, ...) read as integers, not NaN; datapackage.json validates "
        "with frictionless (Parquet resources: nested columns typed `any`, no byte count; their hash stays).",
        "Editions are ordered by acquisition and dated by their plausible as-of date (as_of_date, date_basis, "
        "date_warning in source_freshness and freshness.json); a mirror edition is dated by its label, never a "
        "file time. Versions, action_history valid_from_date/valid_to_date and the new action_changes.as_of_date "
        "use that date; adverse_actions.removed_date is the as-of date of the edition an action vanished in.",
        "entities.ftm.json: every Sanction carries the normalised status, startDate and endDate (the official "
        "end, or the removal edition's date, marked derived in its description), one Sanction per Brazilian "
        "inclusion period; goods listings are Risk entities on a Territory.",
    ],
    3: [
        "New action types: conduct_agreement (an employer under a TAC or judicial agreement: the Brazilian "
        "lista suja's section II rows, until now published as `listing`, and the CEAC, br_mte_ceac), "
        "divestment and observation (NBIM's exclusions and observations, no_nbim_exclusions). In "
        "entities.ftm.json a conduct agreement or a divestment is a Sanction (provisions 'conduct agreement', "
        "'divestment'), an observation a Risk; divestments and observations add no forced.labor topic.",
    ],
}

TEXT, INT, INT32, BOOL, DATE, FLOAT = pa.string(), pa.int64(), pa.int32(), pa.bool_(), pa.date32(), pa.float64()
JSON = pa.json_(pa.string())
TEXT_LIST = pa.list_(TEXT)
IDENTIFIERS = pa.list_(pa.struct([("scheme", TEXT), ("value", TEXT)]))
RELATED_PARTIES = pa.list_(
    pa.struct(
        [
            ("name", TEXT),
            ("kind", TEXT),
            ("relation", TEXT),
            ("aliases", TEXT_LIST),
            ("former_names", TEXT_LIST),
            ("scope", TEXT),
            ("parent", TEXT),
        ]
    )
)

# Types of the action fields, shared by the tables that carry them.
_ACTION = {
    "action_id": TEXT,
    "source_id": TEXT,
    "natural_key": TEXT,
    "action_type": TEXT,
    "authority": TEXT,
    "jurisdiction": TEXT,
    "legal_basis": TEXT,
    "party_record_id": TEXT,
    "party_id": TEXT,
    "party_name": TEXT,
    "party_kind": TEXT,
    "party_identifiers": IDENTIFIERS,
    "party_aliases": TEXT_LIST,
    "party_former_names": TEXT_LIST,
    "related_parties": RELATED_PARTIES,
    "party_country": TEXT,
    "party_address": TEXT,
    "goods": TEXT,
    "sector_code": TEXT,
    "sector_scheme": TEXT,
    "workers_affected": INT32,
    "status_raw": TEXT,
    "status": TEXT,
    "action_date": DATE,
    "listed_date": DATE,
    "effective_date": DATE,
    "ended_date": DATE,
    "first_seen_edition": TEXT,
    "last_seen_edition": TEXT,
    "removed_in_edition": TEXT,
    "removed_date": DATE,
    "details": JSON,
    "source_url": TEXT,
    "source_sha256": TEXT,
    "source_locator": TEXT,
}


def _table(*columns: str | tuple[str, pa.DataType]) -> pa.Schema:
    """A schema from action field names (typed as above) and (name, type) pairs, in this order."""
    return pa.schema([(c, _ACTION[c]) if isinstance(c, str) else c for c in columns])


_TRACKED = (
    "action_type",
    "authority",
    "jurisdiction",
    "legal_basis",
    "party_record_id",
    "party_name",
    "party_kind",
    "party_identifiers",
    "party_aliases",
    "party_former_names",
    "related_parties",
    "party_country",
    "party_address",
    "goods",
    "sector_code",
    "sector_scheme",
    "workers_affected",
    "status_raw",
    "status",
    "action_date",
    "listed_date",
    "effective_date",
    "ended_date",
)

TABLES: dict[str, pa.Schema] = {
    "adverse_actions": _table(
        "action_id",
        "source_id",
        "action_type",
        "authority",
        "jurisdiction",
        "legal_basis",
        "party_record_id",
        "party_id",
        "party_name",
        "party_kind",
        "party_identifiers",
        "party_aliases",
        "party_former_names",
        "related_parties",
        "party_country",
        "party_address",
        "goods",
        "sector_code",
        "sector_scheme",
        "workers_affected",
        "status_raw",
        "status",
        "action_date",
        "listed_date",
        "effective_date",
        "ended_date",
        "first_seen_edition",
        "last_seen_edition",
        "removed_in_edition",
        "removed_date",
        "natural_key",
        "details",
        "source_url",
        "source_sha256",
        "source_locator",
    ),
    "action_history": _table(
        "action_id",
        ("version", INT),
        "source_id",
        "natural_key",
        ("valid_from_edition", TEXT),
        ("valid_from_date", DATE),
        ("valid_to_edition", TEXT),
        ("valid_to_date", DATE),
        "last_seen_edition",
        ("is_current", BOOL),
        ("opened_by", TEXT),
        ("closed_by", TEXT),
        *_TRACKED,
        "details",
        "source_url",
        "source_sha256",
        "source_locator",
    ),
    "action_changes": _table(
        "source_id",
        ("edition_seq", INT),
        ("edition", TEXT),
        ("edition_date", DATE),
        ("as_of_date", DATE),
        ("previous_edition", TEXT),
        "action_id",
        ("change", TEXT),
        ("field", TEXT),
        ("old_value", TEXT),
        ("new_value", TEXT),
        ("relisted", BOOL),
        "natural_key",
        "party_name",
    ),
    "source_freshness": _table(
        "source_id",
        ("published_edition", TEXT),
        ("edition_date", DATE),
        ("as_of_date", DATE),
        ("date_basis", TEXT),
        ("date_warning", TEXT),
        ("acquired_at", TEXT),
        ("retrieved_at", TEXT),
        ("action_rows", INT),
        ("has_held_back_edition", BOOL),
        ("held_back_editions", TEXT_LIST),
        ("held_back_reasons", pa.list_(TEXT_LIST)),
    ),
    "parties": _table(
        "party_id",
        "party_name",
        "party_kind",
        "party_country",
        ("names", TEXT_LIST),
        ("aliases", TEXT_LIST),
        ("former_names", TEXT_LIST),
        ("identifiers", IDENTIFIERS),
        ("countries", TEXT_LIST),
        ("kinds", TEXT_LIST),
        ("source_ids", TEXT_LIST),
        ("action_ids", TEXT_LIST),
        ("mentioned_in_action_ids", TEXT_LIST),
        ("party_record_ids", TEXT_LIST),
        ("record_count", INT),
        ("action_count", INT),
    ),
    "party_links": _table(
        ("link_id", TEXT),
        ("left_party_record_id", TEXT),
        ("right_party_record_id", TEXT),
        ("left_party_id", TEXT),
        ("right_party_id", TEXT),
        ("relation", TEXT),
        ("rule", TEXT),
        ("score", FLOAT),
        ("evidence", TEXT),
    ),
    "party_redirects": _table(("old_party_id", TEXT), "party_id", "party_record_id"),
}

KEYS = {  # rows are unique by these (dbt tests say so) and written in their order; other marts by all columns
    "adverse_actions": ["action_id"],
    "action_history": ["action_id", "version"],
    "action_changes": ["source_id", "edition_seq", "action_id", "field"],
    "source_freshness": ["source_id"],
    "parties": ["party_id"],
    "party_links": ["link_id"],
    "party_redirects": ["old_party_id"],
}


def is_json(arrow_type: pa.DataType) -> bool:
    return isinstance(arrow_type, pa.JsonType)


def is_nested(arrow_type: pa.DataType) -> bool:
    return pa.types.is_list(arrow_type) or pa.types.is_struct(arrow_type)


def frictionless_type(arrow_type: pa.DataType, fmt: str) -> str:
    """The Table Schema type of a column in one format. frictionless reads Parquet through pandas, which
    turns nested lists into NumPy arrays that no Table Schema type accepts: there they are `any`."""
    if is_json(arrow_type):
        return "object"
    if is_nested(arrow_type):
        if fmt == "parquet":
            return "any"
        return "array" if pa.types.is_list(arrow_type) else "object"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_floating(arrow_type):
        return "number"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "datetime"
    return "string"


def type_name(arrow_type: pa.DataType) -> str:
    """A readable name for a column's type, as datapackage.json states it (`list<struct<scheme, value>>`)."""
    if is_json(arrow_type):
        return "json"
    if pa.types.is_list(arrow_type):
        return f"list<{type_name(arrow_type.value_type)}>"
    if pa.types.is_struct(arrow_type):
        return "struct<" + ", ".join(f"{f.name}: {type_name(f.type)}" for f in arrow_type) + ">"
    return {
        "string": "string",
        "int64": "int64",
        "int32": "int32",
        "bool": "boolean",
        "date32[day]": "date",
        "double": "float64",
    }.get(str(arrow_type), str(arrow_type))
