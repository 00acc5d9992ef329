"""One screening run of a counterparty file: read, screen, apply decisions, write output, manifest, report.

Beside the output `<out>.<fmt>`: `<out>.exposures.<fmt>` (each finding the rows' `exposures` keys name, with
its detail, once), `<out>.manifest.json` and `<out>.report.html`.

The CLI's `screen` is a thin layer over `screen_file`; the HTTP service uses the engine directly.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from fast_pipeline.screening import ENGINE_VERSION
from fast_pipeline.screening.counterparties import read_counterparties
from fast_pipeline.screening.engine import DEFAULT_THRESHOLD, REPORTING_FLOOR, Hit, Screener
from fast_pipeline.screening.exposures import Exposure, ExposureIndex
from fast_pipeline.screening.output import EXPOSURE_COLUMNS, RowWriter
from fast_pipeline.screening.parallel import screen_blocks
from fast_pipeline.screening.release_reader import load_release

SCREEN_BLOCK = 10_000  # counterparties screened before their rows are written


@dataclass
class RunResult:
    output: Path
    manifest: Path
    report: Path | None
    counts: dict[str, int] = field(default_factory=dict)
    release_version: str = ""
    exposures: Path | None = None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class ExposureGroup:
    """The findings on one (country, goods) of the input, and who has it: rows holding the same `keys` list
    let the writer render it once."""

    exposures: list[Exposure]
    keys: list[str]
    count: int = 0
    query_ids: list[str] = field(default_factory=list)


class _Evidence:
    """Each party's actions and fingerprint, and each (country, goods) pair's exposures, computed once per run
    and shared by every row that shows them (100,000 rows of a file repeat a few thousand parties)."""

    def __init__(self, screener: Screener, exposures: ExposureIndex):
        self.screener, self.index = screener, exposures
        self._actions: dict[str, tuple[list[dict], str, list[str]]] = {}
        self.groups: dict[tuple[str | None, str | None], ExposureGroup] = {}

    def actions(self, hit: Hit) -> tuple[list[dict], str, list[str]]:
        """The party's actions, their fingerprint and its sources."""
        found = self._actions.get(hit.party_id)
        if found is None:
            found = self._actions[hit.party_id] = (
                self.screener.party_actions(hit.party),
                self.screener.evidence_fingerprint(hit.party),
                list(hit.party.source_ids),
            )
        return found

    def exposures(self, country: str | None, goods: str | None) -> ExposureGroup:
        key = (country, goods)
        found = self.groups.get(key)
        if found is None:
            exposures = self.index.exposures(country, goods)
            found = self.groups[key] = ExposureGroup(exposures, [e.key for e in exposures])
        return found

    def findings(self) -> list[dict]:
        """Every finding some counterparty of the run is exposed to, with the number of counterparties."""
        counts: dict[str, int] = defaultdict(int)
        found: dict[str, Exposure] = {}
        for group in self.groups.values():
            for exposure in group.exposures:
                found[exposure.key] = exposure
                counts[exposure.key] += group.count
        return [
            {"exposure_key": key, **found[key].as_dict(), "counterparties": counts[key]}
            for key in sorted(found)
            if counts[key]
        ]


def hit_row(evidence: _Evidence, hit: Hit, threshold: float) -> dict:
    actions, fingerprint, sources = evidence.actions(hit)
    return {
        "party_id": hit.party_id,
        "score": hit.score,
        "is_match": hit.score >= threshold and not hit.excluded_by_identifier,
        "matched_name": hit.matched_name,
        "match_reasons": hit.reasons,
        "party_kind": hit.party.kind,
        "party_country": hit.party.country,
        "sources": sources,
        "action_count": len(actions),
        "active_action_count": sum(a["in_force"] for a in actions),
        "actions": actions,
        "evidence_fingerprint": fingerprint,
    }


def _rows_of(cp, source, hits, evidence: _Evidence, threshold: float, known: dict, counts: dict, report):
    """The output rows of one counterparty: its error, its hits (with decisions applied), or one empty row."""
    base = {"query_id": cp.query.query_id if cp.query else (cp.columns.get(source.mapping.get("id", "")) or ""),
            "row_number": cp.row_number}  # fmt: skip
    if cp.query is None:
        yield {**base, "error": cp.error}
        return
    group = evidence.exposures(cp.query.country, cp.query.goods)
    if group.keys:
        counts["exposed"] += 1
        group.count += 1
        if report is not None:
            group.query_ids.append(base["query_id"])
    matched = False
    for hit in hits:
        row = {**base, **hit_row(evidence, hit, threshold), "exposures": group.keys}
        decision = known.get((cp.query.query_id, hit.party_id))
        if decision is not None:
            status = row["review_status"] = decision.status_for(row["evidence_fingerprint"])
            kind = status.split(" ", 1)[0].rstrip(":")
            counts[kind] += 1
            if kind == "suppressed":
                row["is_match"] = False
        matched |= row["is_match"]
        counts["matches"] += row["is_match"]
        yield row
    counts["hits"] += len(hits)
    counts["matched"] += matched
    if not hits:
        yield {**base, "score": 0.0, "is_match": False, "exposures": group.keys}


