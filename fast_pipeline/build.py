"""`fast-pipeline build`: acquire every source, process new editions through Dagster, rebuild the warehouse
models and write a release, reporting one line per source and edition.

Acquisition runs as plain Python, so a build with nothing new stops before Dagster and dbt are even
imported: the no-op rebuild costs little more than hashing the mirror or fetching the landing pages.
New editions are processed by the same Dagster jobs the UI runs, as runs of the workspace's code location
(see orchestration/runs.py), so the UI shows every run and materialisation made from the command line.

An edition whose parser cannot process it (a parse error, a schema or cross-check failure) is quarantined:
recorded with its reason in `raw.editions`, held back from releases like an edition the publish gate
stops, and not retried until the source's parser version changes. The build that quarantines it fails
(someone must look); later builds report it and go on.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from fast_pipeline.core import warehouse
from fast_pipeline.core.acquire import AcquisitionResult, acquire, check_mirror
from fast_pipeline.core.archive import Archive
from fast_pipeline.core.display import visible
from fast_pipeline.core.edition_dates import acquired_at, acquisition_order
from fast_pipeline.core.errors import PipelineError
from fast_pipeline.core.http import HttpClient
from fast_pipeline.core.locks import writer_lock
from fast_pipeline.environment import prepare_environment
from fast_pipeline.settings import DBT_PROJECT_DIR, Settings
from fast_pipeline.sources.registry import SOURCE_IDS, get_source


@dataclass
class SourceReport:
    source_id: str
    new_editions: list[str] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)
    held_back: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)  # by this build
    still_quarantined: list[str] = field(default_factory=list)  # by an earlier build, same parser version
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    note: str = ""
    seconds: float = 0.0

    def as_log(self) -> dict:
        return {
            "source": self.source_id,
            "new_editions": self.new_editions,
            "processed": self.processed,
            "held_back": self.held_back,
            "quarantined": self.quarantined,
            "still_quarantined": self.still_quarantined,
            "errors": self.errors,
            "warnings": self.warnings,
            "note": self.note,
            "seconds": round(self.seconds, 2),
        }

    @property
    def status(self) -> str:
        if self.errors:
            return "FAILED"
        if self.quarantined:
            return "QUARANTINED"
        return "HELD BACK" if self.held_back else "ok"


@dataclass
class BuildReport:
    sources: list[SourceReport]
    published: bool = False
    release: str | None = None
    release_created: bool = False
    releases: list[str] = field(default_factory=list)  # every release this build wrote, oldest first
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and all(s.status == "ok" for s in self.sources)


def pending_editions(rows: list[dict], archive: Archive, source_id: str) -> list[str]:
    """Archived editions not yet in the warehouse (`rows`: raw.editions, warehouse.edition_rows) with the
    current parser version (an edition quarantined with this parser version is recorded, so it is not
    pending)."""
    version = get_source(source_id).parser_version
    done = {r["edition"] for r in rows if r["source_id"] == source_id and r["parser_version"] == version}
    return [e for e in archive.editions(source_id) if e not in done]


def quarantined_editions(rows: list[dict], source_id: str) -> dict[str, str]:
    """Edition -> reason, for the source's editions quarantined with its current parser version."""
    version = get_source(source_id).parser_version
    return {
        r["edition"]: r["quarantine_reason"]
        for r in rows
        if r["source_id"] == source_id and r["parser_version"] == version and r.get("quarantine_reason") is not None
    }


# What dbt writes inside its project: never part of what a release is a function of, and walking it costs
# time that grows with every build (dagster-dbt keeps a target folder per run).
DBT_OUTPUT_DIRS = frozenset({"target", "logs", "dbt_packages"})


def dbt_project_files() -> list[Path]:
    """The dbt project's own files, in a stable order, without descending into dbt's output folders."""
    files = []
    for folder, dirs, names in os.walk(DBT_PROJECT_DIR):
        dirs[:] = sorted(d for d in dirs if d not in DBT_OUTPUT_DIRS and not d.startswith("."))
        files.extend(Path(folder, n) for n in names if not n.startswith("."))  # .user.yml: dbt's user id
    return sorted(files)


