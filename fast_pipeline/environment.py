"""Process environment for Dagster and dbt: instance under data/, telemetry off, manifest prepared."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from fast_pipeline import dagster_storage
from fast_pipeline.core import warehouse
from fast_pipeline.settings import DBT_PROJECT_DIR, Settings

GENERATED_MARK = "# Written by fast-pipeline."
DAGSTER_YAML = f"""\
{GENERATED_MARK} The instance lives under data/ (or $DAGSTER_HOME), never in the home directory.
# Rewritten when fast-pipeline's version of it changes; delete the first line to keep your own edits.
telemetry:
  enabled: false
nux:
  enabled: false  # no "Join the Dagster community" dialog over a fresh browser
compute_logs:  # each step's stdout and stderr, in the UI; no `tail` processes echoing them here
  module: fast_pipeline.orchestration.compute_logs
  class: FileComputeLogManager
  config:
    base_dir: {{compute_logs}}
run_coordinator:
  module: dagster.core.run_coordinator
  class: QueuedRunCoordinator
  config:
{{queue}}"""


ONE_RUN_AT_A_TIME = """\
    # One run at a time: the embedded DuckDB warehouse has one writer (and SQLite storage, one host).
    max_concurrent_runs: 1
"""
# With the warehouse and Dagster's storage both on PostgreSQL, runs go on at once, within two limits:
# editions of one source in turn (an edition's publish gate reads the one before it), and one publish
# (dbt, resolution, release) at a time, as `fast-pipeline build` takes turns (core.warehouse.publish_lock).
PUBLISH_TAG = "fast-pipeline/publish"
PUBLISH_RUN_TAGS = {PUBLISH_TAG: "warehouse"}  # on the publish job's runs and the automation sensor's
CONCURRENT_RUNS = f"""\
    max_concurrent_runs: {{runs}}
    tag_concurrency_limits:
      - key: source
        value:
          applyLimitPerUniqueValue: true
        limit: 1
      - key: {PUBLISH_TAG}
        limit: 1
"""


# SQLite storage: Dagster's default files and layout, through an open connection per database
# (orchestration/sqlite_event_log.py: storing an event cost 5-11 ms, hundreds of them per publish;
# orchestration/sqlite_run_storage.py: about 20 ms of every run), and new databases copied from empty ones
# made once per process (orchestration/sqlite_empty.py: 0.2 s for every new data directory).
SQLITE_STORAGE_YAML = """\
run_storage:
  module: fast_pipeline.orchestration.sqlite_run_storage
  class: PooledSqliteRunStorage
  config:
    base_dir: {runs_dir}
event_log_storage:
  module: fast_pipeline.orchestration.sqlite_event_log
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {event_log_dir}
schedule_storage:
  module: fast_pipeline.orchestration.sqlite_schedule_storage
  class: CopiedSqliteScheduleStorage
  config:
    base_dir: {schedules_dir}
"""


def dagster_yaml(settings: Settings) -> str:
    """The instance configuration: the base above, with Postgres storage when FAST_DAGSTER_STORAGE_URL is set,
    and concurrent runs when the warehouse is on PostgreSQL too (FAST_MAX_CONCURRENT_RUNS, default 4)."""
    shared = settings.dagster_storage_url and settings.warehouse_kind == "postgresql"
    queue = CONCURRENT_RUNS.format(runs=settings.max_concurrent_runs) if shared else ONE_RUN_AT_A_TIME
    if settings.dagster_storage_url:
        storage = dagster_storage.STORAGE_YAML
    else:  # where Dagster's default SQLite storage keeps runs.db and the event log
        history = settings.dagster_home / "history"
        storage = SQLITE_STORAGE_YAML.format(
            runs_dir=json.dumps(str(history)),
            event_log_dir=json.dumps(str(history / "runs")),
            schedules_dir=json.dumps(str(settings.dagster_home / "schedules")),
        )
    compute_logs = json.dumps(str(settings.dagster_home / "storage"))  # where Dagster's default keeps them
    return DAGSTER_YAML.format(queue=queue, compute_logs=compute_logs) + storage


DBT_INPUTS = ("models", "macros", "tests", "seeds", "dbt_project.yml", "profiles.yml")


@contextlib.contextmanager
def replaced_whole(path: Path) -> Iterator[Path]:
    """A file to write beside `path` that then replaces it, by rename: another process may be reading it.
    If writing it fails, it is removed and `path` stays as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f"{path.name}.{os.getpid()}.new")
    try:
        yield staged
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)


