"""The `fast-pipeline` command. Exit code 0 only when everything asked for succeeded."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import json
import os
import sys
from pathlib import Path

from fast_pipeline.core.errors import PipelineError
from fast_pipeline.crash import describe, keep_traceback
from fast_pipeline.settings import Settings
from fast_pipeline.sources.registry import SOURCE_IDS, get_source

# A command, a build above all, loads most of what it keeps early (Dagster, dbt, pandas, the dbt manifest). At
# Python's default thresholds (700, 10, 10) the collector traversed those objects again and again: 1.5 s of
# a 15 s cold build. With these, 0.7 s (64 collections of the youngest objects instead of 1930, one full
# collection instead of ten), for a few per cent more memory; every cycle is still collected.
GC_THRESHOLDS = (20_000, 20, 10)
# Pandera loads Hypothesis (for its data strategies) when it first validates, and Hypothesis then runs the
# plugins that installed packages register: here only trio's (selenium's, for the web page's tests), whose
# import cost 0.3 s of every command that parses. No command draws examples; `./dev` sets the same for tests.
NO_HYPOTHESIS_PLUGINS = "HYPOTHESIS_NO_PLUGINS"


def cmd_prepare(args, settings: Settings) -> int:
    from fast_pipeline.environment import ensure_dbt_manifest, prepare_environment

    prepare_environment(settings)
    path = ensure_dbt_manifest(force=args.force)
    print(f"dbt manifest ready: {path}")
    print(f"Dagster instance: {settings.dagster_home}")
    return 0


def cmd_build(args, settings: Settings) -> int:
    from fast_pipeline.build import run_build
    from fast_pipeline.core import warehouse

    if args.source:
        unknown = [s for s in args.source if s not in SOURCE_IDS]
        if unknown:
            print(f"unknown source(s): {', '.join(unknown)}; known: {', '.join(SOURCE_IDS)}", file=sys.stderr)
            return 2
    mode = f"mirror {settings.mirror}" if settings.mirror else "publishers over HTTP"
    print(f"fast-pipeline build: {len(args.source or SOURCE_IDS)} source(s) from {mode}; data in {settings.data_dir}")
    report = run_build(settings, args.source, publish=not args.no_release, each_edition=args.each_edition)
    print()
    print("summary")
    for rep in report.sources:
        print(
            f"  {rep.source_id:<20} {rep.status:<11} new editions: {len(rep.new_editions):>2}  processed: "
            f"{len(rep.processed):>2}  {rep.seconds:6.1f}s"
        )
        for err in rep.errors:
            print(f"      error: {err}")
        for edition in rep.quarantined + rep.still_quarantined:
            print(f"      quarantined: {edition} (see `fast-pipeline sources`)")
    for err in report.errors:
        print(f"  error: {err}")
    print(f"  warehouse: {warehouse.shown(settings.warehouse_url)}")
    if len(report.releases) > 1:
        print(f"  releases:  {', '.join(report.releases)} in {settings.releases_dir}")
    elif report.release:
        print(f"  release:   {settings.releases_dir / report.release}")
    return 0 if report.ok else 1


def cmd_parse(args, settings: Settings) -> int:
    source = get_source(args.source_id)
    path = Path(args.file)
    if not path.exists():
        raise PipelineError(source.source_id, args.file, "no such file")
    if not path.is_file():
        raise PipelineError(source.source_id, args.file, "is a directory, not a file: give one file of the source")
    if args.output and not Path(args.output).parent.is_dir():
        raise PipelineError(source.source_id, args.file, f"cannot write {args.output}: its directory does not exist")
    from fast_pipeline.core import parsing  # pandas and Pandera: most of a second, after the checks that need neither
    from fast_pipeline.core.source import local_source_file

    file = local_source_file(source.source_id, path)
    frame = parsing.parse_validated(source, file)  # a researcher's file is not added to our cache
    if args.canonical:
        frame, _ = parsing.normalise_edition(source, frame, "local")
        failures = parsing.canonical_schema_failures(frame)
        if failures:
            raise PipelineError(source.source_id, file.file_name, f"canonical rows break the schema: {failures}")
    frame = frame.drop(columns=["edition"], errors="ignore")
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115 (closed below unless stdout)
    try:
        if args.format == "jsonl":
            for record in frame.to_dict(orient="records"):
                out.write(
                    json.dumps(
                        {k: (None if _isna(v) else v) for k, v in record.items()}, ensure_ascii=False, default=str
                    )
                    + "\n"
                )
        else:  # text cells spreadsheet-safe, as in a release's CSV (core.display); JSON Lines stays exact
            from fast_pipeline.core.display import csv_cell

            safe = frame.map(lambda v: csv_cell(v) if isinstance(v, str) else v)
            safe.to_csv(out, index=False, lineterminator="\n")
    finally:
        if args.output:
            out.close()
    print(f"{source.source_id}: {file.file_name}: {len(frame)} rows", file=sys.stderr)
    return 0


def _isna(value) -> bool:
    try:
        return bool(value != value)  # NaN / NA
    except (TypeError, ValueError):
        return False


def cmd_sources(args, settings: Settings) -> int:
    from datetime import date

    from fast_pipeline.core import warehouse
    from fast_pipeline.core.display import visible

    editions = warehouse.edition_rows(settings.warehouse_url)  # plain rows: no pandas for a table of a few dozen
    print(f"{'source':<20} {'last published edition':<26} {'data as of':<24} {'actions':>7}  {'age (days)':>10}  title")
    warnings, notes = [], []
    for sid in SOURCE_IDS:
        meta = get_source(sid).metadata
        title = meta.title + (UNVERIFIED if _unverified(meta) else "")
        passed = [row for row in editions if row["source_id"] == sid and row["gate_passed"]]
        if not passed:
            print(f"{sid:<20} {'(none yet)':<26} {'':<24} {'':>7}  {'':>10}  {title}")
            continue
        last = passed[-1]  # edition_rows is in the one edition order: the last is the one carried
        # the date the data speaks for, and what it is: the publisher's (published), the mirror label's
        # (label) or the day it was fetched (retrieved); see core.edition_dates
        when, how = _as_of(last)
        age = (date.today() - date.fromisoformat(when)).days if when else ""
        dated = f"{when} ({how})" if when else ""
        if _present(last.get("date_warning")):
            warnings.append(f"{sid} {visible(last['edition'])}: {visible(last['date_warning'])}")
            dated += " !"
        print(
            f"{sid:<20} {visible(last['edition']):<26} {dated:<24} {int(last['action_rows']):>7}  {age!s:>10}  {title}"
        )
        if meta.extra.get("scope"):  # one file per edition: the parsed rows the scope did not turn into actions
            left_out = int(last["parsed_rows"]) - int(last["action_rows"])
            notes.append(f"{sid}: the scope (source.yml) left out {left_out} of {int(last['parsed_rows'])} rows")
    for line in warnings:
        print(f"! {line}")
    for line in notes:
        print(f"  {line}")
    _print_quarantined(editions)
    return 0


UNVERIFIED = " [not yet verified against a real edition]"


def _unverified(meta) -> bool:
    """A source whose parser was written from documentation and synthetic pages only: source.yml says
    `verified_against: null` until a real edition has been parsed (then it names that edition)."""
    return "verified_against" in meta.extra and not meta.extra["verified_against"]


def _present(value) -> bool:
    return isinstance(value, str) and bool(value)


def _as_of(row) -> tuple[str | None, str | None]:
    """(as-of date, basis) of a raw.editions row; rows recorded before edition dating existed give
    the publisher's date, else the day they were retrieved."""
    if _present(row.get("as_of_date")):
        return row["as_of_date"], row["date_basis"]
    if _present(row.get("edition_date")):
        return row["edition_date"], "published"
    retrieved = row.get("retrieved_at")
    return (retrieved[:10], "retrieved") if _present(retrieved) else (None, None)


