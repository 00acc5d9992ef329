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


@pytest.fixture
def loopback():
    """A loopback HTTP server (127.0.0.1, free port) with scriptable routes."""
    from fast_pipeline_tests.support.http_server import LoopbackServer

    with LoopbackServer() as server:
        yield server


@pytest.fixture
def fast_http():
    """HTTP settings for tests: short timeouts and backoff so fault tests stay quick."""
    from fast_pipeline.core.http import HttpClient, HttpSettings

    return HttpClient(HttpSettings(connect_timeout=2, read_timeout=1.5, retries=2, backoff=0.05, max_bytes=5_000_000))
