"""All configuration in one place, read from the environment (with defaults that work in a fresh clone).

| variable | default | meaning |
|---|---|---|
| FAST_DATA_DIR | `<repo>/data` | runtime outputs: archive, cache, warehouse, releases, Dagster instance |
| FAST_DUCKDB_PATH | `$FAST_DATA_DIR/warehouse.duckdb` | the embedded warehouse |
| FAST_DAGSTER_STORAGE_URL | unset (SQLite under DAGSTER_HOME) | Dagster's runs, events, schedules on PostgreSQL (docs/deploy.md) |
| FAST_SOURCE_MIRROR | unset | replay `DIR/<source_id>/<edition>/<file>` instead of the network |
| DAGSTER_HOME | `$FAST_DATA_DIR/dagster` | the Dagster instance (read once, when settings are built) |
| FAST_HTTP_USER_AGENT, FAST_HTTP_CONNECT_TIMEOUT, FAST_HTTP_READ_TIMEOUT, FAST_HTTP_RETRIES, FAST_HTTP_BACKOFF, FAST_HTTP_MAX_BYTES | see HttpSettings | acquisition |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from fast_pipeline.core.http import HttpSettings
from fast_pipeline.dagster_storage import storage_url_from_env

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def _http_from_env() -> HttpSettings:
    base = HttpSettings()
    conv = {
        "user_agent": str,
        "connect_timeout": float,
        "read_timeout": float,
        "retries": int,
        "backoff": float,
        "max_bytes": int,
    }
    overrides = {
        k: f(os.environ[f"FAST_HTTP_{k.upper()}"]) for k, f in conv.items() if os.environ.get(f"FAST_HTTP_{k.upper()}")
    }
    return replace(base, **overrides)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    duckdb_path: Path
    mirror: Path | None = None
    http: HttpSettings = field(default_factory=HttpSettings)
    dagster_storage_url: str | None = None  # PostgreSQL for Dagster's storage; None: SQLite in the instance
    instance_dir: Path | None = None  # the Dagster instance; None: <data_dir>/dagster

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = _env_path("FAST_DATA_DIR", REPO_ROOT / "data")
        mirror = os.environ.get("FAST_SOURCE_MIRROR")
        return cls(
            data_dir=data_dir,
            duckdb_path=_env_path("FAST_DUCKDB_PATH", data_dir / "warehouse.duckdb"),
            mirror=Path(mirror).expanduser().resolve() if mirror else None,
            http=_http_from_env(),
            dagster_storage_url=storage_url_from_env(),
            instance_dir=_env_path("DAGSTER_HOME", data_dir / "dagster"),
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
