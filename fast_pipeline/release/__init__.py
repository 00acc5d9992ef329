"""Versioned, immutable releases of the dataset (see writer.py)."""

from fast_pipeline.release.writer import ReleaseResult, list_releases, write_release

__all__ = ["ReleaseResult", "list_releases", "write_release"]
