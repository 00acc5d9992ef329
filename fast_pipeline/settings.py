"""All configuration in one place, read from the environment (with defaults that work in a fresh clone).

| variable | default | meaning |
|---|---|---|
| FAST_DATA_DIR | `<repo>/data` | runtime outputs: archive, cache, warehouse, releases, Dagster instance |
| FAST_DUCKDB_PATH | `$FAST_DATA_DIR/warehouse.duckdb` | the embedded warehouse |
| FAST_WAREHOUSE_URL | `duckdb:///$FAST_DUCKDB_PATH` | the warehouse: that DuckDB file, or `postgresql://user:password@host:port/db` |
| FAST_DAGSTER_STORAGE_URL | unset (SQLite under DAGSTER_HOME) | Dagster's runs, events, schedules on PostgreSQL (docs/deploy.md) |
| FAST_SOURCE_MIRROR | unset | replay `DIR/<source_id>/<edition>/<file>` instead of the network |
| FAST_LOCK_WAIT | 10 | seconds a writer (`build`, `verify`) waits for another to release the data directory |
| FAST_MAX_CONCURRENT_RUNS | 4 | Dagster runs at once when the warehouse and Dagster's storage are both on PostgreSQL (else 1) |
| DAGSTER_HOME | `$FAST_DATA_DIR/dagster` | the Dagster instance (read once, when settings are built) |
| FAST_HTTP_USER_AGENT, FAST_HTTP_CONNECT_TIMEOUT, FAST_HTTP_READ_TIMEOUT, FAST_HTTP_RETRIES, FAST_HTTP_BACKOFF, FAST_HTTP_MAX_BYTES, FAST_HTTP_DEADLINE | see HttpSettings | acquisition (MAX_BYTES caps mirror files too) |

Every numeric variable is checked when settings are read: a value that is not a number, or is negative
(zero too, where zero would mean "no time" or "no bytes"), is a `ConfigError` naming the variable.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from fast_pipeline.core.errors import ConfigError
from fast_pipeline.core.http import HttpSettings
from fast_pipeline.core.locks import DEFAULT_WAIT
from fast_pipeline.core.warehouse import DRIVERS, POSTGRES, SETTING, parse_url
from fast_pipeline.dagster_storage import storage_url_from_env

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


# field -> (type, smallest value allowed)
_HTTP_NUMBERS = {
    "connect_timeout": (float, 0.0),
    "read_timeout": (float, 0.0),
    "deadline": (float, 0.0),
    "retries": (int, 0),
    "backoff": (float, 0),
    "max_bytes": (int, 1),
}
_POSITIVE = {"connect_timeout", "read_timeout", "deadline"}


def _number(name: str, text: str, kind: type, least: float, positive: bool) -> float | int:
    try:
        value = kind(text.strip())
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(name, f"{text!r} is not {what}") from None
    if not math.isfinite(value) or value < least or (positive and value <= 0):
        raise ConfigError(name, f"{text!r} must be {'above' if positive else 'at least'} {least:g}")
    return value


def _lock_wait_from_env() -> float:
    text = os.environ.get("FAST_LOCK_WAIT", "")
    return DEFAULT_WAIT if text == "" else float(_number("FAST_LOCK_WAIT", text, float, 0.0, False))


DEFAULT_CONCURRENT_RUNS = 4


def _concurrent_runs_from_env() -> int:
    text = os.environ.get("FAST_MAX_CONCURRENT_RUNS", "")
    return DEFAULT_CONCURRENT_RUNS if text == "" else int(_number("FAST_MAX_CONCURRENT_RUNS", text, int, 1, True))


def _http_from_env() -> HttpSettings:
    known = {f"FAST_HTTP_{k.upper()}" for k in (*_HTTP_NUMBERS, "user_agent")}
    for name in sorted(os.environ):
        if name.startswith("FAST_HTTP_") and name not in known:
            raise ConfigError(name, f"unknown setting (known: {', '.join(sorted(known))})")
    overrides: dict = {}
    if os.environ.get("FAST_HTTP_USER_AGENT"):
        overrides["user_agent"] = os.environ["FAST_HTTP_USER_AGENT"]
    for key, (kind, least) in _HTTP_NUMBERS.items():
        name = f"FAST_HTTP_{key.upper()}"
        if os.environ.get(name, "") != "":
            overrides[key] = _number(name, os.environ[name], kind, least, key in _POSITIVE)
    return replace(HttpSettings(), **overrides)


def _warehouse_from_env(duckdb_path: Path) -> tuple[Path, str | None]:
    """(DuckDB file, PostgreSQL URL or None) from FAST_WAREHOUSE_URL; a duckdb:/// URL names the file."""
    text = os.environ.get(SETTING, "").strip()
    if not text:
        return duckdb_path, None
    url = parse_url(text)
    if DRIVERS[url.drivername] == POSTGRES:
        return duckdb_path, text
    return Path(url.database).expanduser().resolve(), None


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    duckdb_path: Path
    mirror: Path | None = None
    http: HttpSettings = field(default_factory=HttpSettings)
    dagster_storage_url: str | None = None  # PostgreSQL for Dagster's storage; None: SQLite in the instance
    instance_dir: Path | None = None  # the Dagster instance; None: <data_dir>/dagster
    lock_wait: float = DEFAULT_WAIT  # core.locks: how long a second writer waits
    postgres_url: str | None = None  # FAST_WAREHOUSE_URL when it is PostgreSQL; None: the DuckDB file
    max_concurrent_runs: int = DEFAULT_CONCURRENT_RUNS  # environment.dagster_yaml: with PostgreSQL only

    @property
    def warehouse_url(self) -> str:
        """The warehouse's SQLAlchemy URL (core.warehouse.engine turns it into the one Engine)."""
        return self.postgres_url or f"duckdb:///{self.duckdb_path}"

    @property
    def warehouse_kind(self) -> str:
        """`duckdb` or `postgresql`: the dbt target too."""
        return POSTGRES if self.postgres_url else "duckdb"

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = _env_path("FAST_DATA_DIR", REPO_ROOT / "data")
        mirror = os.environ.get("FAST_SOURCE_MIRROR")
        duckdb_path, postgres_url = _warehouse_from_env(_env_path("FAST_DUCKDB_PATH", data_dir / "warehouse.duckdb"))
        return cls(
            data_dir=data_dir,
            duckdb_path=duckdb_path,
            postgres_url=postgres_url,
            mirror=Path(mirror).expanduser().resolve() if mirror else None,
            http=_http_from_env(),
            dagster_storage_url=storage_url_from_env(),
            instance_dir=_env_path("DAGSTER_HOME", data_dir / "dagster"),
            lock_wait=_lock_wait_from_env(),
            max_concurrent_runs=_concurrent_runs_from_env(),
        )

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def releases_dir(self) -> Path:
        return self.data_dir / "releases"

    @property
    def dagster_home(self) -> Path:
        return self.instance_dir or self.data_dir / "dagster"