def _print_quarantined(editions: list[dict]) -> None:
    """Editions their parser could not process: held back from every release until a new parser version."""
    from fast_pipeline.core.display import visible

    rows = [row for row in editions if row.get("quarantine_reason") is not None]
    if rows:
        print()
        print("quarantined (not published; retried when the source's parser version changes):")
        for row in rows:
            print(
                f"  {row['source_id']:<20} {visible(row['edition']):<26} parser v{row['parser_version']}: "
                f"{visible(row['quarantine_reason'])}"
            )


def cmd_releases(args, settings: Settings) -> int:
    from fast_pipeline.release import list_releases
    from fast_pipeline.release.checks import release_damage

    releases = list_releases(settings)
    if not releases:
        print(f"no releases yet in {settings.releases_dir}: run `fast-pipeline build`")
        return 0
    print(f"{'version':<14} {'actions':>7} {'listed':>7} {'added':>6} {'removed':>7} {'changed':>7}  since")
    tampered = []
    for rel in releases:
        counts, changes = rel["counts"], rel["changes"]
        print(
            f"{rel['version']:<14} {counts.get('adverse_actions', 0):>7} {counts.get('listed_actions', 0):>7} "
            f"{changes.get('added', 0):>6} {changes.get('removed', 0):>7} {changes.get('changed', 0):>7}  "
            f"{rel['previous_version'] or '(first release)'}"
        )
        damage = release_damage(Path(rel["path"]))
        if damage:
            tampered.append(rel["version"])
            print(f"  TAMPERED: {'; '.join(damage[:3])}{' ...' if len(damage) > 3 else ''}")
    if tampered:
        print(f"{len(tampered)} release(s) TAMPERED: their files no longer match SHA256SUMS", file=sys.stderr)
        return 1
    return 0


