"""Where Dagster keeps its runs, event log and schedules: SQLite files under the instance directory (the
default), or PostgreSQL when `FAST_DAGSTER_STORAGE_URL=postgresql://user:password@host:port/database` is set,
so that a webserver, a daemon and run workers on different machines share one history (docs/deploy.md).

The generated dagster.yaml names the variable, not its value, so a password never lands in a file: every
process that opens the instance needs the variable in its environment (prepare_environment exports it).
The URL is checked when settings are read, and the server is reached once before a build starts, so a typo
or a server that is down is one line naming the variable rather than a traceback from inside Dagster.
Every process opens the storage one at a time per database (tables_created_alone, taken by the storage class
the file names, orchestration/postgres_storage.py): a new database gets Dagster's tables from the first, whole.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from fast_pipeline.core.errors import ConfigError

ENV = "FAST_DAGSTER_STORAGE_URL"
EXAMPLE = "postgresql://user:password@host:5432/database"
DRIVERS = ("postgresql", "postgresql+psycopg2")  # dagster-postgres connects with psycopg2
CONNECT_TIMEOUT_S = 10
TABLES_LOCK_KEY = 0x66617374_64616773  # PostgreSQL advisory lock of Dagster's tables' creation ("fastdags")
TABLES_LOCK_WAIT_S = 60  # creating them takes about a second

# One `storage` section covers runs, the event log and schedules: dagster-postgres's storage, opened under
# the lock (orchestration/postgres_storage.py), configured as dagster-postgres's own `postgres` section is.
STORAGE_MODULE, STORAGE_CLASS = "fast_pipeline.orchestration.postgres_storage", "PostgresStorageCreatedAlone"
STORAGE_YAML = f"""\
storage:
  custom:
    module: {STORAGE_MODULE}
    class: {STORAGE_CLASS}
    config:
      postgres_url:
        env: {ENV}  # the URL stays in the environment, never in this file
"""


def storage_url_from_env() -> str | None:
    """The checked URL from the environment, or None (SQLite under the instance directory)."""
    text = os.environ.get(ENV, "").strip()
    return check_url(text) if text else None


def check_url(text: str) -> str:
    """`text` if it is a PostgreSQL URL Dagster can use, else a ConfigError naming the variable."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except ArgumentError:
        raise ConfigError(ENV, f"not a database URL (expected {EXAMPLE})") from None
    except ValueError:  # the only number in a URL
        raise ConfigError(ENV, f"the port is not a number (expected {EXAMPLE})") from None
    shown = url.render_as_string(hide_password=True)
    if url.drivername not in DRIVERS:
        raise ConfigError(ENV, f"{shown}: must be a PostgreSQL URL ({EXAMPLE})")
    if not url.database:
        raise ConfigError(ENV, f"{shown}: names no database ({EXAMPLE})")
    if not url.host and "host" not in url.query:
        raise ConfigError(ENV, f"{shown}: names no host ({EXAMPLE})")
    return text


def check_reachable(text: str) -> None:
    """Connect once; a server that is down, a wrong password or a missing database is one ConfigError."""
    import sqlalchemy
    from sqlalchemy.engine import make_url

    shown = make_url(text).render_as_string(hide_password=True)
    engine = sqlalchemy.create_engine(text, connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    try:
        with engine.connect():
            pass
    except sqlalchemy.exc.DBAPIError as exc:
        reason = " ".join(str(exc.orig or exc).split())
        raise ConfigError(ENV, f"cannot connect to {shown}: {reason}") from None
    finally:
        engine.dispose()


@contextlib.contextmanager
def tables_created_alone(text: str | None) -> Iterator[None]:
    """Hold, on the storage's database, the lock under which every process opens the Dagster storage
    (`text`: its URL; None, SQLite: nothing to hold, a data directory has one writer).

    dagster-postgres creates its tables when a storage opens and finds none. Two processes doing that at once
    race inside PostgreSQL: CREATE TABLE checks the table's name, then separately its row type's, so the
    loser may fail with `type "runs" already exists` (42710), which dagster-postgres does not retry (it
    retries 42P07 and unique violations). Hosts whose first builds start together on a new database met it
    (postgres/test_builds_on_postgres.py). The warehouse's advisory locks serve (warehouse.advisory_lock):
    the server drops the lock if its holder dies; a holder that takes over TABLES_LOCK_WAIT_S is one line."""
    if text is None:
        yield
        return
    from fast_pipeline.core import warehouse

    with warehouse.advisory_lock(
        text, TABLES_LOCK_KEY, doing="opening this Dagster storage", wait=TABLES_LOCK_WAIT_S, who="another process"
    ):
        yield