def _publish_fingerprint(rows: list[dict]) -> str:
    """What the marts and the release are a function of: the recorded editions (`rows`: raw.editions) and
    the dbt project."""
    digest = hashlib.sha256()
    cols = [
        "source_id",
        "edition",
        "parser_version",
        "action_rows",
        "gate_passed",
        "edition_date",
        "acquired_at",
        "as_of_date",
        "date_warning",
    ]
    for row in rows:
        digest.update(json.dumps([row[c] for c in cols], default=str).encode() + b"\n")
    for p in dbt_project_files():
        digest.update(p.relative_to(DBT_PROJECT_DIR).as_posix().encode() + p.read_bytes())
    from fast_pipeline import __version__

    digest.update(__version__.encode())
    return digest.hexdigest()


def _state_path(settings: Settings) -> Path:
    return settings.data_dir / "state" / "publish.json"


def _read_state(settings: Settings) -> dict:
    """The last publish (`data/state/publish.json`); {} before the first. A file that is not the JSON
    object this build writes is an error naming it: its content decides what gets republished."""
    path = _state_path(settings)
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        state = exc
    if not isinstance(state, dict) or not isinstance(state.get("fingerprint", ""), str):
        raise PipelineError(
            None,
            str(path),
            "the record of the last publish is corrupt; delete it and the next build publishes again "
            "(releases already written are kept)",
        )
    return state


def _write_state(settings: Settings, state: dict) -> None:
    """Written whole to a temporary file and renamed, so a crash never leaves a torn record."""
    path = _state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(state), encoding="utf-8")
    os.replace(tmp, path)


def _needs_publish(settings: Settings, fingerprint: str) -> bool:
    state = _read_state(settings)
    if not state:
        return True
    release = state.get("release")
    return state.get("fingerprint") != fingerprint or not (release and (settings.releases_dir / release).is_dir())


def _in_acquisition_order(archive: Archive, source_id: str, editions: list[str]) -> list[str]:
    """Oldest acquired first (the one edition order, core.edition_dates), so that each edition's publish
    gate and date check compare against the edition acquired before it."""
    wanted = set(editions)
    return [e for e in acquisition_order(archive.editions(source_id)) if e in wanted]


def _date_warnings(result) -> list[str]:
    """The edition-date warnings the actions asset recorded (core.edition_dates)."""
    out = []
    for event in result.all_events:
        mat = event.event_specific_data if event.event_type_value == "ASSET_MATERIALIZATION" else None
        value = getattr(mat, "materialization", None) and mat.materialization.metadata.get("date_warning")
        if value is not None and value.value:
            out.append(str(value.value))
    return out


def _acquired(editions: dict, edition: str) -> str:
    rows = editions[edition]
    return acquired_at(rows[0].origin, edition, max(r.retrieved_at for r in rows)) or ""


