"""Acquisition: publisher (HTTP) or mirror directory -> content check -> raw archive -> new editions.

Both paths produce the same `Download` objects and go through the same checks and archive writes; the
mirror only replaces the network (`FAST_SOURCE_MIRROR=DIR` reads `DIR/<source_id>/<edition>/<file>`).
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from fast_pipeline.core.archive import Archive, ManifestRow
from fast_pipeline.core.content_check import check_file
from fast_pipeline.core.edition_dates import label_date, timestamp
from fast_pipeline.core.errors import AcquisitionError, ConfigError, PipelineError
from fast_pipeline.core.http import Download, HttpClient, HttpSettings
from fast_pipeline.core.labels import check_label
from fast_pipeline.core.source import RemoteFile, Source, SourceFile

CAP_SETTING = " (FAST_HTTP_MAX_BYTES, the one cap for HTTP and the mirror)"
MIRROR_FORMATS = {"pdf", "xlsx", "xls", "csv", "txt", "html", "htm", "xml"}


@dataclass
class Candidate:
    """Files fetched together, not yet archived: one possible new edition."""

    label: str | None
    files: list[tuple[Download, str, str]]  # (download, file_name, file_format)
    origin: str
    retrieved_at: str


@dataclass
class AcquisitionResult:
    source_id: str
    new_editions: list[str] = field(default_factory=list)
    known_editions: list[str] = field(default_factory=list)
    new_files: int = 0
    error: PipelineError | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_mirror(mirror: Path, source_ids: list[str]) -> None:
    """A mistyped FAST_SOURCE_MIRROR is an error, not a green build that acquired nothing."""
    if not mirror.is_dir():
        raise ConfigError("FAST_SOURCE_MIRROR", f"{mirror} does not exist or is not a directory")
    if not any((mirror / sid).is_dir() for sid in source_ids):
        raise ConfigError(
            "FAST_SOURCE_MIRROR",
            f"{mirror} holds no folder for {', '.join(source_ids)} "
            "(a mirror is laid out DIR/<source_id>/<edition>/<file>)",
        )


def _utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _copy_to_tmp(path: Path, tmp_dir: Path, max_bytes: int, source_id: str) -> Download:
    """The mirror's stand-in for an HTTP download: a temporary copy, hashed while copying in bounded
    memory, and stopped at the same size cap as HTTP (a file may grow while it is read)."""
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(prefix=".mirror-", dir=tmp_dir)
    try:
        with open(path, "rb") as src, open(fd, "wb") as out:
            for chunk in iter(lambda: src.read(1 << 20), b""):
                size += len(chunk)
                if size > max_bytes:
                    raise AcquisitionError(source_id, str(path), f"is over the {max_bytes:,}-byte cap{CAP_SETTING}")
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Download(
        url=path.as_uri(), status=200, headers={}, path=Path(tmp_name), sha256=digest.hexdigest(), size=size
    )


def _checked_mirror_file(path: Path, mirror: Path, max_bytes: int, source_id: str) -> None:
    """The mirror obeys the limits HTTP has: nothing outside the mirror (a symlink to a private file), only
    regular files (a FIFO would hang the build), nothing over the size cap."""
    resolved = path.resolve()
    if not resolved.is_relative_to(mirror):
        raise AcquisitionError(
            source_id, str(path), f"is a symbolic link to {resolved}, outside the mirror {mirror}; refused"
        )
    info = resolved.stat()
    if not stat.S_ISREG(info.st_mode):
        raise AcquisitionError(source_id, str(path), "is not a regular file (a FIFO, device or socket); refused")
    if info.st_size > max_bytes:
        raise AcquisitionError(
            source_id, str(path), f"is {info.st_size:,} bytes, over the {max_bytes:,}-byte cap{CAP_SETTING}"
        )


def mirror_candidates(
    source: Source, mirror: Path, tmp_dir: Path, *, max_bytes: int | None = None, skipped: list[str] | None = None
) -> list[Candidate]:
    """Every edition folder the mirror holds for this source, in acquisition order (edition_dates).

    A mirror edition was acquired on the date its label names, else the date its content states
    (`Source.edition_label`); never on a file's modification time, which differs between copies.
    Files of no known type are left out, and an edition holding nothing else is not an edition: both are
    said in `skipped`."""
    max_bytes = HttpSettings().max_bytes if max_bytes is None else max_bytes
    skipped = [] if skipped is None else skipped
    mirror = mirror.resolve()
    root = mirror / source.source_id
    if not root.is_dir():
        return []
    out = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not folder.resolve().is_relative_to(mirror):
            raise AcquisitionError(source.source_id, str(folder), f"points outside the mirror {mirror}; refused")
        check_label(folder.name, source_id=source.source_id, where=str(folder))
        entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
        if not entries:
            continue
        fetched, unknown = [], []
        for p in entries:
            fmt = p.suffix.lstrip(".").lower()
            if fmt not in MIRROR_FORMATS or p.is_dir():
                unknown.append(p.name)
                continue
            _checked_mirror_file(p, mirror, max_bytes, source.source_id)
            fetched.append(
                (_copy_to_tmp(p, tmp_dir, max_bytes, source.source_id), p.name, "html" if fmt == "htm" else fmt)
            )
        if unknown:
            what = f"edition {folder.name}: skipped {', '.join(unknown)} (not a known file type: {', '.join(sorted(MIRROR_FORMATS))})"
            skipped.append(what if fetched else f"{what}; nothing else, so no edition")
        if not fetched:
            continue
        cand = Candidate(label=folder.name, files=fetched, origin="mirror", retrieved_at="")
        day = label_date(folder.name) or _content_date(source, cand)
        if day is None:
            raise AcquisitionError(
                source.source_id,
                str(folder),
                f"mirror edition {folder.name!r} names no date: name its folder after the day "
                "its files were saved (YYYY-MM-DD..., or YYYY-MM)",
            )
        cand.retrieved_at = timestamp(day)
        out.append(cand)
    return sorted(out, key=lambda c: (c.retrieved_at, c.label))


def _content_date(source: Source, cand: Candidate) -> date | None:
    """The date a source reads in the files themselves (e.g. "Cadastro atualizado em"), if any."""
    if not cand.files:
        return None
    try:
        return date.fromisoformat(source.edition_label(_probe(source, cand)) or "")
    except ValueError:
        return None


def http_candidates(source: Source, http: HttpClient, tmp_dir: Path) -> list[Candidate]:
    """The publisher's current edition: discover the links, download each file."""
    remote = source.discover(http)
    if not remote:
        raise AcquisitionError(source.source_id, None, "the landing page lists no files (page layout changed?)")
    retrieved = _utc_now()
    groups: dict[str | None, list[RemoteFile]] = {}
    for r in remote:  # files that name their edition (versioned publications) are editions of their own
        groups.setdefault(r.edition, []).append(r)
    return [
        Candidate(
            label=edition,
            files=[
                (
                    http.download(r.url, tmp_dir, source_id=source.source_id, file_name=r.file_name),
                    r.file_name,
                    r.file_format,
                )
                for r in files
            ],
            origin="http",
            retrieved_at=retrieved,
        )
        for edition, files in groups.items()
    ]


