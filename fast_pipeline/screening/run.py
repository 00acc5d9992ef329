"""One screening run of a counterparty file: read, screen, apply decisions, write output, manifest, report.

The CLI's `screen` is a thin layer over `screen_file`; the HTTP service uses the engine directly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from fast_pipeline.screening import ENGINE_VERSION
from fast_pipeline.screening.counterparties import read_counterparties
from fast_pipeline.screening.engine import DEFAULT_THRESHOLD, REPORTING_FLOOR, Hit, Screener
from fast_pipeline.screening.exposures import ExposureIndex
from fast_pipeline.screening.output import RowWriter, output_columns, with_input
from fast_pipeline.screening.release_reader import load_release


@dataclass
class RunResult:
    output: Path
    manifest: Path
    report: Path | None
    counts: dict[str, int] = field(default_factory=dict)
    release_version: str = ""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Evidence:
    """Each party's actions and fingerprint, and each (country, goods) pair's exposures, computed once per run
    and shared by every row that shows them (100,000 rows of a file repeat a few thousand parties)."""

    def __init__(self, screener: Screener, exposures: ExposureIndex):
        self.screener, self.index = screener, exposures
        self._actions: dict[str, tuple[list[dict], str]] = {}
        self._exposures: dict[tuple[str | None, str | None], list[dict]] = {}

    def actions(self, hit: Hit) -> tuple[list[dict], str]:
        found = self._actions.get(hit.party_id)
        if found is None:
            found = self._actions[hit.party_id] = (
                self.screener.party_actions(hit.party),
                self.screener.evidence_fingerprint(hit.party),
            )
        return found

    def exposures(self, country: str | None, goods: str | None) -> list[dict]:
        key = (country, goods)
        found = self._exposures.get(key)
        if found is None:
            found = self._exposures[key] = [e.as_dict() for e in self.index.exposures(country, goods)]
        return found


def hit_row(evidence: _Evidence, hit: Hit, threshold: float) -> dict:
    actions, fingerprint = evidence.actions(hit)
    return {
        "party_id": hit.party_id,
        "score": hit.score,
        "is_match": hit.score >= threshold and not hit.excluded_by_identifier,
        "matched_name": hit.matched_name,
        "match_reasons": hit.reasons,
        "party_kind": hit.party.kind,
        "party_country": hit.party.country,
        "sources": list(hit.party.source_ids),
        "action_count": len(actions),
        "active_action_count": sum(a["in_force"] for a in actions),
        "actions": actions,
        "evidence_fingerprint": fingerprint,
    }


def _rows_of(cp, source, results, evidence: _Evidence, threshold: float, known: dict, counts: dict):
    """The output rows of one counterparty: its error, its hits (with decisions applied), or one empty row."""
    base = {"query_id": cp.query.query_id if cp.query else (cp.columns.get(source.mapping.get("id", "")) or ""),
            "row_number": cp.row_number}  # fmt: skip
    if cp.query is None:
        yield with_input({**base, "error": cp.error}, cp.columns)
        return
    found = evidence.exposures(cp.query.country, cp.query.goods)
    counts["exposed"] += bool(found)
    hits = results[id(cp)]
    matched = False
    for hit in hits:
        row = {**base, **hit_row(evidence, hit, threshold), "exposures": found}
        decision = known.get((cp.query.query_id, hit.party_id))
        if decision is not None:
            status = row["review_status"] = decision.status_for(row["evidence_fingerprint"])
            kind = status.split(" ", 1)[0].rstrip(":")
            counts[kind] += 1
            if kind == "suppressed":
                row["is_match"] = False
        matched |= row["is_match"]
        counts["matches"] += row["is_match"]
        yield with_input(row, cp.columns)
    counts["hits"] += len(hits)
    counts["matched"] += matched
    if not hits:
        yield with_input({**base, "score": 0.0, "is_match": False, "exposures": found}, cp.columns)


class ReportRows:
    """What the HTML report shows, kept while the output streams: hit rows (their action and exposure
    lists are shared with the evidence cache), counterparties by exposure, and errors."""

    def __init__(self):
        self.hits: dict[str, list[dict]] = {}
        self.exposed: dict[int, tuple[list[dict], list[str]]] = {}
        self.errors: list[dict] = []

    def add(self, row: dict) -> None:
        keep = ("query_id", "party_id", "score", "is_match", "matched_name", "match_reasons", "party_kind",
                "actions", "review_status")  # fmt: skip
        if row.get("party_id"):
            self.hits.setdefault(row["query_id"], []).append({k: row.get(k) for k in keep})
        if row.get("error"):
            self.errors.append({k: row.get(k) for k in ("row_number", "query_id", "error")})
        exposures = row.get("exposures")
        if exposures:
            group = self.exposed.setdefault(id(exposures), (exposures, []))
            if not group[1] or group[1][-1] != row["query_id"]:
                group[1].append(row["query_id"])


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
) -> RunResult:
    """Screen every row of a counterparty file; write the output, its manifest and (by default) the report.

    `decisions` is a `decisions.DecisionStore` (or None): a cleared false positive whose evidence has not
    changed is suppressed, one whose evidence changed is re-opened."""
    source = read_counterparties(counterparties)
    release = load_release(release_dir)
    screener = Screener(release, as_of=as_of)
    evidence = _Evidence(screener, ExposureIndex(screener.history, as_of))
    valid = [c for c in source.rows if c.query is not None]
    total = len(valid)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    results = dict(zip((id(c) for c in valid), screener.screen([c.query for c in valid], progress=step)))
    known = decisions.load() if decisions is not None else {}
    counts = dict(rows=len(source.rows), screened=total, errors=len(source.rows) - total, matched=0, hits=0,
                  matches=0, suppressed=0, reopened=0, confirmed=0, exposed=0)  # fmt: skip
    output = Path(output)
    collected = ReportRows()
    with RowWriter(output, output_columns(source.header), fmt) as writer:
        for cp in source.rows:
            for row in _rows_of(cp, source, results, evidence, threshold, known, counts):
                writer.write(row)
                collected.add(row)
    report_path = None
    if report:
        from fast_pipeline.screening.report import write_report

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
        "report_file": str(report_path) if report_path else None,
        "decisions": decisions.describe() if decisions is not None else None,
        "screened_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": counts,
    }
    manifest.write_text(json.dumps(facts, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return RunResult(output, manifest, report_path, counts, release.version)