class _Build:
    """One `run_build` call: the settings, the per-source reports and (once loaded) the Dagster instance."""

    def __init__(self, settings: Settings, selected: list[str], echo):
        self.settings = settings
        self.selected = selected
        self.echo = echo
        self.archive = Archive(settings.archive_dir)
        self.reports = {sid: SourceReport(sid) for sid in selected}
        self.report = BuildReport(list(self.reports.values()))
        self._stack = contextlib.ExitStack()
        self._instance = None
        self._edition_rows: list[dict] | None = None

    def edition_rows(self) -> list[dict]:
        """raw.editions, read once until this build records an edition (each connection costs)."""
        if self._edition_rows is None:
            self._edition_rows = warehouse.edition_rows(self.settings.warehouse_url)
        return self._edition_rows

    @property
    def instance(self):
        """The Dagster instance, loaded on first use only: a build with nothing to do never imports Dagster."""
        if self._instance is None:
            from fast_pipeline.environment import ensure_dbt_manifest
            from fast_pipeline.orchestration.runs import instance_for_build

            # the definitions load the dbt manifest at import (a new checkout has none yet: parsed here)
            ensure_dbt_manifest(on_parse=lambda: self.echo("prepare  parsing the dbt project (first build only)"))
            self._instance = self._stack.enter_context(instance_for_build())
        return self._instance

    def close(self) -> None:
        self._stack.close()

    # --- acquisition ------------------------------------------------------------------------------------
    def acquire_all(self) -> None:
        http = None if self.settings.mirror else HttpClient(self.settings.http)
        results: list[AcquisitionResult] = []
        for sid in self.selected:
            started = time.perf_counter()
            result = acquire(
                get_source(sid),
                self.archive,
                http=http,
                mirror=self.settings.mirror,
                max_bytes=self.settings.http.max_bytes,
            )
            rep = self.reports[sid]
            rep.new_editions = result.new_editions
            rep.note = result.note or ""
            if result.error:
                rep.errors.append(result.error.message)
            rep.seconds += time.perf_counter() - started
            state = (
                "FAILED: " + result.error.message
                if result.error
                else (f"{len(result.new_editions)} new edition(s)" + (f" ({rep.note})" if rep.note else ""))
            )
            self.echo(f"acquire  {sid:<20} {state}")
            results.append(result)
        if any(r.new_editions or r.error for r in results):
            self._report_acquisitions(results)

    def _report_acquisitions(self, results: list[AcquisitionResult]) -> None:
        from fast_pipeline.orchestration.runs import report_acquisition

        mode = "mirror" if self.settings.mirror else "http"
        for r in results:
            if r.new_editions or r.error:
                report_acquisition(
                    self.instance,
                    r.source_id,
                    new_editions=r.new_editions,
                    known_editions=r.known_editions,
                    new_files=r.new_files,
                    mode=mode,
                    error=r.error.message if r.error else None,
                )

    # --- integrity --------------------------------------------------------------------------------------
    def inputs_damaged(self, todo: list[tuple[str, str]]) -> bool:
        """Hash the objects this build is about to process and every source's last published edition: a
        damaged one stops the build before it processes or publishes anything (a release must never roll
        a source back because its newest input was corrupt)."""
        from fast_pipeline.verify import damaged_inputs

        wanted = set(todo)
        last_published = {}  # edition_rows is in the edition order: the last one of a source wins
        for row in self.edition_rows():
            if row["gate_passed"]:
                last_published[row["source_id"]] = row["edition"]
        wanted.update(last_published.items())
        rows = []
        for sid, edition in sorted(wanted):
            rows.extend(self.archive.editions(sid).get(edition, []))
        damaged = damaged_inputs(self.archive, rows)
        for line in damaged:
            message = f"{line}; nothing processed or published: run `fast-pipeline verify` (with FAST_SOURCE_MIRROR to restore it)"
            sid = line.split(":", 1)[0]
            (self.reports[sid].errors if sid in self.reports else self.report.errors).append(message)
            self.echo(f"verify   FAILED: {message}")
        return bool(damaged)

    # --- processing -------------------------------------------------------------------------------------
    def pending(self) -> list[tuple[str, str]]:
        """(source, edition) still to process: each source's in acquisition order, sources interleaved by
        when their editions were acquired (for `--each-edition`)."""
        queues = []
        table = self.edition_rows()
        for sid in self.selected:
            rep = self.reports[sid]
            for edition, reason in quarantined_editions(table, sid).items():
                rep.still_quarantined.append(edition)
                self.echo(
                    f"process  {sid:<20} {edition}: quarantined by an earlier build "
                    f"(parser v{get_source(sid).parser_version}), not retried: {reason}"
                )
            editions = self.archive.editions(sid)
            queues.append(
                [
                    (_acquired(editions, e), sid, e)
                    for e in _in_acquisition_order(self.archive, sid, pending_editions(table, self.archive, sid))
                ]
            )
        return [(sid, e) for _, sid, e in heapq.merge(*queues)]

    def process(self, editions: list[tuple[str, str]]) -> None:
        from fast_pipeline.core.parse_ahead import parsing_ahead

        # started before Dagster is loaded, so the first parses are ready by the first runs
        with parsing_ahead(self.settings.archive_dir, self.settings.cache_dir, editions):
            self._process(editions)

    def _process(self, editions: list[tuple[str, str]]) -> None:
        from fast_pipeline.orchestration.runs import edition_outcome, run_job
        from fast_pipeline.orchestration.source_assets import edition_partitions

        by_source: dict[str, list[str]] = {}
        for sid, edition in editions:
            by_source.setdefault(sid, []).append(edition)
        for sid, mine in by_source.items():
            partitions = edition_partitions(sid)
            known = set(self.instance.get_dynamic_partitions(partitions.name))
            new = [e for e in mine if e not in known]
            if new:
                self.instance.add_dynamic_partitions(partitions.name, new)
        # the edition runs join one open DuckDB database (warehouse.kept_open) instead of each opening it
        with warehouse.kept_open(self.settings.warehouse_url):
            for sid, edition in editions:
                rep = self.reports[sid]
                started = time.perf_counter()
                self._edition_rows = None  # the run records the edition
                result = run_job(
                    self.instance,
                    f"{sid}__editions",
                    partition_key=edition,
                    tags={"source": sid, "trigger": "cli-build"},
                )
                outcome = edition_outcome(result)
                seconds = time.perf_counter() - started
                rep.seconds += seconds
                if outcome.status == "ok":
                    rep.processed.append(edition)
                    self.echo(f"process  {sid:<20} {edition}: ok ({seconds:.1f}s)")
                    for warning in _date_warnings(result):
                        rep.warnings.append(f"{edition}: {warning}")
                        self.echo(f"process  {sid:<20} {edition}: WARNING: {visible(warning)}")
                elif outcome.status == "held_back":
                    rep.held_back.append(edition)
                    self.echo(f"process  {sid:<20} {edition}: HELD BACK by publish gate: {outcome.detail}")
                elif outcome.status == "quarantined":
                    self._quarantine(sid, edition, outcome.detail)
                else:
                    rep.errors.append(f"{outcome.detail} [edition {edition}]")
                    self.echo(f"process  {sid:<20} {edition}: FAILED: {outcome.detail}")

    def _quarantine(self, sid: str, edition: str, reason: str) -> None:
        source = get_source(sid)
        rows = self.archive.editions(sid)[edition]
        warehouse.record_quarantine(
            self.settings.warehouse_url,
            sid,
            edition,
            parser_version=source.parser_version,
            reason=reason,
            retrieved_at=max((r.retrieved_at or "") for r in rows) or None,
            origin=rows[0].origin,
            acquired_at=_acquired(self.archive.editions(sid), edition) or None,
            files=[{"file": r.file_name, "format": r.file_format, "sha256": r.sha256, "url": r.url} for r in rows],
        )
        self._edition_rows = None
        from fast_pipeline.orchestration.source_assets import editions_updated

        self.instance.report_runless_asset_event(editions_updated(sid, edition))
        self.reports[sid].quarantined.append(edition)
        self.echo(
            f"process  {sid:<20} {edition}: QUARANTINED (held back from releases; retried when the "
            f"parser version changes): {reason}"
        )

    # --- publishing -------------------------------------------------------------------------------------
    def publish_if_changed(self) -> None:
        fingerprint = _publish_fingerprint(self.edition_rows())
        if _needs_publish(self.settings, fingerprint):
            self._publish(fingerprint)
        else:
            state = _read_state(self.settings)
            self.report.release = state.get("release")
            self.echo(
                f"publish  nothing changed since release {self.report.release}: warehouse and release are up to date"
            )

    def _publish(self, fingerprint: str) -> None:
        from fast_pipeline.orchestration.runs import failure_reason, run_job

        settings, report = self.settings, self.report
        started = time.perf_counter()
        dbt_log = settings.data_dir / "logs" / "dbt-build.log"
        dbt_log.parent.mkdir(parents=True, exist_ok=True)
        instance = self.instance
        # dagster-dbt echoes every dbt event to stdout: keep it in a log file (and the Dagster run), not the terminal
        with (
            warehouse.publish_lock(settings.warehouse_url, on_wait=lambda line: self.echo(f"publish  {line}")),
            dbt_log.open("w", encoding="utf-8") as log,
            contextlib.redirect_stdout(log),
        ):
            result = run_job(instance, "publish", tags={"trigger": "cli-build"})
        failed_tests = [e for e in result.get_asset_check_evaluations() if not e.passed]
        if not result.success or failed_tests:
            reason = failure_reason(result) or "; ".join(
                f"{c.asset_key.to_user_string()}:{c.check_name}" for c in failed_tests
            )
            report.errors.append(f"publish: {reason} (dbt log: {dbt_log})")
            self.echo(f"publish  FAILED: {reason} (dbt log: {dbt_log})")
            return
        mat = result.asset_materializations_for_node("release")
        meta = mat[-1].metadata if mat else {}
        report.published = True
        report.release = meta["version"].value if "version" in meta else None
        created = bool(meta["created"].value) if "created" in meta else False
        report.release_created = report.release_created or created
        if created:
            report.releases.append(report.release)
        _write_state(settings, {"fingerprint": fingerprint, "release": report.release})
        what = "written" if created else "unchanged"
        self.echo(
            f"publish  dbt models built and tested; release {report.release} {what} "
            f"({time.perf_counter() - started:.1f}s){self._carried_note()}"
        )

    def _carried_note(self) -> str:
        """Sources whose newest editions the release does not carry, and why (as the release says)."""
        notes = []
        for rep in self.reports.values():
            kept = rep.quarantined + rep.still_quarantined + rep.held_back
            if kept:
                notes.append(f"{rep.source_id} keeps its last good edition ({', '.join(kept)} held back)")
        return "".join(f"\n         {n}" for n in notes)

    def write_log(self) -> None:
        log_path = self.settings.data_dir / "logs" / "build.jsonl"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("a", encoding="utf-8") as log:
            for rep in self.report.sources:
                log.write(json.dumps({"event": "source_build", **rep.as_log()}, ensure_ascii=False) + "\n")


