"""Where Dagster keeps its runs, event log and schedules: SQLite files under the instance directory (the
default), or PostgreSQL when `FAST_DAGSTER_STORAGE_URL=postgresql://user:password@host:port/database` is set,
so that a webserver, a daemon and run workers on different machines share one history (docs/deploy.md).

The generated dagster.yaml names the variable, not its value, so a password never lands in a file: every
process that opens the instance needs the variable in its environment (prepare_environment exports it).
The URL is checked when settings are read, and the server is reached once before a build starts, so a typo
or a server that is down is one line naming the variable rather than a traceback from inside Dagster.
"""

from __future__ import annotations

import os

from fast_pipeline.core.errors import ConfigError

ENV = "FAST_DAGSTER_STORAGE_URL"
EXAMPLE = "postgresql://user:password@host:5432/database"
DRIVERS = ("postgresql", "postgresql+psycopg2")  # dagster-postgres connects with psycopg2
CONNECT_TIMEOUT_S = 10

# dagster-postgres's one `storage` section covers runs, the event log and schedules.
STORAGE_YAML = f"""\
storage:
  postgres:
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
