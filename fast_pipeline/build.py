"""`fast-pipeline build`: acquire every source, process new editions through Dagster, rebuild the warehouse
models and write a release, reporting one line per source.

Acquisition runs as plain Python, so a build with nothing new stops before Dagster and dbt are even
imported: the no-op rebuild costs little more than hashing the mirror or fetching the landing pages.
New editions are processed by the same Dagster jobs the UI runs (in-process, recorded in the instance
under data/dagster), so the UI shows every materialisation made from the command line.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from fast_pipeline.core import warehouse
from fast_pipeline.core.acquire import acquire
from fast_pipeline.core.archive import Archive
from fast_pipeline.core.http import HttpClient
from fast_pipeline.environment import prepare_environment
from fast_pipeline.settings import DBT_PROJECT_DIR, Settings
from fast_pipeline.sources.registry import SOURCE_IDS, get_source


@dataclass
class SourceReport:
    source_id: str
    new_editions: list[str] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    note: str = ""
    seconds: float = 0.0

    def as_log(self) -> dict:
        return {"source": self.source_id, "new_editions": self.new_editions, "processed": self.processed,
                "held_back": self.held_back, "errors": self.errors, "note": self.note,
                "seconds": round(self.seconds, 2)}


@dataclass
class BuildReport:
    sources: list[SourceReport]
    published: bool = False
    release: str | None = None
    release_created: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and all(not s.errors and not s.held_back for s in self.sources)


def pending_editions(settings: Settings, archive: Archive, source_id: str) -> list[str]:
    """Archived editions not yet in the warehouse with the current parser version."""
    source = get_source(source_id)
    table = warehouse.editions_table(settings.duckdb_path)
    done = set()
    if len(table):
        mine = table[(table["source_id"] == source_id) & (table["parser_version"] == source.parser_version)]
        done = set(mine["edition"])
    return [e for e in archive.editions(source_id) if e not in done]


def _publish_fingerprint(settings: Settings) -> str:
    """What the marts and the release are a function of: the recorded editions and the dbt project."""
    digest = hashlib.sha256()
    table = warehouse.editions_table(settings.duckdb_path)
    if len(table):
        cols = ["source_id", "edition", "parser_version", "action_rows", "gate_passed", "edition_date"]
        digest.update(table[cols].astype(str).to_csv(index=False).encode())
    for p in sorted(DBT_PROJECT_DIR.rglob("*")):
        if p.is_file() and "target" not in p.parts and "logs" not in p.parts:
            digest.update(p.relative_to(DBT_PROJECT_DIR).as_posix().encode() + p.read_bytes())
    from fast_pipeline import __version__
    digest.update(__version__.encode())
    return digest.hexdigest()


def _state_path(settings: Settings) -> Path:
    return settings.data_dir / "state" / "publish.json"


def _needs_publish(settings: Settings, fingerprint: str) -> bool:
    path = _state_path(settings)
    if not path.exists():
        return True
    state = json.loads(path.read_text(encoding="utf-8"))
    release = state.get("release")
    return state.get("fingerprint") != fingerprint or not (release and (settings.releases_dir / release).is_dir())


QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def run_build(settings: Settings, source_ids: list[str] | None = None, *, echo=print, publish: bool = True) -> BuildReport:
    prepare_environment(settings)
    # Library chatter (each dbt node, each step) belongs in the Dagster run log, not on the terminal.
    logging.getLogger("dagster.builtin").setLevel(logging.WARNING)
    selected = list(source_ids or SOURCE_IDS)
    archive = Archive(settings.archive_dir)
    warehouse.ensure_tables(settings.duckdb_path, list(SOURCE_IDS))
    http = None if settings.mirror else HttpClient(settings.http)
    reports = {sid: SourceReport(sid) for sid in selected}

    for sid in selected:
        started = time.perf_counter()
        result = acquire(get_source(sid), archive, http=http, mirror=settings.mirror)
        rep = reports[sid]
        rep.new_editions = result.new_editions
        rep.note = result.note or ""
        if result.error:
            rep.errors.append(result.error.message)
        rep.seconds += time.perf_counter() - started
        state = "FAILED: " + result.error.message if result.error else (
            f"{len(result.new_editions)} new edition(s)" + (f" ({rep.note})" if rep.note else ""))
        echo(f"acquire  {sid:<20} {state}")

    todo = {sid: pending_editions(settings, archive, sid) for sid in selected}
    if any(todo.values()):
        _process_editions(settings, todo, reports, echo)

    report = BuildReport(list(reports.values()))
    if publish:
        fingerprint = _publish_fingerprint(settings)
        if _needs_publish(settings, fingerprint):
            _publish(settings, report, fingerprint, echo)
        else:
            state = json.loads(_state_path(settings).read_text(encoding="utf-8"))
            report.release = state.get("release")
            echo(f"publish  nothing changed since release {report.release}: warehouse and release are up to date")
    log_path = settings.data_dir / "logs" / "build.jsonl"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log:
        for rep in report.sources:
            log.write(json.dumps({"event": "source_build", **rep.as_log()}, ensure_ascii=False) + "\n")
    return report


def _process_editions(settings: Settings, todo: dict[str, list[str]], reports: dict[str, SourceReport], echo) -> None:
    from dagster import DagsterInstance

    from fast_pipeline.definitions import defs
    from fast_pipeline.environment import ensure_dbt_manifest
    from fast_pipeline.orchestration.source_assets import edition_partitions

    ensure_dbt_manifest()
    instance = DagsterInstance.get()
    for sid, editions in todo.items():
        if not editions:
            continue
        partitions = edition_partitions(sid)
        known = set(instance.get_dynamic_partitions(partitions.name))
        new = [e for e in editions if e not in known]
        if new:
            instance.add_dynamic_partitions(partitions.name, new)
        job = defs.resolve_job_def(f"{sid}__editions")
        rep = reports[sid]
        for edition in _in_publication_order(editions):
            started = time.perf_counter()
            result = job.execute_in_process(partition_key=edition, instance=instance, raise_on_error=False,
                                            run_config=QUIET, tags={"source": sid, "trigger": "cli-build"})
            failed_checks = [e for e in result.get_asset_check_evaluations() if not e.passed]
            rep.seconds += time.perf_counter() - started
            if not result.success:
                reason = _failure_reason(result) or "run failed"
                rep.errors.append(f"{reason} [edition {edition}]")
                echo(f"process  {sid:<20} {edition}: FAILED: {reason}")
                continue
            blocking = [c for c in failed_checks if c.check_name != "publish_gate"]
            if blocking:
                detail = "; ".join(f"{c.check_name}: {_check_detail(c)}" for c in blocking)
                rep.errors.append(f"{sid}: {detail} [edition {edition}]")
                echo(f"process  {sid:<20} {edition}: FAILED CHECK {detail}")
                continue
            if any(c.check_name == "publish_gate" for c in failed_checks):
                gate = next(c for c in failed_checks if c.check_name == "publish_gate")
                reasons = gate.metadata["reasons"].value
                rep.held_back.append(edition)
                echo(f"process  {sid:<20} {edition}: HELD BACK by publish gate: {'; '.join(reasons)}")
                continue
            rep.processed.append(edition)
            echo(f"process  {sid:<20} {edition}: ok ({time.perf_counter() - started:.1f}s)")


def _check_detail(evaluation) -> str:
    """The readable part of a failed check's metadata (the text, not the MetadataValue wrapper)."""
    value = evaluation.metadata.get("failures") or evaluation.metadata.get("disagreements")
    return str(value.value) if value is not None else "failed"


