"""Per-source assets, built from the source's `Source` object so every source looks the same in the UI.

For source S (group S):
- `S/acquisition`: fetch the publisher's files (or the mirror) into the raw archive;
- `S/raw_edition` [partition = edition]: the archived files of that edition, integrity-checked;
- `S/parsed` [edition]: the parsed table in the source's vocabulary, with blocking checks
  `parsed_schema` (Pandera) and `formats_agree` (cross-check between formats of one edition);
- `S/actions` [edition]: canonical rows, with the blocking check `canonical_schema` and the publish gate
  `publish_gate` (an edition failing it is stored but held back from releases).
"""

import hashlib
import json
from dataclasses import dataclass

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    AssetsDefinition,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    DynamicPartitionsDefinition,
    Failure,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    ScheduleDefinition,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    asset,
    define_asset_job,
    sensor,
)
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from fast_pipeline.core import edition_dates, parsing, warehouse
from fast_pipeline.core.acquire import acquire
from fast_pipeline.core.errors import PipelineError
from fast_pipeline.core.gate import judge_edition
from fast_pipeline.core.source import Source
from fast_pipeline.orchestration.resources import PipelineResource
from fast_pipeline.sources.registry import SOURCE_IDS

EDITIONS_KEY = AssetKey(["raw", "editions"])


def editions_updated(source_id: str, edition: str) -> AssetMaterialization:
    """The event that records a write to `raw.editions` (by an actions asset, or a build's quarantine)."""
    return AssetMaterialization(
        asset_key=EDITIONS_KEY,
        description=f"{source_id} {edition} recorded",
        metadata={"source": source_id, "edition": edition},
    )


def edition_partitions(source_id: str) -> DynamicPartitionsDefinition:
    return DynamicPartitionsDefinition(name=f"{source_id}__editions")


def actions_key(source_id: str) -> AssetKey:
    return AssetKey([source_id, "actions"])


@dataclass
class SourceDefinitions:
    assets: list[AssetsDefinition]
    edition_job: "UnresolvedAssetJobDefinition"
    acquisition_job: UnresolvedAssetJobDefinition
    sensor: SensorDefinition
    schedule: ScheduleDefinition


def _preview(frame: pd.DataFrame, rows: int = 5) -> MetadataValue:
    return MetadataValue.md(frame.head(rows).astype(str).to_markdown(index=False))


def _failure(source_id: str, exc: Exception) -> Failure:
    """A step failure that says which kind of error it was, so the build can tell a file its parser cannot
    process (ParseError, ValidationError: quarantined) from a fault of the machine (retried)."""
    return Failure(description=str(exc), metadata={"source": source_id, "error_class": type(exc).__name__})


