"""Shared fixtures. The publishers' saved files are read in place from ../shared/sources, never copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_SOURCES = Path(os.environ.get("FAST_SHARED_SOURCES", REPO_ROOT.parent / "shared" / "sources"))


@pytest.fixture(scope="session")
def shared_sources() -> Path:
    if not SHARED_SOURCES.is_dir():
        pytest.fail(f"saved publisher files not found at {SHARED_SOURCES} (set FAST_SHARED_SOURCES)")
    return SHARED_SOURCES


def saved_file(source_id: str, edition: str) -> Path:
    """The single saved file of one edition folder under ../shared/sources."""
    files = sorted((SHARED_SOURCES / source_id / edition).iterdir())
    assert len(files) == 1, files
    return files[0]
