"""Dagster runs started by the command line, recorded so that the UI shows them as its own.

- Runs carry the remote job origin of the code location that `workspace.yaml` defines (the one `./dev ui`
  loads): the UI's Overview timeline and job pages list only runs whose origin names a loaded repository,
  and a plain `execute_in_process` run has none.
- Steps run in this process (the definitions use the in-process executor), so a CLI run costs no
  subprocess or re-import, and a run launched from the UI behaves the same way.
- Acquisition runs as plain Python before any of this is imported (a no-op build never loads Dagster); what
  it archived is reported to the instance as a materialization of `<source>/acquisition`.

This module uses a few of Dagster's internal execution APIs (pinned version: see constraints.txt); the
public `execute_job` has no way to give a run its workspace origin.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from dagster import AssetMaterialization, AssetObservation, DagsterInstance, MetadataValue
from dagster._core.definitions.reconstruct import ReconstructableJob, ReconstructableRepository
from dagster._core.execution.api import create_execution_plan, execute_run
from dagster._core.execution.execute_in_process import merge_run_tags
from dagster._core.execution.job_execution_result import JobExecutionResult
from dagster._core.remote_origin import RemoteRepositoryOrigin
from dagster._core.workspace.load import location_origins_from_yaml_paths
from sqlalchemy.engine import Engine

from fast_pipeline.orchestration.dagster_migrations import read_migrations_once
from fast_pipeline.settings import REPO_ROOT

WORKSPACE_YAML = REPO_ROOT / "workspace.yaml"
DEFINITIONS_MODULE, DEFINITIONS_ATTRIBUTE = "fast_pipeline.definitions", "defs"
REPOSITORY_NAME = "__repository__"  # what Dagster names the repository of a `Definitions` object
# The run log goes to the instance (the UI shows it); the terminal gets the build's own one-line reports.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@functools.cache
def repository_origin() -> RemoteRepositoryOrigin:
    """The repository as the UI knows it: the (only) code location of workspace.yaml."""
    locations = location_origins_from_yaml_paths([str(WORKSPACE_YAML)])
    if len(locations) != 1:
        raise RuntimeError(f"{WORKSPACE_YAML} must define exactly one code location, found {len(locations)}")
    return RemoteRepositoryOrigin(code_location_origin=locations[0], repository_name=REPOSITORY_NAME)


@functools.cache
def _repository() -> ReconstructableRepository:
    return ReconstructableRepository.for_module(
        DEFINITIONS_MODULE, DEFINITIONS_ATTRIBUTE, working_directory=str(REPO_ROOT)
    )


def run_job(
    instance: DagsterInstance, job_name: str, *, partition_key: str | None = None, tags: Mapping[str, str] | None = None
) -> JobExecutionResult:
    """Execute one job in this process as a run of the workspace's code location."""
    job: ReconstructableJob = _repository().get_reconstructable_job(job_name)
    job_def = job.get_definition()
    run_tags = {**job_def.run_tags, **merge_run_tags(job_def, partition_key, tags, None, instance, QUIET)}
    plan = create_execution_plan(job, run_config=QUIET, instance_ref=instance.get_ref(), tags=run_tags)
    run = instance.create_run_for_job(
        job_def=job_def,
        execution_plan=plan,
        run_config=QUIET,
        tags=run_tags,
        remote_job_origin=repository_origin().get_job_origin(job_name),
        job_code_origin=job.get_python_origin(),
    )
    return execute_run(job, run, instance, raise_on_error=False)


def report_acquisition(
    instance: DagsterInstance,
    source_id: str,
    *,
    new_editions: list[str],
    known_editions: list[str],
    new_files: int,
    mode: str,
    error: str | None,
) -> None:
    """What a CLI acquisition did, as the `<source>/acquisition` asset's event: a materialization when it
    archived something, an observation carrying the error when it failed (nothing was archived)."""
    key = [source_id, "acquisition"]
    if error:
        instance.report_runless_asset_event(
            AssetObservation(
                asset_key=key,
                description=f"acquisition failed: {error}",
                metadata={"error": MetadataValue.text(error), "mode": mode},
            )
        )
        return
    instance.report_runless_asset_event(
        AssetMaterialization(
            asset_key=key,
            description=f"{len(new_editions)} new edition(s) archived by `fast-pipeline build`",
            metadata={
                "new_editions": MetadataValue.json(new_editions),
                "known_editions": MetadataValue.json(known_editions),
                "new_files": new_files,
                "mode": mode,
            },
        )
    )