def build_source_definitions(source: Source) -> SourceDefinitions:
    sid = source.source_id
    meta = source.metadata
    partitions = edition_partitions(sid)
    tags = {"source": sid}
    description = f"{meta.title} ({meta.publisher}). Cadence: {meta.cadence}. {meta.landing_url}"

    @asset(
        key=[sid, "acquisition"],
        group_name=sid,
        description=f"Acquire the publisher's files. {description}",
        kinds={"python"},
        tags=tags,
    )
    def acquisition(context: AssetExecutionContext, pipeline: PipelineResource) -> MaterializeResult:
        settings = pipeline.settings()
        try:
            with pipeline.writing(f"{sid}/acquisition"):
                result = acquire(
                    source,
                    pipeline.archive(),
                    http=pipeline.http(),
                    mirror=settings.mirror,
                    max_bytes=settings.http.max_bytes,
                )
        except PipelineError as exc:  # the data directory is busy, or cannot be written
            raise Failure(description=exc.message, metadata={"source": sid}) from None
        if not result.ok:
            raise Failure(description=result.error.message, metadata={"source": sid})
        context.log.info(f"{sid}: {len(result.new_editions)} new edition(s), {len(result.known_editions)} known")
        return MaterializeResult(
            metadata={
                "new_editions": MetadataValue.json(result.new_editions),
                "known_editions": MetadataValue.json(result.known_editions),
                "new_files": result.new_files,
                "mode": "mirror" if settings.mirror else "http",
            }
        )

    @asset(
        key=[sid, "raw_edition"],
        deps=[acquisition],
        partitions_def=partitions,
        group_name=sid,
        description="The archived files of one edition (immutable, sha256-keyed).",
        kinds={"file"},
        tags=tags,
    )
    def raw_edition(context: AssetExecutionContext, pipeline: PipelineResource) -> MaterializeResult:
        files = pipeline.archive().source_files(sid, context.partition_key)
        for f in files:  # the archive is immutable: a changed object is corruption, not an update
            if hashlib.sha256(f.path.read_bytes()).hexdigest() != f.sha256:
                raise Failure(description=f"{sid}: {f.file_name}: archived bytes no longer match {f.sha256}")
        table = pd.DataFrame(
            [
                {
                    "file": f.file_name,
                    "format": f.file_format,
                    "sha256": f.sha256,
                    "bytes": f.path.stat().st_size,
                    "retrieved_at": f.retrieved_at,
                }
                for f in files
            ]
        )
        return MaterializeResult(metadata={"files": _preview(table, 10), "file_count": len(files)})

    @asset(
        key=[sid, "parsed"],
        deps=[raw_edition],
        partitions_def=partitions,
        group_name=sid,
        description=f"Parsed rows of one edition in the publisher's own vocabulary (parser v{source.parser_version}).",
        kinds={"pandas", "duckdb"},
        tags=tags,
        code_version=source.parser_version,
        check_specs=[
            AssetCheckSpec(
                "parsed_schema",
                asset=[sid, "parsed"],
                blocking=True,
                description="The parsed table satisfies the source's Pandera schema.",
            ),
            AssetCheckSpec(
                "formats_agree",
                asset=[sid, "parsed"],
                blocking=True,
                description="When an edition comes in several formats, they agree row for row.",
            ),
        ],
    )
    def parsed(context: AssetExecutionContext, pipeline: PipelineResource):
        settings = pipeline.settings()
        files = pipeline.archive().source_files(sid, context.partition_key)
        try:
            frame, cached = parsing.parse_edition(source, files, settings.cache_dir)
        except Exception as exc:
            raise _failure(sid, exc) from exc
        failures = parsing.parsed_schema_failures(source, frame)
        issues = [] if failures else source.cross_check(frame)
        if not failures:
            with pipeline.writing(f"{sid}/parsed"):
                warehouse.write_edition(settings.warehouse_url, sid, context.partition_key, parsed=frame)
        context.log.info(
            f"{sid} {context.partition_key}: parsed {len(frame)} rows from {len(files)} file(s), {cached} from cache"
        )
        yield MaterializeResult(
            metadata={"rows": len(frame), "files_from_cache": cached, "preview": _preview(frame)},
            check_results=[
                AssetCheckResult(
                    check_name="parsed_schema",
                    passed=failures is None,
                    metadata={"failures": MetadataValue.text(failures or "none"), "rows": len(frame)},
                ),
                AssetCheckResult(
                    check_name="formats_agree",
                    passed=not issues,
                    metadata={
                        "formats": MetadataValue.json(sorted(frame["file_format"].unique().tolist())),
                        "disagreements": MetadataValue.json(issues[:50]),
                    },
                ),
            ],
        )

    @asset(
        key=[sid, "actions"],
        deps=[parsed],
        partitions_def=partitions,
        group_name=sid,
        description="Canonical adverse_action rows of one edition (docs/DESIGN.md).",
        kinds={"pandas", "duckdb"},
        tags=tags,
        code_version=source.parser_version,
        check_specs=[
            AssetCheckSpec(
                "canonical_schema",
                asset=[sid, "actions"],
                blocking=True,
                description="Rows satisfy the one canonical adverse_action Pandera schema.",
            ),
            AssetCheckSpec(
                "publish_gate",
                asset=[sid, "actions"],
                description=f"Expected {meta.gate.min_rows}..{meta.gate.max_rows} rows, at most a "
                f"{meta.gate.max_shrink:.0%} shrink, required fields filled"
                + (
                    ", removals in character for the kind of update ("
                    + ", ".join(f"{k} at most {v:.0%}" for k, v in meta.gate.max_removed_share.items())
                    + ")."
                    if meta.gate.max_removed_share
                    else "."
                ),
            ),
        ],
    )
    def actions(context: AssetExecutionContext, pipeline: PipelineResource):
        settings = pipeline.settings()
        edition = context.partition_key
        files = pipeline.archive().source_files(sid, edition)
        frame, cached = parsing.parse_edition(source, files, settings.cache_dir)
        try:
            rows, edition_date = parsing.normalise_edition(source, frame, edition)
        except Exception as exc:
            raise _failure(sid, exc) from exc
        failures = parsing.canonical_schema_failures(rows)
        retrieved_at = max((f.retrieved_at or "") for f in files) or None
        origin = pipeline.archive().editions(sid)[edition][0].origin
        acquired = edition_dates.acquired_at(origin, edition, retrieved_at)
        previous = warehouse.previous_published(settings.warehouse_url, sid, edition, acquired)
        previous_date = previous["as_of_date"] if previous and previous["date_basis"] == "published" else None
        dating = edition_dates.date_edition(edition_date, acquired, origin, previous_date)
        if dating and dating.warning:
            context.log.warning(f"{sid} {edition}: {dating.warning}")
        previous_ids = (
            warehouse.edition_action_ids(settings.warehouse_url, sid, previous["edition"])
            if previous and meta.gate.max_removed_share
            else None
        )
        kind, gate_reasons = (
            judge_edition(source, frame, rows, dating and dating.as_of_date, previous, previous_ids)
            if failures is None
            else (None, ["canonical schema failed"])
        )
        if failures is None:
            record = parsing.EditionResult(
                source_id=sid,
                edition=edition,
                parser_version=source.parser_version,
                edition_date=edition_date,
                retrieved_at=retrieved_at,
                files=[{"file": f.file_name, "format": f.file_format, "sha256": f.sha256, "url": f.url} for f in files],
                primary_file=str(parsing.primary_rows(source, frame)["source_file"].iloc[0]),
                parsed_rows=len(frame),
                action_rows=len(rows),
                files_from_cache=cached,
                cross_check_issues=source.cross_check(frame),
                gate_passed=not gate_reasons,
                gate_reasons=gate_reasons,
                origin=origin,
                acquired_at=acquired,
                as_of_date=dating and dating.as_of_date,
                date_basis=dating and dating.basis,
                date_warning=dating and dating.warning,
            )
            with pipeline.writing(f"{sid}/actions"):
                warehouse.write_edition(settings.warehouse_url, sid, edition, actions=rows, edition_row=record.as_row())
            # raw.editions changed too: say so, so that its dbt dependents (published editions, freshness)
            # count as having an updated upstream
            context.log_event(editions_updated(sid, edition))
        counts = rows["action_type"].value_counts().to_dict() if len(rows) else {}
        context.log.info(
            json.dumps(
                {
                    "source": sid,
                    "edition": edition,
                    "edition_date": edition_date,
                    "actions": len(rows),
                    "gate_passed": not gate_reasons,
                }
            )
        )
        yield MaterializeResult(
            metadata={
                "rows": len(rows),
                "edition_date": edition_date or "",
                "as_of_date": (dating and dating.as_of_date) or "",
                "update_kind": kind or "",
                "date_warning": (dating and dating.warning) or "",
                "by_action_type": MetadataValue.json(counts),
                "preview": _preview(rows[["action_id", "party_name", "party_kind", "status"]]),
            },
            check_results=[
                AssetCheckResult(
                    check_name="canonical_schema",
                    passed=failures is None,
                    metadata={"failures": MetadataValue.text(failures or "none")},
                ),
                AssetCheckResult(
                    check_name="publish_gate",
                    passed=not gate_reasons,
                    severity=AssetCheckSeverity.ERROR,
                    metadata={"reasons": MetadataValue.json(gate_reasons), "rows": len(rows)},
                ),
            ],
        )

    edition_job = define_asset_job(
        f"{sid}__editions",
        selection=[raw_edition, parsed, actions],
        tags=tags,
        description=f"Parse and normalise one edition of {sid}.",
    )
    acquisition_job = define_asset_job(
        f"{sid}__acquire",
        selection=[acquisition],
        tags=tags,
        description=f"Fetch {sid} from its publisher into the raw archive.",
    )

    @sensor(
        name=f"{sid}__new_editions",
        job=edition_job,
        minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.RUNNING,
        description="Registers each edition that acquisition archived as a partition and processes it.",
    )
    def new_editions(context: SensorEvaluationContext, pipeline: PipelineResource):
        archived = list(pipeline.archive().editions(sid))
        known = set(context.instance.get_dynamic_partitions(partitions.name))
        fresh = [e for e in archived if e not in known]
        if not fresh:
            return SkipReason(f"no new {sid} edition in the archive")
        return SensorResult(
            run_requests=[RunRequest(partition_key=e, run_key=f"{sid}:{e}") for e in fresh],
            dynamic_partitions_requests=[partitions.build_add_request(fresh)],
        )

    schedule = ScheduleDefinition(
        name=f"{sid}__schedule",
        job=acquisition_job,
        cron_schedule=meta.schedule_cron,
        execution_timezone="UTC",
        default_status=DefaultScheduleStatus.STOPPED,
        description=f"Check the publisher at its cadence ({meta.cadence}).",
    )
    return SourceDefinitions(
        [acquisition, raw_edition, parsed, actions], edition_job, acquisition_job, new_editions, schedule
    )


ALL_ACTIONS_KEYS = [actions_key(s) for s in SOURCE_IDS]