def cmd_verify(args, settings: Settings) -> int:
    from fast_pipeline.core.locks import writer_lock
    from fast_pipeline.verify import run_verify

    with writer_lock(settings.data_dir, "verify", settings.lock_wait):
        report = run_verify(settings)
    print(
        f"verify: {report.objects} archived object(s), {report.releases} release(s); "
        f"{len(report.restored)} restored, {len(report.damaged)} damaged, {len(report.tampered)} tampered"
    )
    if not report.ok:
        print(
            f"error: {len(report.damaged)} archived object(s) damaged, {len(report.tampered)} release file(s) "
            "tampered (listed above)",
            file=sys.stderr,
        )
    return 0 if report.ok else 1


def cmd_release(args, settings: Settings) -> int:
    from fast_pipeline.core.locks import writer_lock
    from fast_pipeline.environment import prepare_environment
    from fast_pipeline.release import write_release

    prepare_environment(settings)
    with writer_lock(settings.data_dir, "release", settings.lock_wait):
        result = write_release(settings)
    if result.created:
        c = result.changes
        print(
            f"release {result.version} written to {result.path}: "
            f"{c['added']} added, {c['removed']} removed, {c['changed']} changed"
        )
    else:
        print(f"release {result.version}: {result.note}")
    return 0


def cmd_diff(args, settings: Settings) -> int:
    from fast_pipeline.core.display import visible
    from fast_pipeline.release import release_diff

    changes = release_diff(settings, args.old, args.new)
    if args.json:
        print(json.dumps(changes.as_json(args.new), ensure_ascii=False, indent=2))
        return 0
    s = changes.summary()
    print(f"{args.old} -> {args.new}: {s['added']} added, {s['removed']} removed, {s['changed']} changed")
    for sid, c in s["by_source"].items():
        print(f"  {sid:<20} +{c['added']} -{c['removed']} ~{c['changed']}")
    shown = lambda v: "(empty)" if v is None else visible(v)  # noqa: E731 - publisher text never drives the terminal
    for kind, mark in (("removed", "-"), ("added", "+"), ("changed", "~")):
        for item in getattr(changes, kind):
            print(f"{mark} {item['source_id']:<20} {visible(item['party_name'])}  [{visible(item['natural_key'])}]")
            for f in item.get("fields", []):
                print(f"      {visible(f['field'])}: {shown(f['old'])} -> {shown(f['new'])}")
    return 0


def cmd_screen(args, settings: Settings) -> int:
    from fast_pipeline.screening.cli import screen

    return screen(args, settings)


def cmd_screen_decide(args, settings: Settings) -> int:
    from fast_pipeline.screening.cli import screen_decide

    return screen_decide(args, settings)