@dataclass(frozen=True)
class Outcome:
    """What one edition's run means for the build.

    status: ok | held_back (the publish gate failed) | quarantined (its parser cannot process it: a parse
    error, a schema or cross-check failure) | failed (anything else: retried at the next build)."""

    status: str
    detail: str = ""


QUARANTINE_ERRORS = {"ParseError", "ValidationError", "ContentCheckError"}


def edition_outcome(result: JobExecutionResult) -> Outcome:
    failed_checks = [e for e in result.get_asset_check_evaluations() if not e.passed]
    blocking = [c for c in failed_checks if c.check_name != "publish_gate"]
    if blocking:
        return Outcome("quarantined", "; ".join(f"{c.check_name}: {_check_detail(c)}" for c in blocking))
    if not result.success:
        failure = _first_failure(result)
        if failure is None:
            return Outcome("failed", "run failed")
        description, error_class = failure
        return Outcome("quarantined" if error_class in QUARANTINE_ERRORS else "failed", description)
    gate = next((c for c in failed_checks if c.check_name == "publish_gate"), None)
    if gate is not None:
        return Outcome("held_back", "; ".join(gate.metadata["reasons"].value))
    return Outcome("ok")


def failure_reason(result: JobExecutionResult) -> str | None:
    failure = _first_failure(result)
    return failure[0] if failure else None


def _first_failure(result: JobExecutionResult) -> tuple[str, str | None] | None:
    """(description, the pipeline error's class name when an asset raised one) of the first failed step."""
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        data = event.step_failure_data
        user = data.user_failure_data
        if user is not None:
            error_class = user.metadata.get("error_class")
            return (user.description or "step failed", error_class.value if error_class is not None else None)
        if data.error is not None:
            err = data.error.cause or data.error
            return (err.message.strip(), err.cls_name)
    return None


def _check_detail(evaluation) -> str:
    """The readable part of a failed check's metadata (the text, not the MetadataValue wrapper)."""
    value = evaluation.metadata.get("failures") or evaluation.metadata.get("disagreements")
    return str(value.value) if value is not None else "failed"


# How a build holds its connections to a PostgreSQL Dagster storage (see instance_for_build).
POOL_RECYCLE_S = 3600  # Dagster's webserver default: a connection older than this is opened again
POOL_MAX_OVERFLOW = 4  # connections opened beyond the one kept, while in use at the same time
NO_STATEMENT_TIMEOUT = 0  # a build's writes are small; the webserver's 15 s limit is for the UI's reads


@contextlib.contextmanager
def instance_for_build() -> Iterator[DagsterInstance]:
    """The instance under DAGSTER_HOME (set by prepare_environment), closed when the build is done.

    dagster-postgres opens a new connection to the server for every statement unless its storages are told
    to keep one, as Dagster's webserver tells them: a build stores hundreds of events, and the connections
    were about a seventh of a cold build on PostgreSQL. A build keeps one open for its duration (the
    SQLite storages keep their own, see sqlite_event_log; this changes nothing for them). The storages read
    Dagster's migration scripts once per process (dagster_migrations). On PostgreSQL, the storage opens
    (and a new database gets its tables) one process at a time (orchestration/postgres_storage.py)."""
    read_migrations_once()
    with DagsterInstance.get() as instance:
        instance.optimize_for_webserver(NO_STATEMENT_TIMEOUT, POOL_RECYCLE_S, POOL_MAX_OVERFLOW)
        try:
            yield instance
        finally:
            # Dagster's dispose leaves a PostgreSQL storage's engine as it is: its kept connection goes now,
            # not when the process ends (builds in a long-lived process: the tests, the UI's run workers).
            for storage in (instance.run_storage, instance.event_log_storage, instance.schedule_storage):
                engine = getattr(storage, "_engine", None)
                if isinstance(engine, Engine):
                    engine.dispose()
