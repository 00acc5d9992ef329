"""`fast-pipeline verify`: is every archived object and every release file still what was written?

Each archived object is hashed against its name (its sha256), each release file against its release's
SHA256SUMS. With `FAST_SOURCE_MIRROR`, a missing or damaged object is restored from the mirror when the
mirror holds the same bytes (same sha256): the damaged copy is moved to `archive/damaged/`, never
deleted. A release is never repaired (it is immutable and its files are its own evidence): it is reported.

`build` runs `damaged_inputs` on what it is about to process and on every source's last published
edition, and publishes nothing while one of them is damaged. That check runs in every build, the no-op
one too, so this module loads the release code (pandas, pyarrow: half a second) only to verify releases.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from fast_pipeline.core.archive import Archive, ManifestRow, file_sha256
from fast_pipeline.settings import Settings


@dataclass
class VerifyReport:
    objects: int = 0
    releases: int = 0
    restored: list[str] = field(default_factory=list)  # "<source>/<edition>/<file>: restored from <path>"
    damaged: list[str] = field(default_factory=list)  # still damaged objects, one line each
    tampered: list[str] = field(default_factory=list)  # "<version>: <file> does not match SHA256SUMS"

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.tampered


def _where(row: ManifestRow) -> str:
    return f"{row.source_id}: {row.edition}/{row.file_name}"


def damaged_inputs(archive: Archive, rows: list[ManifestRow]) -> list[str]:
    """One line per damaged or missing object among `rows` (each object hashed once)."""
    seen: dict[str, str | None] = {}
    out = []
    for row in rows:
        if row.sha256 not in seen:
            seen[row.sha256] = archive.damage(row.sha256)
        if seen[row.sha256]:
            out.append(f"{_where(row)}: {seen[row.sha256]}")
    return out


def _mirror_copy(mirror: Path, row: ManifestRow) -> Path | None:
    """A regular file under the mirror's folder for this source holding exactly the object's bytes."""
    root = mirror / row.source_id
    if not root.is_dir():
        return None
    named = [p for p in root.glob(f"*/{row.file_name}")]
    others = [p for p in root.glob("*/*") if p not in named]
    for path in [*named, *others]:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != row.size:
            continue
        if file_sha256(path) == row.sha256:
            return path
    return None


def _restore(archive: Archive, row: ManifestRow, source: Path) -> None:
    if archive.object_path(row.sha256).exists():
        archive.set_aside(row.sha256)
    fd, tmp = tempfile.mkstemp(prefix=".restore-", dir=archive.root)
    with open(source, "rb") as src, open(fd, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
    archive.store_object(Path(tmp), row.sha256, source_id=row.source_id, file_name=row.file_name)


def run_verify(settings: Settings, echo=print) -> VerifyReport:
    from fast_pipeline.release.checks import release_damage
    from fast_pipeline.release.writer import list_releases

    report = VerifyReport()
    archive = Archive(settings.archive_dir)
    rows = archive.rows()
    first_row: dict[str, ManifestRow] = {}
    for row in rows:
        first_row.setdefault(row.sha256, row)
    for sha, row in first_row.items():
        report.objects += 1
        problem = archive.damage(sha)
        if problem is None:
            continue
        source = _mirror_copy(settings.mirror, row) if settings.mirror else None
        if source is not None:
            _restore(archive, row, source)
            if archive.damage(sha) is None:
                report.restored.append(f"{_where(row)}: {problem}; restored from {source}")
                echo(f"restored {_where(row)} from {source} (the damaged copy is kept in {archive.root / 'damaged'})")
                continue
        hint = "" if settings.mirror else " (set FAST_SOURCE_MIRROR to a mirror holding it to restore it)"
        report.damaged.append(f"{_where(row)}: {problem}{hint}")
        echo(f"DAMAGED  {_where(row)}: {problem}{hint}")
    for rel in list_releases(settings):
        report.releases += 1
        for problem in release_damage(Path(rel["path"])):
            report.tampered.append(f"{rel['version']}: {problem}")
            echo(f"TAMPERED release {rel['version']}: {problem}")
    return report
