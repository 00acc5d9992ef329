"""Write a dated, immutable release from the warehouse marts.

A release is assembled in a temporary directory beside the others and renamed into place in one step:
an interrupted release leaves no half release visible and the earlier ones untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from fast_pipeline.core.warehouse import connect
from fast_pipeline.settings import Settings

TABLES = ("adverse_actions", "source_freshness")


@dataclass
class ReleaseResult:
    version: str | None
    path: Path | None
    created: bool
    counts: dict[str, int]
    note: str = ""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def list_releases(settings: Settings) -> list[dict]:
    out = []
    root = settings.releases_dir
    if not root.is_dir():
        return out
    for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        pkg = d / "datapackage.json"
        if pkg.exists():
            meta = json.loads(pkg.read_text(encoding="utf-8"))
            out.append({"version": d.name, "path": str(d), "counts": meta.get("fast_pipeline", {}).get("counts", {})})
    return out


def _content_hash(files: dict[str, Path]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + _sha256(files[name]).encode())
    return digest.hexdigest()


def _next_version(root: Path, today: str) -> str:
    taken = {p.name for p in root.iterdir()} if root.is_dir() else set()
    n = 1
    while f"{today}.{n}" in taken:
        n += 1
    return f"{today}.{n}"


def write_release(settings: Settings, today: str | None = None) -> ReleaseResult:
    """Export the marts; when nothing changed since the latest release, write nothing."""
    root = settings.releases_dir
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".release-", dir=root))
    try:
        files: dict[str, Path] = {}
        counts: dict[str, int] = {}
        with connect(settings.duckdb_path, read_only=True) as con:
            for table in TABLES:
                order = "action_id" if table == "adverse_actions" else "source_id"
                frame = con.execute(f"select * from marts.{table} order by {order}").df()
                counts[table] = len(frame)
                path = tmp / f"{table}.csv"
                frame.to_csv(path, index=False, lineterminator="\n")
                files[path.name] = path
        content = _content_hash(files)
        previous = list_releases(settings)
        if previous:
            last = json.loads((Path(previous[-1]["path"]) / "datapackage.json").read_text(encoding="utf-8"))
            if last.get("fast_pipeline", {}).get("content_sha256") == content:
                return ReleaseResult(previous[-1]["version"], Path(previous[-1]["path"]), False, counts,
                                     "no change since the latest release")
        version = _next_version(root, today or datetime.now(timezone.utc).strftime("%Y.%m.%d"))
        package = {
            "name": "fast-pipeline-adverse-actions",
            "version": version,
            "resources": [{"name": n.removesuffix(".csv"), "path": n, "hash": f"sha256:{_sha256(p)}"}
                          for n, p in sorted(files.items())],
            "fast_pipeline": {"counts": counts, "content_sha256": content},
        }
        (tmp / "datapackage.json").write_text(json.dumps(package, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        final = root / version
        os.replace(tmp, final)
        return ReleaseResult(version, final, True, counts)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
