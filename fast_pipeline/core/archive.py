"""The raw archive: every acquired file kept once under its sha256, with a manifest of editions.

Layout under `data/archive/`:
- `objects/<aa>/<sha256>`: the bytes, read-only, never rewritten or deleted;
- `manifest.jsonl`: one row per file of an edition (source, edition, file name, format, URL, retrieved_at,
  HTTP status and headers that matter, size, sha256). Only ever appended to, one edition per write, under
  an flock on `manifest.lock`, so two processes archiving at once lose no row (the file is never read,
  modified and written back). A crash in the middle of an append leaves a partial last line without its
  newline: that edition was never recorded, so readers skip it and the next append cuts it off first.

An edition is the set of files acquired together from one publisher state. Acquiring the same bytes again
adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fast_pipeline.core.errors import ArchiveError
from fast_pipeline.core.locks import locked_file
from fast_pipeline.core.source import SourceFile


@dataclass(frozen=True)
class ManifestRow:
    source_id: str
    edition: str
    file_name: str
    file_format: str
    sha256: str
    size: int
    retrieved_at: str
    url: str | None = None
    http_status: int | None = None
    http_headers: dict[str, str] = field(default_factory=dict)
    origin: str = "http"  # http | mirror
    fingerprint: str | None = None  # Source.content_fingerprint, when it differs from sha256


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _append(path: Path, data: bytes) -> None:
    """Append `data` in one write and fsync it; first cut off a torn last line left by a crash."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            tail = os.pread(fd, min(size, 1 << 20), max(0, size - (1 << 20)))
            os.ftruncate(fd, size - (len(tail) - (tail.rfind(b"\n") + 1)))
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.manifest_path = self.root / "manifest.jsonl"

    # --- reading -------------------------------------------------------------------------------------
    def rows(self) -> list[ManifestRow]:
        if not self.manifest_path.exists():
            return []
        out = []
        text = self.manifest_path.read_text(encoding="utf-8")
        complete = text[: text.rfind("\n") + 1]  # a torn last append is not an edition (see above)
        for n, line in enumerate(complete.splitlines(), 1):
            if line.strip():
                try:
                    out.append(ManifestRow(**json.loads(line)))
                except (ValueError, TypeError) as exc:
                    raise ArchiveError(
                        None, str(self.manifest_path), f"manifest line {n} is unreadable: {exc}"
                    ) from None
        return out

    def object_path(self, sha256: str) -> Path:
        return self.objects / sha256[:2] / sha256

    def has_object(self, sha256: str) -> bool:
        return self.object_path(sha256).exists()

    def damage(self, sha256: str) -> str | None:
        """Why the object stored under `sha256` cannot be trusted (missing, or its bytes no longer hash to
        their name), or None when it is intact. Read in bounded memory, however large the file."""
        path = self.object_path(sha256)
        if not path.is_file():
            return f"archived object {sha256} is missing"
        if file_sha256(path) != sha256:
            return f"archived object {sha256} is damaged: its bytes no longer match their sha256"
        return None

    def set_aside(self, sha256: str) -> Path:
        """Move a damaged object out of the store, into `damaged/` (kept for inspection, never deleted)."""
        path = self.object_path(sha256)
        aside = self.root / "damaged" / f"{sha256}.{time.strftime('%Y%m%dT%H%M%S')}.{os.getpid()}"
        aside.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, aside)
        return aside

    def editions(self, source_id: str) -> dict[str, list[ManifestRow]]:
        """Edition label -> its files, in the order editions were archived."""
        out: dict[str, list[ManifestRow]] = {}
        for row in self.rows():
            if row.source_id == source_id:
                out.setdefault(row.edition, []).append(row)
        return out

    def source_files(self, source_id: str, edition: str) -> list[SourceFile]:
        rows = self.editions(source_id).get(edition)
        if not rows:
            raise ArchiveError(source_id, None, f"edition {edition!r} is not in the archive")
        return [self.as_source_file(r) for r in rows]

    def as_source_file(self, row: ManifestRow) -> SourceFile:
        path = self.object_path(row.sha256)
        if not path.exists():
            raise ArchiveError(row.source_id, row.file_name, f"archived object {row.sha256} is missing")
        return SourceFile(
            source_id=row.source_id,
            edition=row.edition,
            path=path,
            file_name=row.file_name,
            file_format=row.file_format,
            sha256=row.sha256,
            url=row.url,
            retrieved_at=row.retrieved_at,
        )

    # --- writing -------------------------------------------------------------------------------------
    def store_object(self, tmp_file: Path, sha256: str, *, source_id: str, file_name: str) -> Path:
        """Move a completed download into the object store (a no-op when the bytes are known)."""
        dest = self.object_path(sha256)
        if dest.exists():
            tmp_file.unlink(missing_ok=True)
            return dest
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            staging = dest.parent / f".{sha256}.partial"
            shutil.move(str(tmp_file), staging)
            os.chmod(staging, 0o444)
            os.replace(staging, dest)
        except OSError as exc:
            for leftover in (dest.parent / f".{sha256}.partial", tmp_file):
                leftover.unlink(missing_ok=True)
            raise ArchiveError(source_id, file_name, f"could not write the archive at {dest.parent}: {exc}") from exc
        return dest

    def add_edition(self, rows: list[ManifestRow]) -> None:
        """Record one edition's files in the manifest (one append, under the manifest's lock). The objects
        must already be stored."""
        self.root.mkdir(parents=True, exist_ok=True)
        with locked_file(self.root / "manifest.lock"):
            self._add_edition(rows)

    def _add_edition(self, rows: list[ManifestRow]) -> None:
        existing = self.rows()
        known = {(r.source_id, r.edition) for r in existing}
        for row in rows:
            if (row.source_id, row.edition) in known:
                raise ArchiveError(
                    row.source_id,
                    row.file_name,
                    f"edition {row.edition!r} is already archived; editions are never rewritten",
                )
            if not self.has_object(row.sha256):
                raise ArchiveError(row.source_id, row.file_name, f"object {row.sha256} was not stored first")
        text = "".join(json.dumps(asdict(r), ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
        try:
            _append(self.manifest_path, text.encode("utf-8"))
        except OSError as exc:
            raise ArchiveError(
                rows[0].source_id if rows else None,
                str(self.manifest_path),
                f"could not write the archive manifest: {exc}",
            ) from exc
