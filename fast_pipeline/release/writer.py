"""Write a versioned, immutable release from the warehouse marts: `data/releases/<version>/`.

A release holds every mart as CSV, Parquet and JSON Lines, a DuckDB file of them all, a FollowTheMoney
export, `freshness.json`, the changes since the previous release (`changes.json`, `CHANGES.md`), a
Frictionless `datapackage.json` describing and hashing every file, and `SHA256SUMS`.

- Written only when its content differs from the latest release's; else the result says "no change".
- Immutable: assembled in a hidden temporary folder beside the others, files made read-only, then renamed
  into place in one step. An interruption leaves the earlier releases untouched and no half release
  visible (a leftover temporary folder is swept by the next run). One writer at a time (a lock file).
- Reproducible: file contents depend only on the warehouse (stable row order, no build time anywhere;
  the version date comes from the data, see version.py; the changes come from the warehouse's history
  models, see changes.py), so the same archive gives the same bytes, except the DuckDB file, which DuckDB
  stamps with a random identifier (datapackage.json gives no hash for it; SHA256SUMS does).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from fast_pipeline.core import warehouse
from fast_pipeline.core.errors import PipelineError
from fast_pipeline.release import ftm
from fast_pipeline.release import version as versions
from fast_pipeline.release.changes import Changes, carried_editions, diff, render_markdown
from fast_pipeline.release.package import DUCKDB_FILE, datapackage, sha256, source_freshness, write_json
from fast_pipeline.release.reader import reading
from fast_pipeline.release.schema import FORMAT_CHANGES, FORMAT_VERSION
from fast_pipeline.release.tables import FORMATS, export, mart_tables, write_duckdb
from fast_pipeline.settings import Settings

TMP_PREFIX = ".release-"


class ReleaseError(PipelineError):
    """A release could not be written; earlier releases are untouched."""

    def __init__(self, reason: str):
        super().__init__(None, None, reason)


@dataclass
class ReleaseResult:
    version: str | None
    path: Path | None
    created: bool
    counts: dict[str, int]
    note: str = ""
    changes: dict = field(default_factory=dict)  # Changes.summary() of this release (empty when none written)


def list_releases(settings: Settings) -> list[dict]:
    """Every complete release, oldest first: version, path, counts, change summary, previous version."""
    root = settings.releases_dir
    found = []
    if root.is_dir():
        for d in root.iterdir():
            parsed = versions.parse(d.name)
            if parsed and d.is_dir() and (d / "datapackage.json").is_file():
                facts = json.loads((d / "datapackage.json").read_text(encoding="utf-8")).get("fast_pipeline", {})
                found.append(
                    (
                        parsed,
                        {
                            "version": d.name,
                            "path": str(d),
                            "counts": facts.get("counts", {}),
                            "changes": facts.get("changes", {}),
                            "previous_version": facts.get("previous_version"),
                            "content_sha256": facts.get("content_sha256"),
                            "format_version": facts.get("format_version", 1),
                        },
                    )
                )
    return [rel for _, rel in sorted(found, key=lambda x: x[0])]


def _freshness_of(release_dir: Path) -> list[dict]:
    path = release_dir / "freshness.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def release_diff(settings: Settings, old_version: str, new_version: str) -> Changes:
    """What changed from one release to another, read from the warehouse (see changes.py)."""
    old, new = (carried_editions(_freshness_of(release_path(settings, v))) for v in (old_version, new_version))
    with reading(settings.warehouse_url) as con:
        return diff(con, old, new, previous=old_version)


def release_path(settings: Settings, version: str) -> Path:
    path = settings.releases_dir / version
    if not versions.parse(version) or not (path / "datapackage.json").is_file():
        known = ", ".join(r["version"] for r in list_releases(settings)) or "none"
        raise ReleaseError(f"no release {version!r} in {settings.releases_dir} (releases: {known})")
    return path


@contextmanager
def _locked(root: Path):
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _content_sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for p in sorted(paths, key=lambda p: p.name):
        digest.update(p.name.encode() + b"\0" + sha256(p).encode() + b"\n")
    return digest.hexdigest()


def _data_date(freshness: list[dict]) -> date:
    """The version date (see version.py): FAST_RELEASE_DATE, else the newest as-of date of the editions the
    release carries (core.edition_dates: the publisher's date when plausible, else the acquisition's)."""
    chosen = os.environ.get("FAST_RELEASE_DATE")
    if chosen:
        try:
            return date.fromisoformat(chosen)
        except ValueError:
            raise ReleaseError(f"FAST_RELEASE_DATE={chosen!r} is not a date (YYYY-MM-DD)") from None
    days = [date.fromisoformat(s["as_of_date"]) for s in freshness if s["published_edition"] and s["as_of_date"]]
    if not days:
        raise ReleaseError("no source has a published edition with a date: set FAST_RELEASE_DATE=YYYY-MM-DD")
    return max(days)


def _format_changes(latest: dict | None) -> list[str]:
    """What changed in the published format since the previous release's format version (schema.py)."""
    if latest is None:
        return []
    since = int(latest.get("format_version") or 1)
    return [f"format {v}: {change}" for v in sorted(FORMAT_CHANGES) if v > since for change in FORMAT_CHANGES[v]]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _finish(tmp: Path) -> None:
    """Files read-only and on disk before the rename makes them visible."""
    for p in tmp.iterdir():
        with p.open("rb") as f:
            os.fsync(f.fileno())
        p.chmod(0o444)
    tmp.chmod(0o755)  # mkdtemp made it private
    _fsync_dir(tmp)


