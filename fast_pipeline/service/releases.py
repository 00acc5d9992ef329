"""The release the service answers from, and the switch to a newer one without a restart.

Everything a request needs is built into one immutable `Served` object beside the one in use; the switch is a
single reference assignment, so a request that has taken `holder.current` finishes on the release it started
with and no request ever sees half a release.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from fast_pipeline.screening.engine import Screener
from fast_pipeline.screening.release_reader import Release, load_release, release_path
from fast_pipeline.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Served:
    release: Release
    screener: Screener
    parties: dict[str, dict]  # every party (goods listings too), by party_id
    redirects: dict[str, str]  # superseded party_id -> the party that absorbed it
    versions: dict[str, list[dict]]  # action_id -> its history rows, oldest first
    changes: dict[str, list[dict]]  # action_id -> its field changes, oldest first
    source_ids: frozenset[str]
    loaded_at: str

    @property
    def version(self) -> str:
        return self.release.version


def _optional_table(path: Path) -> list[dict]:
    return pq.read_table(path).to_pylist() if path.is_file() else []


def load_served(path: Path) -> Served:
    release = load_release(path)
    screener = Screener(release)
    redirects = {
        r["old_party_id"]: r["party_id"]
        for r in _optional_table(path / "party_redirects.parquet")
        if r["old_party_id"] != r["party_id"]
    }
    versions: dict[str, list[dict]] = defaultdict(list)
    for row in sorted(release.history, key=lambda r: (r["action_id"], r["version"])):
        versions[row["action_id"]].append(row)
    changes: dict[str, list[dict]] = defaultdict(list)
    for row in sorted(
        _optional_table(path / "action_changes.parquet"), key=lambda r: (r["action_id"], r["edition_seq"])
    ):
        changes[row["action_id"]].append(row)
    return Served(
        release=release,
        screener=screener,
        parties={p["party_id"]: p for p in release.parties},
        redirects=redirects,
        versions=dict(versions),
        changes=dict(changes),
        source_ids=frozenset(a["source_id"] for a in release.actions),
        loaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


class ReleaseHolder:
    """The served release; with no pinned version, a thread polls the releases folder and switches to a newer
    release once it is fully loaded."""

    def __init__(self, settings: Settings, version: str | None = None, poll_seconds: float = 5.0):
        self.settings, self.pinned, self.poll_seconds = settings, version, poll_seconds
        self.current: Served = load_served(release_path(settings, version))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        """Load and switch to the newest release if it is not the one served; True when it switched."""
        newest = release_path(self.settings)
        if newest.name == self.current.version:
            return False
        served = load_served(newest)  # beside the current one: requests keep being answered meanwhile
        self.current = served  # one reference assignment: atomic for every reader
        log.info("now serving release %s", served.version)
        return True

    def start(self) -> None:
        if self.pinned is None and self._thread is None:
            self._thread = threading.Thread(target=self._poll, name="release-poll", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _poll(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.check()
            except Exception:  # a half-written or broken release: keep serving the current one
                log.exception("could not load the newest release; still serving %s", self.current.version)
