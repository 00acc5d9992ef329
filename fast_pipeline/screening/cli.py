"""The screening commands (`screen`, `screen-decide`, `screen-eval`): argument parsing and terminal output
only; the work is in `run`, `decisions` and `evaluate`."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from fast_pipeline.core.errors import PipelineError
from fast_pipeline.settings import Settings

PROGRESS_FROM = 5000  # rows: a progress bar for files larger than this


class ScreenArgumentError(PipelineError):
    def __init__(self, reason: str):
        super().__init__("screen", None, reason)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


def _threshold(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("the threshold is a score between 0 and 1")
    return value


def _workers(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("between 1 and 64 processes")
    return value


def add_commands(sub, screen, decide, evaluate) -> None:
    from fast_pipeline.screening import DEFAULT_THRESHOLD
    from fast_pipeline.screening.output import FORMATS

    s = sub.add_parser("screen", help="screen a counterparty file (CSV or XLSX) against a release")
    s.add_argument("counterparties", type=Path, help="CSV (any encoding and delimiter) or XLSX")
    s.add_argument("-o", "--output", type=Path, help="output file (default: <input>.screened.<format>)")
    s.add_argument("--format", choices=FORMATS, help="output format (default: from -o's suffix, else csv)")
    s.add_argument("--release", metavar="VERSION", help="screen against this release (default: the newest)")
    s.add_argument("--as-of", type=_date, metavar="DATE", help="the lists as they stood on this date")
    s.add_argument("--threshold", type=_threshold, default=DEFAULT_THRESHOLD, help="score for is_match")
    s.add_argument("--decisions", metavar="PATH_OR_URL", help="decisions store (default: the warehouse)")
    s.add_argument("--no-report", action="store_true", help="do not write the HTML report")
    s.add_argument("--workers", type=_workers, default=min(2, os.cpu_count() or 1),
                   help="processes screening a large file's blocks (default: 2, or 1 on one core)")  # fmt: skip
    s.set_defaults(func=screen)
    d = sub.add_parser("screen-decide", help="record reviewers' decisions from a reviewed screening output")
    d.add_argument("reviewed", type=Path, help="a screening output with a `decision` column filled in")
    d.add_argument("--reviewer", required=True, help="who decided")
    d.add_argument("--decisions", metavar="PATH_OR_URL", help="decisions store (default: the warehouse)")
    d.set_defaults(func=decide)
    e = sub.add_parser("screen-eval", help="precision, recall and F1 of the engine on labelled pairs")
    e.add_argument("labelled", type=Path, help="CSV: kind, name_a, name_b, label [, country_a, country_b, ...]")
    e.add_argument("--threshold", type=_threshold, default=DEFAULT_THRESHOLD)
    e.add_argument("--release", metavar="VERSION", help="word weights from this release (default: newest)")
    e.set_defaults(func=evaluate)


def _store(args, settings: Settings):
    from fast_pipeline.screening.decisions import DecisionStore

    return DecisionStore(args.decisions or settings.warehouse_url)  # the warehouse, DuckDB or PostgreSQL


def screen(args, settings: Settings) -> int:
    from fast_pipeline.screening.release_reader import release_path
    from fast_pipeline.screening.run import screen_file

    fmt = args.format
    if fmt is None:
        suffix = args.output.suffix.lower().lstrip(".") if args.output else ""
        fmt = suffix if suffix in ("csv", "xlsx", "jsonl") else "csv"
    output = args.output or args.counterparties.with_name(f"{args.counterparties.stem}.screened.{fmt}")
    release = release_path(settings, args.release)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total < PROGRESS_FROM:
            return
        if bar is None:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="rows", desc="screening", file=sys.stderr)
        bar.update(done - bar.n)

    store = _store(args, settings)
    try:
        result = screen_file(
            args.counterparties,
            release,
            output,
            fmt,
            args.threshold,
            args.as_of,
            store,
            not args.no_report,
            progress,
            args.workers,
        )
    finally:
        store.close()
        if bar is not None:
            bar.close()
    c = result.counts
    when = f" as of {args.as_of.isoformat()}" if args.as_of else ""
    print(f"screened {c['screened']} of {c['rows']} counterparties against release {result.release_version}{when}")
    print(f"  matched:  {c['matched']} counterparties ({c['matches']} matching parties, {c['hits']} candidates)")
    if c["suppressed"] or c["reopened"] or c["confirmed"]:
        print(f"  reviewed: {c['suppressed']} suppressed, {c['reopened']} re-opened, {c['confirmed']} confirmed")
    print(f"  exposed:  {c['exposed']} counterparties to listed country goods")
    print(f"  errors:   {c['errors']} rows")
    print(f"  output:   {result.output}")
    print(f"  exposures: {result.exposures} ({c['exposure_findings']} findings the output's keys name)")
    print(f"  manifest: {result.manifest}")
    if result.report:
        print(f"  report:   {result.report}")
    return 0


def screen_decide(args, settings: Settings) -> int:
    from fast_pipeline.screening.decisions import decisions_from_reviewed

    found, errors = decisions_from_reviewed(args.reviewed, args.reviewer)
    for line in errors:
        print(f"error: screen-decide: {args.reviewed.name}: {line}", file=sys.stderr)
    store = _store(args, settings)
    try:
        count = store.record(found, source_file=str(args.reviewed))
        where = store.describe()
    finally:
        store.close()
    kinds = {k: sum(d.decision == k for d in found) for k in ("false_positive", "confirmed")}
    print(
        f"recorded {count} decisions ({kinds['false_positive']} false positives, {kinds['confirmed']} confirmed) in {where}"
    )
    return 1 if errors else 0


def screen_eval(args, settings: Settings) -> int:
    from fast_pipeline.screening.engine import Screener
    from fast_pipeline.screening.evaluate import evaluate
    from fast_pipeline.screening.release_reader import ReleaseError, load_release, release_path

    weights = None
    try:
        weights = Screener(load_release(release_path(settings, args.release))).weights
    except ReleaseError:
        if args.release:
            raise
    result = evaluate(args.labelled, args.threshold, weights)
    basis = "the release's names" if weights is not None else "the file's names"
    print(f"{result.pairs} labelled pairs; word weights from {basis}")
    print(
        f"at threshold {result.threshold:.2f}: precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}"
    )
    print(f"best F1 {result.best_f1:.3f} at threshold {result.best_threshold:.2f}")
    return 0
