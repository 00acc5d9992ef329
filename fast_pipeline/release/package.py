"""The release's descriptions of itself: per-source freshness and the Frictionless `datapackage.json`.

`datapackage.json` follows the Frictionless Data Package spec: one resource per file with its format,
size, `sha256:` hash and (for tables) a Table Schema; `licenses` and `sources` give each publisher's own
licence statement and attribution (from its source.yml); release facts (version, counts, changes,
freshness) sit under the `fast_pipeline` key. Nothing in it depends on when it was written.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from fast_pipeline import __version__
from fast_pipeline.release.tables import FORMATS, Table, describe, table_schema
from fast_pipeline.sources.registry import SOURCE_IDS, get_source

NAME = "fast-pipeline-adverse-actions"
TITLE = "fast-pipeline: adverse actions on modern slavery and forced labour"
DESCRIPTION = ("Government lists of actions against forced labour (listings, withhold release orders, entity "
               "lists, goods lists, procurement exclusions), in one canonical adverse_action table with the "
               "history of every action across the publishers' editions.")
MEDIATYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet", "jsonl": "application/x-ndjson",
              "json": "application/json", "md": "text/markdown", "duckdb": "application/octet-stream"}
OTHER_FILES = {  # file -> (resource name, format, description)
    "entities.ftm.json": ("entities-ftm", "jsonl", "The actions as FollowTheMoney entities (one JSON object per "
                          "line): each targeted party as Company, Person, Organization or Vessel, and each action "
                          "as a Sanction pointing at it."),
    "freshness.json": ("freshness", "json", "Per source: the edition this release carries, its publisher date "
                       "and retrieval time, and any newer edition held back by the publish gate."),
    "changes.json": ("changes", "json", "Actions added, removed and changed (field by field) since the previous "
                     "release."),
    "CHANGES.md": ("changes-md", "md", "The changes since the previous release, for people."),
}
DUCKDB_FILE = "fast_pipeline.duckdb"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def records(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    """A query's rows as dicts."""
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def source_freshness(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every registered source: the edition carried, its dates, and editions held back by the gate."""
    carried = {r["source_id"]: r for r in records(con.execute("select * from marts.source_freshness"))}
    failed = records(con.execute("select source_id, edition, gate_reasons from raw.editions "
                                  "where not gate_passed order by source_id, edition"))
    out = []
    for sid in sorted(SOURCE_IDS):
        meta = get_source(sid).metadata
        row = carried.get(sid)
        if row:
            pairs = zip(json.loads(row["held_back_editions"] or "[]"), json.loads(row["held_back_reasons"] or "[]"))
            held = [{"edition": e, "reasons": json.loads(r) if r else []} for e, r in pairs]
        else:  # nothing published yet: every edition it has was held back
            held = [{"edition": r["edition"], "reasons": json.loads(r["gate_reasons"] or "[]")}
                    for r in failed if r["source_id"] == sid]
        out.append({
            "source_id": sid, "title": meta.title, "publisher": meta.publisher, "landing_url": meta.landing_url,
            "cadence": meta.cadence, "licence": meta.licence, "attribution": meta.attribution,
            "published_edition": row["published_edition"] if row else None,
            "edition_date": row["edition_date"].isoformat() if row and row["edition_date"] else None,
            "retrieved_at": row["retrieved_at"] if row else None,
            "actions": int(row["action_rows"]) if row and row["action_rows"] is not None else None,
            "held_back": held,
        })
    return out


def _resource(path: Path, name: str, fmt: str, description: str, *, hashed: bool = True) -> dict:
    res = {"name": name, "path": path.name, "profile": "data-resource", "format": fmt,
           "mediatype": MEDIATYPES[fmt], "description": description}
    if fmt in ("csv", "jsonl", "json", "md"):
        res["encoding"] = "utf-8"
    if hashed:
        res["bytes"] = path.stat().st_size
        res["hash"] = f"sha256:{sha256(path)}"
    return res


def datapackage(*, version: str, out_dir: Path, tables: list[Table], freshness: list[dict], facts: dict) -> dict:
    resources = []
    for table in tables:
        doc = describe(table.name)
        for fmt in FORMATS:
            res = _resource(out_dir / f"{table.name}.{fmt}", table.name if fmt == "csv" else f"{table.name}-{fmt}",
                            fmt, doc["description"] or f"The {table.name} table.")
            res["schema"] = table_schema(table)
            if fmt == "csv":
                res["profile"] = "tabular-data-resource"
                res["dialect"] = {"delimiter": ",", "quoteChar": "\"", "doubleQuote": True, "header": True,
                                  "lineTerminator": "\n"}
            resources.append(res)
    for file, (name, fmt, description) in OTHER_FILES.items():
        resources.append(_resource(out_dir / file, name, fmt, description))
    resources.append(_resource(
        out_dir / DUCKDB_FILE, "duckdb", "duckdb",
        "Every table above in one DuckDB database (storage format of DuckDB 1.0). DuckDB stamps each new file "
        "with a random identifier, so this is the one file whose bytes differ between rebuilds: it carries no "
        "hash here, and SHA256SUMS gives its checksum.", hashed=False))
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
        "sources": [{"title": f"{s['title']} ({s['publisher']})", "path": s["landing_url"], "source_id": s["source_id"],
                     "licence": s["licence"], "attribution": s["attribution"],
                     "edition": s["published_edition"], "edition_date": s["edition_date"],
                     "retrieved_at": s["retrieved_at"], "held_back": s["held_back"]} for s in freshness],
        "resources": resources,
        "fast_pipeline": {**facts, "software": {"fast_pipeline": __version__, "duckdb": duckdb.__version__}},
    }


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
