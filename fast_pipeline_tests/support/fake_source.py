"""A minimal Source for framework tests: its files are whatever the test's loopback server offers."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fast_pipeline.core.source import Gate, RemoteFile, Source, SourceMetadata


class FakeSource(Source):
    def __init__(self, source_id: str, files: list[RemoteFile] | None = None):
        self.metadata = SourceMetadata(
            source_id=source_id,
            title="Fake",
            publisher="Test",
            authority="Test",
            jurisdiction="BR",
            landing_url="http://127.0.0.1/",
            formats=("pdf", "csv"),
            cadence="never",
            schedule_cron="0 0 1 1 *",
            gate=Gate(min_rows=1, max_rows=10),
            licence="test",
            attribution="test",
        )
        self.files = files or []

    def discover(self, http):
        return list(self.files)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under root with its sha256: equal before and after means nothing changed."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