def installed_versions(distributions) -> dict[str, str | None]:
    """Python's version and each distribution's (None when it is not installed): what a cache of dbt's
    derived objects (config schemas, compiled templates) is valid for."""
    import sys
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    return {"python": sys.version, **{name: installed(name) for name in distributions}}


def prepare_environment(settings: Settings) -> None:
    """Export what Dagster and dbt read from the environment, before either is imported."""
    if settings.dagster_storage_url:  # before anything is written: a server that is down is one line
        dagster_storage.check_reachable(settings.dagster_storage_url)
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    current = config.read_text(encoding="utf-8") if config.exists() else None
    wanted = dagster_yaml(settings)
    if current is None or (current.startswith(GENERATED_MARK) and current != wanted):
        config.write_text(wanted, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    if settings.dagster_storage_url:  # dagster.yaml names the variable; every process must have it
        os.environ[dagster_storage.ENV] = settings.dagster_storage_url
    else:
        os.environ.pop(dagster_storage.ENV, None)
    # In-process Dagster runs build their resources from the environment: hand them these settings.
    os.environ["FAST_DATA_DIR"] = str(settings.data_dir)
    os.environ["FAST_DUCKDB_PATH"] = str(settings.duckdb_path)
    warehouse.export_dbt_environment(settings.warehouse_url)  # dbt's profile: target and connection
    if settings.mirror:
        os.environ["FAST_SOURCE_MIRROR"] = str(settings.mirror)
    else:
        os.environ.pop("FAST_SOURCE_MIRROR", None)
    for name, value in asdict(settings.http).items():
        os.environ[f"FAST_HTTP_{name.upper()}"] = str(value)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


def newest_project_change(root: Path = DBT_PROJECT_DIR) -> float:
    """The newest change to the dbt project's inputs. Folders count: deleting a model changes only its
    folder's time, and a manifest that still holds the deleted model would define its asset."""
    newest = 0.0
    for name in DBT_INPUTS:
        p = root / name
        paths = [p, *p.rglob("*")] if p.is_dir() else [p]
        newest = max([newest, *(q.stat().st_mtime for q in paths if q.exists())])
    return newest


SAVED_MANIFEST = "manifest.pickle"  # a whole parse (dbt_in_process.parsed_manifest), beside dbt's partial one


def project_digest(root: Path = DBT_PROJECT_DIR) -> str:
    """A digest of the dbt project's inputs (each file's path and bytes): what a saved parse must match."""
    digest = hashlib.sha256()
    for name in DBT_INPUTS:
        p = root / name
        for q in sorted(p.rglob("*")) if p.is_dir() else [p]:
            if q.is_file():
                digest.update(f"{q.relative_to(root).as_posix()}\0{q.stat().st_size}\0".encode())
                digest.update(q.read_bytes())
    return digest.hexdigest()


def ensure_dbt_manifest(force: bool = False, on_parse=None) -> Path:
    """`dbt parse` when the manifest is missing or older than the dbt project; @dbt_assets needs it at import.

    It parses with the canonical DuckDB profile (orchestration/dbt_in_process.py), whatever this machine's
    warehouse: the manifest is the same everywhere, and the parse it saves beside it (whole, in
    manifest.pickle, and dbt's partial parse) is what every DuckDB data directory's first build starts
    from. `on_parse` is called before a parse (a few seconds: a build says so)."""
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    stale = not manifest.exists() or manifest.stat().st_mtime < newest_project_change()
    if force or stale or not (manifest.parent / SAVED_MANIFEST).exists():
        from fast_pipeline.orchestration import dbt_in_process as dbt

        if on_parse is not None:
            on_parse()
        parsed = dbt.parse(manifest.parent, dbt.CANONICAL_ENVIRONMENT)
        dbt.save_manifest(manifest.parent / SAVED_MANIFEST, dbt.parse_key(dbt.CANONICAL_ENVIRONMENT), parsed)
        manifest.touch()
    return manifest
