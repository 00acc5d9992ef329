"""The one resource every asset uses: where data lives, the mirror, HTTP settings (from the environment)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from dagster import ConfigurableResource

from fast_pipeline.core import warehouse
from fast_pipeline.core.archive import Archive
from fast_pipeline.core.http import HttpClient
from fast_pipeline.core.locks import writer_lock
from fast_pipeline.settings import Settings


class PipelineResource(ConfigurableResource):
    """Settings come from the environment (see fast_pipeline.settings); fields here override them."""

    data_dir: str | None = None
    duckdb_path: str | None = None
    mirror: str | None = None

    def settings(self) -> Settings:
        s = Settings.from_env()
        if self.data_dir:
            s = replace(s, data_dir=Path(self.data_dir), duckdb_path=Path(self.data_dir) / "warehouse.duckdb")
        if self.duckdb_path:
            s = replace(s, duckdb_path=Path(self.duckdb_path))
        if self.mirror:
            s = replace(s, mirror=Path(self.mirror))
        os.environ["FAST_DUCKDB_PATH"] = str(s.duckdb_path)
        warehouse.export_dbt_environment(s.warehouse_url)  # dbt's profile reads the same warehouse
        return s

    def writing(self, command: str):
        """The data directory's writer lock (core.locks): a run from the UI and a CLI build never write at
        once. Re-entrant, so a CLI build's in-process runs pass straight through the lock it holds."""
        settings = self.settings()
        return writer_lock(settings.data_dir, command, settings.lock_wait)

    def archive(self) -> Archive:
        return Archive(self.settings().archive_dir)

    def http(self) -> HttpClient:
        return HttpClient(self.settings().http)