def write_release(settings: Settings) -> ReleaseResult:
    """Export the marts as a new release, unless nothing changed since the latest one."""
    root = settings.releases_dir
    root.mkdir(parents=True, exist_ok=True)
    if not warehouse.exists(settings.warehouse_url):
        raise ReleaseError(f"no warehouse at {settings.duckdb_path}: run `fast-pipeline build` first")
    with _locked(root):
        for stale in root.glob(TMP_PREFIX + "*"):  # left by a killed run; we hold the lock
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=root))
        try:
            return _write(settings, tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _write(settings: Settings, tmp: Path) -> ReleaseResult:
    with reading(settings.warehouse_url) as con:
        tables = mart_tables(con)
        if "adverse_actions" not in {t.name for t in tables}:
            shown = warehouse.shown(settings.warehouse_url)
            raise ReleaseError(f"the warehouse {shown} has no marts.adverse_actions: run dbt first")
        try:
            data_files = [p for t in tables for p in export(con, t, tmp).values()]
        except pa.ArrowInvalid as exc:  # a mart value that its declared type cannot hold
            raise ReleaseError(f"the marts do not fit the release schema (release/schema.py): {exc}") from None
        listed = con.execute("select count(*) from marts.adverse_actions where removed_in_edition is null").fetchone()[
            0
        ]
        freshness = source_freshness(con)
        write_json(tmp / "freshness.json", freshness)
        ftm_counts = ftm.write(tmp / "adverse_actions.parquet", tmp / "entities.ftm.json")
        data_files += [tmp / "freshness.json", tmp / "entities.ftm.json"]
        counts = {**{t.name: t.rows for t in tables}, "listed_actions": int(listed)}
        content = _content_sha256(data_files)

        previous = list_releases(settings)
        latest = previous[-1] if previous else None
        if latest and latest["content_sha256"] == content:
            return ReleaseResult(
                latest["version"], Path(latest["path"]), False, counts, f"no change since release {latest['version']}"
            )
        as_of = _data_date(freshness)
        version = versions.next_version(as_of, [p.name for p in settings.releases_dir.iterdir()])
        old = carried_editions(_freshness_of(Path(latest["path"]))) if latest else {}
        changes = diff(
            con, old, carried_editions(freshness), previous=latest["version"] if latest else None, strict=False
        )  # a release is never blocked by history it cannot compare
    changes.format_changes = _format_changes(latest)
    write_json(tmp / "changes.json", changes.as_json(version))
    (tmp / "CHANGES.md").write_text(render_markdown(version, changes, freshness, counts), encoding="utf-8")
    write_duckdb(tmp / DUCKDB_FILE, tables, {t.name: tmp / f"{t.name}.parquet" for t in tables})
    facts = {
        "version": version,
        "previous_version": changes.previous,
        "data_as_of": as_of.isoformat(),
        "format_version": FORMAT_VERSION,
        "counts": counts,
        "changes": changes.summary(),
        "content_sha256": content,
        "ftm": ftm_counts,
        "formats": list(FORMATS),
    }
    write_json(
        tmp / "datapackage.json",
        datapackage(version=version, out_dir=tmp, tables=tables, freshness=freshness, facts=facts),
    )
    sums = "".join(f"{sha256(p)}  {p.name}\n" for p in sorted(tmp.iterdir(), key=lambda p: p.name))
    (tmp / "SHA256SUMS").write_text(sums, encoding="utf-8")
    _finish(tmp)
    final = settings.releases_dir / version  # a new name: next_version skips every existing one
    os.rename(tmp, final)  # atomic: the release appears whole or not at all
    _fsync_dir(settings.releases_dir)
    return ReleaseResult(version, final, True, counts, changes=changes.summary())
