"""Whether a release's files are still the ones it was written with: each against its SHA256SUMS line."""

from __future__ import annotations

from pathlib import Path

from fast_pipeline.core.archive import file_sha256

SUMS = "SHA256SUMS"


def release_damage(release_dir: Path) -> list[str]:
    """One line per file that is missing, changed or unlisted (empty: the release is intact)."""
    sums = release_dir / SUMS
    if not sums.is_file():
        return [f"{SUMS} is missing"]
    problems, listed = [], set()
    for n, line in enumerate(sums.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or "/" in name:
            problems.append(f"{SUMS} line {n} is unreadable")
            continue
        listed.add(name)
        path = release_dir / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif file_sha256(path) != digest:
            problems.append(f"{name} does not match {SUMS}")
    for path in sorted(release_dir.iterdir()):
        if path.is_file() and path.name != SUMS and path.name not in listed:
            problems.append(f"{path.name} is not listed in {SUMS}")
    return problems
