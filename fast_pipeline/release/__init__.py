"""Versioned, immutable releases of the dataset (writer.py), and what changed between two (changes.py)."""

from fast_pipeline.release.changes import Changes
from fast_pipeline.release.writer import (
    ReleaseError,
    ReleaseResult,
    list_releases,
    release_diff,
    release_path,
    write_release,
)

__all__ = ["Changes", "ReleaseError", "ReleaseResult", "list_releases", "release_diff", "release_path", "write_release"]
