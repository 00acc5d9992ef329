"""Dagster's new SQLite databases, made once per process and copied wherever another one is needed.

Dagster creates each of its SQLite databases (runs.db, the event log's index.db and one per run,
schedules.db) by running its DDL, stamping the alembic revision and marking its data migrations as done:
about 0.2 s for a new data directory and 10-30 ms for each run's database, the same result every time.
Here Dagster's own initialisation makes each kind once, in a scratch directory, and a new database is a
copy of those bytes. A copy is put in place by a hard link, so it never replaces a database that another
process created meanwhile, and nobody ever opens a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable

_EMPTY: dict[str, bytes] = {}


def empty_database(kind: str, make: Callable[[str], str]) -> bytes:
    """The bytes of the database that `make(scratch_dir)` creates (it returns its path) with Dagster's own
    initialisation, made once per process for each kind. `make` must leave no connection open: the file
    is then whole, with nothing left in a write-ahead log."""
    made = _EMPTY.get(kind)
    if made is None:
        with tempfile.TemporaryDirectory() as scratch:
            path = make(scratch)
            if os.path.exists(f"{path}-wal"):
                raise RuntimeError(f"{kind}: the empty database still has a write-ahead log")
            with open(path, "rb") as empty:
                made = _EMPTY[kind] = empty.read()
    return made


def place_copy(path: str, content: Callable[[], bytes]) -> bool:
    """Create `path` with `content()` unless it exists; False if it did (or another process created it).
    `content` is only called for a database that is missing: an existing data directory makes no empty one."""
    if os.path.exists(path):
        return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    staged = f"{path}.{os.getpid()}.new"  # not *.db: Dagster lists the run databases by that suffix
    with open(staged, "wb") as out:
        out.write(content())
    try:
        os.link(staged, path)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(staged)


class CopiedWhenNew:
    """For a subclass of a Dagster SQLite storage made by `from_local(base_dir)` (runs.db, schedules.db):
    a missing `<DATABASE>.db` is first placed as a copy of the one `DAGSTER_CLASS` creates, then Dagster's
    own `from_local` checks (and migrates) it as it would any existing database."""

    DATABASE: str
    DAGSTER_CLASS: type

    @classmethod
    def from_config_value(cls, inst_data, config_value):
        return cls.from_local(inst_data=inst_data, **config_value)  # Dagster's names its own class here

    @classmethod
    def from_local(cls, base_dir: str, inst_data=None):
        def make(scratch: str) -> str:
            cls.DAGSTER_CLASS.from_local(scratch).dispose()
            return os.path.join(scratch, f"{cls.DATABASE}.db")

        place_copy(os.path.join(base_dir, f"{cls.DATABASE}.db"), lambda: empty_database(cls.DATABASE, make))
        return super().from_local(base_dir, inst_data)