def run_build(
    settings: Settings,
    source_ids: list[str] | None = None,
    *,
    echo=print,
    publish: bool = True,
    each_edition: bool = False,
) -> BuildReport:
    """Acquire, process what is new, publish. With `each_edition`, publish after every processed edition
    (in publication order across sources), so that saved editions replayed from a mirror give one dated
    release per edition, as if each had been built on the day it appeared."""
    with writer_lock(settings.data_dir, "build", settings.lock_wait):
        return _run_build(settings, source_ids, echo=echo, publish=publish, each_edition=each_edition)


def _run_build(settings: Settings, source_ids, *, echo, publish: bool, each_edition: bool) -> BuildReport:
    _read_state(settings)  # a corrupt record of the last publish stops the build before it does anything
    selected = list(source_ids or SOURCE_IDS)
    if settings.mirror is not None:
        check_mirror(settings.mirror, selected)
    prepare_environment(settings)
    # Library chatter (each dbt node, each step) belongs in the Dagster run log, not on the terminal.
    logging.getLogger("dagster.builtin").setLevel(logging.WARNING)
    build = _Build(settings, selected, echo)
    try:
        warehouse.ensure_tables(settings.warehouse_url, list(SOURCE_IDS))
        build.acquire_all()
        todo = build.pending()
        if build.inputs_damaged(todo):
            build.write_log()
            return build.report
        if each_edition and publish:
            for step in todo:
                build.process([step])
                build.publish_if_changed()
            if not todo:
                build.publish_if_changed()
        else:
            if todo:
                build.process(todo)
            if publish:
                build.publish_if_changed()
        build.write_log()
    finally:
        build.close()
    return build.report
