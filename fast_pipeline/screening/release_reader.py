"""A release as the screening engine reads it: its Parquet files (native list columns), never the warehouse.

Screening runs wherever a release folder is copied, so this reads only `data/releases/<version>/`:
`parties`, `adverse_actions`, `action_history` and `SHA256SUMS` (whose sha256 the run manifest records).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from fast_pipeline.core.errors import PipelineError
from fast_pipeline.release.writer import list_releases
from fast_pipeline.settings import Settings

TABLES = ("parties", "adverse_actions", "action_history")


class ReleaseError(PipelineError):
    """No release to screen against, or one that lacks a file the engine needs."""

    def __init__(self, file: str | None, reason: str):
        super().__init__("screening", file, reason)


@dataclass(frozen=True)
class Release:
    version: str
    path: Path
    checksums_sha256: str
    parties: list[dict]
    actions: list[dict]
    history: list[dict]


def release_path(settings: Settings, version: str | None = None) -> Path:
    """The folder of the named release, or of the newest one."""
    releases = list_releases(settings)
    if not releases:
        raise ReleaseError(str(settings.releases_dir), "no release to screen against: run `fast-pipeline build`")
    if version is None:
        return Path(releases[-1]["path"])
    for rel in releases:
        if rel["version"] == version:
            return Path(rel["path"])
    known = ", ".join(r["version"] for r in releases)
    raise ReleaseError(str(settings.releases_dir), f"no release {version!r} (known: {known})")


def load_release(path: Path) -> Release:
    tables = {}
    for name in TABLES:
        file = path / f"{name}.parquet"
        if not file.is_file():
            raise ReleaseError(str(file), "the release lacks this file")
        tables[name] = pq.read_table(file).to_pylist()
    sums = path / "SHA256SUMS"
    if not sums.is_file():
        raise ReleaseError(str(sums), "the release lacks its checksums file")
    return Release(
        version=path.name,
        path=path,
        checksums_sha256=hashlib.sha256(sums.read_bytes()).hexdigest(),
        parties=tables["parties"],
        actions=tables["adverse_actions"],
        history=tables["action_history"],
    )
