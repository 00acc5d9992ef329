"""Archived files -> validated parsed table -> canonical actions, one edition at a time.

Parses are cached by (sha256, parser version): a file whose bytes were parsed before by the same parser
is never parsed again, whichever edition it belongs to.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pandera.errors

from fast_pipeline.core.canonical import conform, validate_actions
from fast_pipeline.core.content_check import check_content
from fast_pipeline.core.errors import ContentCheckError, ParseError, PipelineError, ValidationError
from fast_pipeline.core.parse_cache import parsed_path
from fast_pipeline.core.schema_validation import validate
from fast_pipeline.core.source import Source, SourceFile

log = logging.getLogger(__name__)


def describe_schema_errors(exc: pandera.errors.SchemaErrors, limit: int = 10) -> str:
    """A readable summary of Pandera failures: which column, which check, which rows."""
    cases = exc.failure_cases
    lines = []
    for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
        idx = [i for i in group["index"].tolist() if i is not None][:5]
        vals = [str(v)[:60] for v in group["failure_case"].tolist()[:3]]
        lines.append(f"{column}: {check} failed on {len(group)} row(s) (index {idx}; values {vals})")
        if len(lines) >= limit:
            break
    return "; ".join(lines)


def parsed_schema_failures(source: Source, frame: pd.DataFrame) -> str | None:
    """None when the parsed table satisfies the source's Pandera schema, else what broke where."""
    try:
        validate(source.parsed_schema, frame)
    except pandera.errors.SchemaErrors as exc:
        return describe_schema_errors(exc)
    return None


def canonical_schema_failures(actions: pd.DataFrame) -> str | None:
    try:
        validate_actions(actions)
    except pandera.errors.SchemaErrors as exc:
        return describe_schema_errors(exc)
    return None


def _parse(source: Source, file: SourceFile) -> pd.DataFrame:
    # The same check acquisition applies, so that a file given to `fast-pipeline parse` by hand (an HTML
    # page saved as .pdf, a zip bomb named .xlsx) fails with the same clear reason before any parser runs.
    try:
        check_content(file.read_bytes(), file.file_format, source_id=source.source_id, file_name=file.file_name)
    except ContentCheckError as exc:
        raise ParseError(source.source_id, file.file_name, exc.reason) from exc
    try:
        frame = source.parse_file(file)
    except PipelineError:
        raise
    except Exception as exc:  # an unexpected crash still names source and file
        raise ParseError(source.source_id, file.file_name, f"parser crashed: {type(exc).__name__}: {exc}") from exc
    if frame.empty:
        raise ParseError(source.source_id, file.file_name, "the file holds no data rows")
    return frame


def parse_file_cached(source: Source, file: SourceFile, cache_dir: Path) -> tuple[pd.DataFrame, bool]:
    """The parse of one file (with provenance columns) and whether it came from the cache.

    Not validated here: validation is the asset check's job, and `parse_validated`'s."""
    path = parsed_path(cache_dir, source, file)
    if path.exists():
        return _with_provenance(pd.read_parquet(path), file), True
    frame = _with_provenance(_parse(source, file), file)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".parse-", dir=path.parent)
    os.close(fd)
    try:
        frame.drop(columns=list(PROVENANCE_ADDED)).to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return frame, False


def parse_validated(source: Source, file: SourceFile) -> pd.DataFrame:
    """Parse one file as the pipeline does (provenance added, no cache) and raise ValidationError if the
    result breaks the source's schema. For the CLI's `parse` and for tests."""
    frame = _with_provenance(_parse(source, file), file)
    failures = parsed_schema_failures(source, frame)
    if failures:
        raise ValidationError(source.source_id, file.file_name, f"parsed table breaks its schema: {failures}")
    return frame


PROVENANCE_ADDED = ("edition", "source_file", "file_format", "source_sha256", "source_url")


def _with_provenance(frame: pd.DataFrame, file: SourceFile) -> pd.DataFrame:
    """The file's provenance columns, set here and always last, in this order: a parse read back from the
    cache (which keeps some of them) has the same columns in the same order as a fresh one."""
    frame = frame.drop(columns=[c for c in PROVENANCE_ADDED if c in frame])
    frame["edition"] = file.edition
    frame["source_file"] = file.file_name
    frame["file_format"] = file.file_format
    frame["source_sha256"] = file.sha256
    frame["source_url"] = pd.Series([file.url] * len(frame), dtype="object", index=frame.index)
    for col in ("edition", "source_file", "file_format", "source_sha256"):
        frame[col] = frame[col].astype(str)
    return frame


@dataclass
class EditionResult:
    """What one edition produced, recorded in the warehouse's `raw.editions` table."""

    source_id: str
    edition: str
    parser_version: str
    edition_date: str | None
    retrieved_at: str | None
    files: list[dict]
    primary_file: str
    parsed_rows: int
    action_rows: int
    files_from_cache: int
    cross_check_issues: list[str]
    gate_passed: bool = True
    gate_reasons: list[str] | None = None
    # when the archive acquired the edition and the date it speaks for (core.edition_dates)
    origin: str | None = None
    acquired_at: str | None = None
    as_of_date: str | None = None
    date_basis: str | None = None
    date_warning: str | None = None

    def as_row(self) -> dict:
        row = asdict(self)
        row["files"] = json.dumps(self.files, sort_keys=True)
        row["cross_check_issues"] = json.dumps(self.cross_check_issues, ensure_ascii=False)
        row["gate_reasons"] = json.dumps(self.gate_reasons or [], ensure_ascii=False)
        return row


def parse_edition(source: Source, files: list[SourceFile], cache_dir: Path) -> tuple[pd.DataFrame, int]:
    """All files of one edition, parsed and validated, concatenated; with the count served from cache."""
    frames, cached = [], 0
    for file in sorted(files, key=lambda f: f.file_name):
        frame, hit = parse_file_cached(source, file, cache_dir)
        frames.append(frame)
        cached += hit
    return pd.concat(frames, ignore_index=True), cached


def primary_rows(source: Source, parsed: pd.DataFrame) -> pd.DataFrame:
    """The rows of the edition's most preferred format (the others are cross-checked against it)."""
    present = list(dict.fromkeys(parsed["file_format"]))
    for fmt in source.metadata.preferred_formats:
        if fmt in present:
            chosen = parsed[parsed["file_format"] == fmt]
            break
    else:
        chosen = parsed[parsed["file_format"] == present[0]]
    first_file = chosen["source_file"].iloc[0]
    return chosen[chosen["source_file"] == first_file].reset_index(drop=True)


def normalise_edition(source: Source, parsed: pd.DataFrame, edition: str) -> tuple[pd.DataFrame, str | None]:
    """Canonical actions of one edition (not yet validated: see `canonical_schema_failures`)."""
    primary = primary_rows(source, parsed)
    edition_date = source.edition_date(primary, edition)
    try:
        actions = conform(source.normalise(primary, edition, edition_date))
    except PipelineError:
        raise
    except Exception as exc:
        raise ValidationError(
            source.source_id, primary["source_file"].iloc[0], f"normaliser failed: {type(exc).__name__}: {exc}"
        ) from exc
    return actions, edition_date