def _probe(source: Source, cand: Candidate) -> list[SourceFile]:
    """The fetched files as a source's hooks see them, before they are archived."""
    return [
        SourceFile(
            source_id=source.source_id,
            edition="?",
            path=d.path,
            file_name=name,
            file_format=fmt,
            sha256=d.sha256,
            url=d.url,
        )
        for d, name, fmt in cand.files
    ]


def _label_for(source: Source, cand: Candidate) -> str:
    if cand.label:
        return check_label(cand.label, source_id=source.source_id)
    label = source.edition_label(_probe(source, cand))
    if label:
        return check_label(label, source_id=source.source_id, where=cand.files[0][1] if cand.files else None)
    content = hashlib.sha256("".join(sorted(d.sha256 for d, _, _ in cand.files)).encode()).hexdigest()
    return f"{cand.retrieved_at[:10]}_{content[:8]}"


def acquire(
    source: Source,
    archive: Archive,
    *,
    http: HttpClient | None = None,
    mirror: Path | None = None,
    max_bytes: int | None = None,
) -> AcquisitionResult:
    """Fetch the source's editions and archive the new ones. Errors are returned, not raised, so that
    one failing publisher never stops the others. `max_bytes` caps a mirror's files as HTTP's settings
    cap a download (default: the HTTP client's cap)."""
    result = AcquisitionResult(source.source_id)
    sid = source.source_id
    archive.root.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix=".incoming-", dir=archive.root))
    try:
        if mirror is not None:
            if not mirror.is_dir():
                check_mirror(mirror, [sid])
            cap = max_bytes or (http.settings.max_bytes if http else HttpSettings().max_bytes)
            skipped: list[str] = []
            candidates = mirror_candidates(source, mirror, tmp_dir, max_bytes=cap, skipped=skipped)
            notes = skipped if candidates else [f"no editions under {mirror / sid}", *skipped]
            result.note = "; ".join(notes) or None
        else:
            candidates = http_candidates(source, http or HttpClient(), tmp_dir)
        existing = archive.editions(sid)
        known_sets = {frozenset(r.fingerprint or r.sha256 for r in rows): label for label, rows in existing.items()}
        # the same bytes are the same edition, even when archived under an older fingerprint rule
        known_bytes = {frozenset(r.sha256 for r in rows): label for label, rows in existing.items()}
        for cand in candidates:
            for dl, name, fmt in cand.files:
                check_file(dl.path, fmt, source_id=sid, file_name=name)  # bounded memory
            shas = frozenset(d.sha256 for d, _, _ in cand.files)
            known = known_bytes.get(shas)  # the same bytes: known without reading them (the no-op build)
            if not known:
                fingerprints = {
                    d.sha256: source.content_fingerprint(f) for (d, _, _), f in zip(cand.files, _probe(source, cand))
                }
                known = known_sets.get(frozenset(fingerprints.values()))
            if known:
                result.known_editions.append(known)
                continue
            label = _label_for(source, cand)
            if label in existing:
                if cand.origin == "mirror":
                    raise AcquisitionError(
                        sid,
                        None,
                        f"mirror edition {label!r} differs from the archived edition "
                        "of that name; archived editions are never rewritten",
                    )
                label = f"{label}_{hashlib.sha256(''.join(sorted(shas)).encode()).hexdigest()[:8]}"
            rows = []
            for dl, name, fmt in cand.files:
                if not archive.has_object(dl.sha256):
                    result.new_files += 1
                archive.store_object(dl.path, dl.sha256, source_id=sid, file_name=name)
                rows.append(
                    ManifestRow(
                        source_id=sid,
                        edition=label,
                        file_name=name,
                        file_format=fmt,
                        sha256=dl.sha256,
                        size=dl.size,
                        retrieved_at=cand.retrieved_at,
                        url=None if cand.origin == "mirror" else dl.url,
                        http_status=dl.status if cand.origin == "http" else None,
                        http_headers=dl.headers,
                        origin=cand.origin,
                        fingerprint=None if fingerprints[dl.sha256] == dl.sha256 else fingerprints[dl.sha256],
                    )
                )
            archive.add_edition(rows)
            existing[label] = rows
            known_sets[frozenset(fingerprints.values())] = label
            known_bytes[shas] = label
            result.new_editions.append(label)
    except PipelineError as exc:
        result.error = exc
    except Exception as exc:  # a bug in a source's discover/edition_label must still name the source
        result.error = AcquisitionError(sid, None, f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    return result