def cmd_screen_eval(args, settings: Settings) -> int:
    from fast_pipeline.screening.cli import screen_eval

    return screen_eval(args, settings)


def cmd_serve(args, settings: Settings) -> int:
    from fast_pipeline.service.cli import serve

    return serve(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fast-pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    pr = sub.add_parser("prepare", help="prepare the dbt manifest and the Dagster instance")
    pr.add_argument("--force", action="store_true", help="re-run dbt parse even if the manifest is fresh")
    pr.set_defaults(func=cmd_prepare)
    b = sub.add_parser("build", help="acquire, parse, normalise, build the warehouse and write a release")
    b.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    b.add_argument("--no-release", action="store_true", help="stop after loading the raw warehouse tables")
    b.add_argument(
        "--each-edition",
        action="store_true",
        help="publish after each new edition, oldest first: saved editions give one dated release each",
    )
    b.set_defaults(func=cmd_build)
    p = sub.add_parser("parse", help="parse one local file of a source and print its validated table")
    p.add_argument("source_id", choices=SOURCE_IDS)
    p.add_argument("file")
    p.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    p.add_argument("-o", "--output", help="write here instead of standard output")
    p.add_argument("--canonical", action="store_true", help="print canonical adverse_action rows instead")
    p.set_defaults(func=cmd_parse)
    sub.add_parser("sources", help="each source with its last edition, row count and freshness").set_defaults(
        func=cmd_sources
    )
    sub.add_parser("releases", help="list releases with their counts").set_defaults(func=cmd_releases)
    sub.add_parser(
        "verify", help="check every archived object and release file against its checksum; restore from the mirror"
    ).set_defaults(func=cmd_verify)
    sub.add_parser("release", help="write a release from the current warehouse (if anything changed)").set_defaults(
        func=cmd_release
    )
    d = sub.add_parser("diff", help="what changed between two releases")
    d.add_argument("old", metavar="V1", help="the earlier release, e.g. 2026.08.02")
    d.add_argument("new", metavar="V2", help="the later release")
    d.add_argument("--json", action="store_true", help="print the machine-readable changes (as changes.json)")
    d.set_defaults(func=cmd_diff)
    from fast_pipeline.screening.cli import add_commands

    add_commands(sub, screen=cmd_screen, decide=cmd_screen_decide, evaluate=cmd_screen_eval)
    from fast_pipeline.service.cli import add_command as add_serve

    add_serve(sub, cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()  # every FAST_* variable is checked here, before any work
        return args.func(args, settings)
    except PipelineError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped reading (`| head`): it has what it wanted, no error to report
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - what is still buffered goes nowhere, quietly
        return 141  # a shell's code for a process ended by SIGPIPE
    except Exception as exc:  # anything else: one line for the user, the traceback kept in a log file
        log = keep_traceback(exc)
        print(f"error: {describe(exc)} (full traceback in {log})", file=sys.stderr)
        return 1


def run() -> None:
    """The `fast-pipeline` program: `main` with the collector tuned for a command (GC_THRESHOLDS), and an
    exit that skips the interpreter's teardown. After every other exit handler (the log's, multiprocessing's)
    and once the threads have ended, the process ends at once: the teardown's last collections of
    everything a build loaded took a second, to free memory that the exit frees anyway. Every file and
    database is closed by then (a test checks that a build leaves no write-ahead log behind)."""
    gc.set_threshold(*GC_THRESHOLDS)
    os.environ[NO_HYPOTHESIS_PLUGINS] = os.environ.get(NO_HYPOTHESIS_PLUGINS) or "1"
    outcome: dict[str, int] = {}
    atexit.register(_end_process, outcome)  # registered first, so it runs last
    try:
        outcome["code"] = main()
    except BaseException:  # argparse's exit, an interrupt: the interpreter's own way out
        atexit.unregister(_end_process)
        raise
    sys.exit(outcome["code"])


def _end_process(outcome: dict[str, int]) -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing more can reach the reader anyway
            stream.flush()
    os._exit(outcome.get("code", 1))


if __name__ == "__main__":
    run()
