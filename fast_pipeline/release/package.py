"""The release's descriptions of itself: per-source freshness and the Frictionless `datapackage.json`.

`datapackage.json` follows the Frictionless Data Package spec and validates with `frictionless validate`:
one resource per file with its format, `sha256:` hash, size (not for Parquet, whose bytes frictionless
never counts) and, for tables, a Table Schema per format (schema.py: nested columns are arrays/objects in
CSV and JSON Lines, `any` in Parquet, and every field names its exact `arrowType`); `licenses` and
`sources` give each publisher's own licence statement and attribution (from its source.yml); release facts
(version, format version, counts, changes, freshness) sit under the `fast_pipeline` key. Nothing in it
depends on when it was written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow

from fast_pipeline import __version__
from fast_pipeline.core.warehouse import edition_order
from fast_pipeline.release import ftm
from fast_pipeline.release.reader import Reader
from fast_pipeline.release.tables import FORMATS, Table, describe, table_schema
from fast_pipeline.sources.registry import SOURCE_IDS, get_source

NAME = "fast-pipeline-adverse-actions"
TITLE = "fast-pipeline: adverse actions on modern slavery and forced labour"
DESCRIPTION = (
    "Government lists of actions against forced labour (listings, withhold release orders, entity "
    "lists, goods lists, procurement exclusions), in one canonical adverse_action table with the "
    "history of every action across the publishers' editions."
)
MEDIATYPES = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "jsonl": "application/x-ndjson",
    "json": "application/json",
    "md": "text/markdown",
    "duckdb": "application/octet-stream",
}
CSV_NOTE = (
    "CSV has no lists: list and `details` columns hold compact JSON text. Text cells that begin with "
    "=, +, -, @, TAB or CR start with an apostrophe (OWASP's rule against spreadsheet formula injection), "
    "and control and bidi characters are written as escapes (\\x1b, \\u202e); the Parquet and JSON Lines "
    "files hold the publisher's exact text."
)
OTHER_FILES = {  # file -> (resource name, format, description)
    "entities.ftm.json": ("entities-ftm", "jsonl", ftm.DESCRIPTION),
    "freshness.json": (
        "freshness",
        "json",
        "Per source: the edition this release carries, the publisher's date "
        "as published, the date the edition speaks for (as_of_date, with its basis: published, "
        "label or retrieved, and any warning about the publisher's date), its acquisition and "
        "retrieval times, and any later edition held back by the publish gate.",
    ),
    "changes.json": (
        "changes",
        "json",
        "Actions added, removed and changed (field by field) since the previous release.",
    ),
    "CHANGES.md": ("changes-md", "md", "The changes since the previous release, for people."),
}
DUCKDB_FILE = "fast_pipeline.duckdb"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def records(cur) -> list[dict]:
    """A query's rows as dicts."""
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def source_freshness(con: Reader) -> list[dict]:
    """Every registered source: the edition carried, the dates it speaks for, and editions held back."""
    carried = {r["source_id"]: r for r in records(con.execute("select * from marts.source_freshness"))}
    failed = records(
        con.execute(
            f"select source_id, edition, gate_reasons from raw.editions "
            f"where not gate_passed order by {con.text_order('source_id')}, {edition_order(con.conn)}"
        )
    )
    out = []
    for sid in sorted(SOURCE_IDS):
        meta = get_source(sid).metadata
        row = carried.get(sid)
        if row:
            held = [
                {"edition": e, "reasons": list(r or [])}
                for e, r in zip(row["held_back_editions"], row["held_back_reasons"])
            ]
        else:  # nothing published yet: every edition it has was held back
            held = [
                {"edition": r["edition"], "reasons": json.loads(r["gate_reasons"] or "[]")}
                for r in failed
                if r["source_id"] == sid
            ]

        def day(k, row=row):
            return row[k].isoformat() if row and row[k] else None

        out.append(
            {
                "source_id": sid,
                "title": meta.title,
                "publisher": meta.publisher,
                "landing_url": meta.landing_url,
                "cadence": meta.cadence,
                "licence": meta.licence,
                "attribution": meta.attribution,
                "published_edition": row["published_edition"] if row else None,
                "edition_date": day("edition_date"),  # the publisher's own date, as published
                "as_of_date": day("as_of_date"),  # the date the edition speaks for (core.edition_dates)
                "date_basis": row["date_basis"] if row else None,
                "date_warning": row["date_warning"] if row else None,
                "acquired_at": row["acquired_at"] if row else None,
                "retrieved_at": row["retrieved_at"] if row else None,
                "actions": int(row["action_rows"]) if row and row["action_rows"] is not None else None,
                "held_back": held,
            }
        )
    return out


def _resource(path: Path, name: str, fmt: str, description: str, *, hashed: bool = True) -> dict:
    res = {
        "name": name,
        "path": path.name,
        "profile": "data-resource",
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        "description": description,
    }
    if fmt in ("csv", "jsonl", "json", "md"):
        res["encoding"] = "utf-8"
    if hashed:
        if fmt != "parquet":  # frictionless reads Parquet with pyarrow, never counting its bytes: no count to check
            res["bytes"] = path.stat().st_size
        res["hash"] = f"sha256:{sha256(path)}"
    return res


def datapackage(*, version: str, out_dir: Path, tables: list[Table], freshness: list[dict], facts: dict) -> dict:
    resources = []
    for table in tables:
        doc = describe(table.name)
        for fmt in FORMATS:
            res = _resource(
                out_dir / f"{table.name}.{fmt}",
                table.name if fmt == "csv" else f"{table.name}-{fmt}",
                fmt,
                doc["description"] or f"The {table.name} table.",
            )
            res["schema"] = table_schema(table, fmt)
            if fmt == "jsonl" and not table.rows:  # frictionless cannot read an empty JSON Lines file as a table
                res["type"] = "file"
            else:
                res["profile"] = "tabular-data-resource"
            if fmt == "csv":
                res["dialect"] = {
                    "delimiter": ",",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                    "lineTerminator": "\n",
                }
                res["description"] += " " + CSV_NOTE
            resources.append(res)
    for file, (name, fmt, description) in OTHER_FILES.items():
        resources.append(_resource(out_dir / file, name, fmt, description))
    resources.append(
        _resource(
            out_dir / DUCKDB_FILE,
            "duckdb",
            "duckdb",
            "Every table above in one DuckDB database (storage format of DuckDB 1.0). DuckDB stamps each new file "
            "with a random identifier, so this is the one file whose bytes differ between rebuilds: it carries no "
            "hash here, and SHA256SUMS gives its checksum.",
            hashed=False,
        )
    )
    licences: dict[str, dict] = {}
    for src in freshness:
        licences.setdefault(src["licence"], {"title": src["licence"], "path": src["landing_url"]})
    return {
        "profile": "data-package",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": version,
        "licenses": list(licences.values()),
        "sources": [
            {
                "title": f"{s['title']} ({s['publisher']})",
                "path": s["landing_url"],
                "source_id": s["source_id"],
                "licence": s["licence"],
                "attribution": s["attribution"],
                "edition": s["published_edition"],
                "edition_date": s["edition_date"],
                "as_of_date": s["as_of_date"],
                "date_basis": s["date_basis"],
                "date_warning": s["date_warning"],
                "retrieved_at": s["retrieved_at"],
                "held_back": s["held_back"],
            }
            for s in freshness
        ],
        "resources": resources,
        "fast_pipeline": {
            **facts,
            "software": {"fast_pipeline": __version__, "duckdb": duckdb.__version__, "pyarrow": pyarrow.__version__},
        },
    }


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