class ReportRows:
    """What the HTML report shows, kept while the output streams: hit rows (their action lists are shared
    with the evidence cache) and errors; the exposure groups come from the evidence."""

    KEEP = ("query_id", "party_id", "score", "is_match", "matched_name", "match_reasons", "party_kind", "actions",
            "review_status")  # fmt: skip

    def __init__(self):
        self.hits: dict[str, list[dict]] = {}
        self.exposed: list[ExposureGroup] = []
        self.errors: list[dict] = []

    def add(self, row: dict) -> None:
        if row.get("party_id"):
            self.hits.setdefault(row["query_id"], []).append({k: row.get(k) for k in self.KEEP})
        if row.get("error"):
            self.errors.append({k: row.get(k) for k in ("row_number", "query_id", "error")})


def screen_file(
    counterparties: Path,
    release_dir: Path,
    output: Path,
    fmt: str = "csv",
    threshold: float = DEFAULT_THRESHOLD,
    as_of: date | None = None,
    decisions=None,
    report: bool = True,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> RunResult:
    """Screen every row of a counterparty file; write the output, its manifest and (by default) the report.

    `decisions` is a `decisions.DecisionStore` (or None): a cleared false positive whose evidence has not
    changed is suppressed, one whose evidence changed is re-opened. `workers` > 1 screens blocks of a large
    file on that many forked processes (`parallel`) while this one writes."""
    source = read_counterparties(counterparties)
    release = load_release(release_dir)
    screener = Screener(release, as_of=as_of)
    evidence = _Evidence(screener, ExposureIndex(screener.history, as_of))
    with _gc_frozen():
        return _screen(
            source, release, screener, evidence, output, fmt, threshold, as_of, decisions, report, progress, workers
        )


def _screened(screener: Screener, rows: list, progress: Callable[[int], None], workers: int):
    """(counterparty, its hits) in file order, screened a block at a time as the writer takes them (on
    `workers` cores), so that no more than a few blocks' hits are held; an error row has none."""
    row_blocks = [rows[start : start + SCREEN_BLOCK] for start in range(0, len(rows), SCREEN_BLOCK)]
    query_blocks = [[c.query for c in block if c.query is not None] for block in row_blocks]
    # closed when the file is done or the writer fails, not whenever the garbage collector finds it
    with closing(screen_blocks(screener, query_blocks, workers)) as screened:
        for block, queries, hits in zip(row_blocks, query_blocks, screened):
            found = iter(hits)
            for cp in block:
                yield cp, next(found) if cp.query is not None else []
            progress(len(queries))


@contextmanager
def _gc_frozen():
    """The file's rows and the index (millions of objects, all alive until the end) kept out of the cyclic
    garbage collector's full passes while screening makes and drops hits: about a tenth of the run's time."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _screen(source, release, screener, evidence, output, fmt, threshold, as_of, decisions, report, progress, workers):
    counterparties = source.path
    valid = [c for c in source.rows if c.query is not None]
    total = len(valid)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    known = decisions.load() if decisions is not None else {}
    counts = dict(rows=len(source.rows), screened=total, errors=len(source.rows) - total, matched=0, hits=0,
                  matches=0, suppressed=0, reopened=0, confirmed=0, exposed=0, exposure_findings=0)  # fmt: skip
    output = Path(output)
    collected = ReportRows() if report else None
    with (
        RowWriter(output, fmt, source.header) as writer,
        closing(_screened(screener, source.rows, step, workers)) as screened,
    ):
        for cp, hits in screened:
            inputs = writer.input_cells(cp.columns)
            for row in _rows_of(cp, source, hits, evidence, threshold, known, counts, collected):
                writer.write(row, inputs)
                if collected is not None:
                    collected.add(row)
    findings = evidence.findings()
    counts["exposure_findings"] = len(findings)
    exposures_path = output.with_name(f"{output.stem}.exposures.{fmt}")
    with RowWriter(exposures_path, fmt, own=EXPOSURE_COLUMNS) as writer:
        for finding in findings:
            writer.write(finding)
    report_path = None
    if collected is not None:
        from fast_pipeline.screening.report import write_report

        collected.exposed = [g for g in evidence.groups.values() if g.count]
        report_path = output.with_name(output.stem + ".report.html")
        write_report(report_path, collected, release.version, as_of, threshold, counts)
    manifest = output.with_name(output.stem + ".manifest.json")
    facts = {
        "engine_version": ENGINE_VERSION,
        "release_version": release.version,
        "release_path": str(release.path),
        "release_checksums_sha256": release.checksums_sha256,
        "threshold": threshold,
        "reporting_floor": REPORTING_FLOOR,
        "as_of": as_of.isoformat() if as_of else None,
        "input_file": str(counterparties),
        "input_sha256": sha256_file(counterparties),
        "input_encoding": source.encoding,
        "input_delimiter": source.delimiter,
        "input_columns": source.mapping,
        "output_file": str(output),
        "output_format": fmt,
        "output_sha256": sha256_file(output),
        "exposures_file": str(exposures_path),
        "exposures_sha256": sha256_file(exposures_path),
        "report_file": str(report_path) if report_path else None,
        "decisions": decisions.describe() if decisions is not None else None,
        "screened_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": counts,
    }
    manifest.write_text(json.dumps(facts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return RunResult(output, manifest, report_path, counts, release.version, exposures_path)
