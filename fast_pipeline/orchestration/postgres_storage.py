"""Dagster's PostgreSQL storage, opened by one process at a time on its database (the generated dagster.yaml
names it when `FAST_DAGSTER_STORAGE_URL` is set; docs/deploy.md's examples too).

dagster-postgres creates its tables when a storage opens and finds none, and two processes doing that at
once on a new database may collide inside PostgreSQL (dagster_storage.tables_created_alone). Taking the lock
in the storage itself covers every process that opens the instance, not only builds: `dagster-webserver`,
`dagster-daemon` and each run worker started at the same moment as a host's first build.
"""

from __future__ import annotations

from dagster_postgres import DagsterPostgresStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config

from fast_pipeline.dagster_storage import tables_created_alone


class PostgresStorageCreatedAlone(DagsterPostgresStorage):
    """DagsterPostgresStorage whose opening (where it creates the tables it finds missing) holds the
    storage's advisory lock; one that is told not to create tables takes none."""

    def __init__(self, postgres_url: str, should_autocreate_tables: bool = True, inst_data=None, token_provider=None):
        with tables_created_alone(postgres_url if should_autocreate_tables else None):
            super().__init__(postgres_url, should_autocreate_tables, inst_data, token_provider)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> PostgresStorageCreatedAlone:
        return cls(
            inst_data=inst_data,
            postgres_url=pg_url_from_config(config_value),
            should_autocreate_tables=config_value.get("should_autocreate_tables", True),
            token_provider=get_token_provider_from_config(config_value),
        )