def _in_publication_order(editions: list[str]) -> list[str]:
    """Edition labels start with a date wherever the publisher gives one; process oldest first so that
    each edition's publish gate compares against the one before it."""
    return sorted(editions)


def _failure_reason(result) -> str | None:
    for event in result.all_events:
        if event.event_type_value == "STEP_FAILURE":
            err = event.step_failure_data.error
            if err is None:
                continue
            desc = getattr(event.step_failure_data.user_failure_data, "description", None)
            return desc or (err.cause.message.strip() if err.cause else err.message.strip())
    return None


def _publish(settings: Settings, report: BuildReport, fingerprint: str, echo) -> None:
    from dagster import DagsterInstance

    from fast_pipeline.environment import ensure_dbt_manifest

    ensure_dbt_manifest()
    from fast_pipeline.definitions import defs

    started = time.perf_counter()
    dbt_log = settings.data_dir / "logs" / "dbt-build.log"
    dbt_log.parent.mkdir(parents=True, exist_ok=True)
    # dagster-dbt echoes every dbt event to stdout: keep it in a log file (and the Dagster run), not the terminal
    with dbt_log.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):
        result = defs.resolve_job_def("publish").execute_in_process(
            instance=DagsterInstance.get(), raise_on_error=False, run_config=QUIET, tags={"trigger": "cli-build"})
    failed_tests = [e for e in result.get_asset_check_evaluations() if not e.passed]
    if not result.success or failed_tests:
        reason = _failure_reason(result) or "; ".join(f"{c.asset_key.to_user_string()}:{c.check_name}" for c in failed_tests)
        report.errors.append(f"publish: {reason} (dbt log: {dbt_log})")
        echo(f"publish  FAILED: {reason} (dbt log: {dbt_log})")
        return
    mat = result.asset_materializations_for_node("release")
    meta = mat[-1].metadata if mat else {}
    report.published = True
    report.release = meta["version"].value if "version" in meta else None
    report.release_created = bool(meta["created"].value) if "created" in meta else False
    state_path = _state_path(settings)
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(json.dumps({"fingerprint": fingerprint, "release": report.release}), encoding="utf-8")
    what = "written" if report.release_created else "unchanged"
    echo(f"publish  dbt models built and tested; release {report.release} {what} ({time.perf_counter() - started:.1f}s)")
