"""Screening quality and speed, this engine beside nomenklatura's logic-v2 (the matcher behind yente):

    python benchmarks/bench_screening.py [--data DIR] [--per-category 300] [--rows 100000]

Needs a release (`FAST_SOURCE_MIRROR=../shared/sources ./dev build`, or --data a data directory holding one).
- quality: a labelled query set generated from the release (benchmarks/screening_queries.py: listed names as
  customer files write them, tax IDs alone, names not on any list, namesakes with another valid CPF,
  near-miss firms with their own CNPJ); precision and recall per category for this engine (its threshold)
  and for logic-v2 (threshold 0.7, yente's default), scored on the same queries and the same candidates
  (this engine's blocking output). Targets: recall >= 0.98 and precision >= 0.99, both at least logic-v2's.
- speed: `fast-pipeline screen` on a CSV of N counterparties (default 100,000) drawn from those queries, as a
  user runs it (a subprocess: start-up, reading, writing the output count), with its peak memory and its CPU
  time (on a shared machine the wall clock counts other processes' load; CPU-seconds do not); and the
  engine's own scoring against logic-v2's on the same candidates of a subsample. Targets: >= 5,000
  queries/s on 2 cores, >= 20x logic-v2, <= 1 GB.

logic-v2 runs in its own virtualenv, benchmarks/.logic-v2 (created on first use with nomenklatura from the
package index; --no-logic-v2 skips it). Re-runs itself with the project's .venv/bin/python.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, VENV_BIN, in_project_venv

LV2_VENV = REPO / "benchmarks" / ".logic-v2"
LV2_REQUIREMENT = "nomenklatura==4.17.4"
LV2_THRESHOLD = 0.7


def _logic_v2_python() -> Path:
    python = LV2_VENV / "bin" / "python"
    if not python.exists():
        print(f"setting up {LV2_VENV} with {LV2_REQUIREMENT} (first run only)", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(LV2_VENV)], check=True)
        uv = VENV_BIN / "uv"
        cmd = (
            [str(uv), "pip", "install", "--python", str(python)]
            if uv.exists()
            else [str(python), "-m", "pip", "install"]
        )
        subprocess.run([*cmd, "-q", LV2_REQUIREMENT], check=True)
    return python


def _entity(entity_id: str, kind: str | None, names: list[str], country: str | None, tax_ids: list[str]) -> dict:
    schema = {"person": "Person", "company": "Company", "organisation": "Organization"}.get(kind or "", "LegalEntity")
    props: dict[str, list[str]] = {}
    if names:
        props["name"] = names
    if country:
        props["country"] = [country.lower()]
    if tax_ids:
        props["taxNumber"] = tax_ids
    return {"id": entity_id, "schema": schema, "properties": props}


def logic_v2_scores(queries, candidate_lists, parties) -> tuple[list[list[float]], float, int]:
    items = []
    for q, cands in zip(queries, candidate_lists):
        query = _entity(q.query_id, q.kind, [q.name] if q.name else [], q.country, [q.tax_id.value] if q.tax_id else [])
        cand = [
            _entity(parties[c].party_id, parties[c].kind, [n.original for _, n in parties[c].names], parties[c].country,
                    sorted(t.value for t in parties[c].tax_ids))
            for c in sorted(cands)
        ]  # fmt: skip
        items.append({"q": query, "c": cand})
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(items), encoding="utf-8")
        subprocess.run(
            [str(_logic_v2_python()), str(REPO / "benchmarks" / "logic_v2_worker.py"), str(src), str(dst)], check=True
        )
        result = json.loads(dst.read_text(encoding="utf-8"))
    return result["scores"], result["seconds"], result["comparisons"]


def _metrics(rows: list[tuple[str, str | None, frozenset[str], set[str]]]) -> dict[str, dict]:
    """rows: (category, expected party or None, acceptable parties, predicted matches) -> per-category
    counts and rates. A match outside the acceptable parties is a false positive."""
    from benchmarks.screening_queries import CATEGORIES

    out = {}
    for cat in (*CATEGORIES, "all"):
        sel = [r for r in rows if cat in ("all", r[0])]
        tp = sum(1 for _, e, _, p in sel if e is not None and e in p)
        fp = sum(len(p - ok - {e}) for _, e, ok, p in sel)
        fn = sum(1 for _, e, _, p in sel if e is not None and e not in p)
        out[cat] = {
            "n": len(sel), "tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None,
        }  # fmt: skip
    return out


def _fmt(value: float | None) -> str:
    return "   —  " if value is None else f"{value:6.3f}"


def main() -> int:
    in_project_venv()
    sys.path.insert(0, str(REPO))
    from benchmarks.screening_queries import labelled_queries
    from fast_pipeline.screening.engine import DEFAULT_THRESHOLD, Screener
    from fast_pipeline.screening.names import make_name
    from fast_pipeline.screening.release_reader import load_release, release_path
    from fast_pipeline.settings import Settings

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="data directory holding the release (default: FAST_DATA_DIR or data/)")
    ap.add_argument("--release", help="release version (default: newest)")
    ap.add_argument("--per-category", type=int, default=300)
    ap.add_argument("--rows", type=int, default=100_000, help="counterparties in the speed run")
    ap.add_argument("--lv2-sample", type=int, default=1000, help="queries in the logic-v2 speed comparison")
    ap.add_argument("--no-logic-v2", action="store_true")
    args = ap.parse_args()
    settings = Settings.from_env()
    if args.data:
        settings = Settings(data_dir=args.data.resolve(), duckdb_path=args.data.resolve() / "warehouse.duckdb")
    release_dir = release_path(settings, args.release)
    release = load_release(release_dir)
    started = time.perf_counter()
    screener = Screener(release)
    index_seconds = time.perf_counter() - started
    print(
        f"release {release.version}: {len(screener.parties)} screenable parties, {len(screener._owners)} names; index {index_seconds:.2f}s"
    )

    labelled = labelled_queries(screener, args.per_category)
    queries = [item.query for item in labelled]
    hits = screener.screen(queries)
    ours = [(i.category, i.expected, i.acceptable, {h.party_id for h in hs if h.score >= DEFAULT_THRESHOLD and not h.excluded_by_identifier})
            for i, hs in zip(labelled, hits)]  # fmt: skip
    results = {"engine": _metrics(ours)}
    names = [make_name(q.name) if q.name else None for q in queries]
    candidates = screener.candidates(queries, names)
    if not args.no_logic_v2:
        scores, _, _ = logic_v2_scores(queries, candidates, screener.parties)
        theirs = [
            (i.category, i.expected, i.acceptable, {screener.parties[c].party_id for c, s in zip(sorted(cands), sc) if s >= LV2_THRESHOLD})
            for i, cands, sc in zip(labelled, candidates, scores)
        ]  # fmt: skip
        results["logic-v2"] = _metrics(theirs)
    print(
        f"\nquality: {len(labelled)} labelled queries; engine threshold {DEFAULT_THRESHOLD}, logic-v2 {LV2_THRESHOLD}"
    )
    print(
        f"{'category':<20} {'n':>5}  " + "  ".join(f"{name + ' P':>12} {name + ' R':>12} {'FP':>4}" for name in results)
    )
    for cat in results["engine"]:
        cells = "  ".join(
            f"{_fmt(m[cat]['precision']):>12} {_fmt(m[cat]['recall']):>12} {m[cat]['fp']:>4}" for m in results.values()
        )
        print(f"{cat:<20} {results['engine'][cat]['n']:>5}  {cells}")

    # speed: the command as a user runs it
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "counterparties.csv"
        with big.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "name", "tax_id", "country"])
            for n in range(args.rows):
                q = rng.choice(queries)
                w.writerow([f"r{n}", q.name or "", q.tax_id.value if q.tax_id else "", q.country or ""])
        env = {**os.environ, "FAST_DATA_DIR": str(settings.data_dir), "FAST_DUCKDB_PATH": str(Path(tmp) / "d.duckdb")}
        cmd = [str(VENV_BIN / "fast-pipeline"), "screen", str(big), "-o", str(Path(tmp) / "out.csv"),
               "--no-report", "--release", release.version]  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        peak = after.ru_maxrss / 1024
        out_mb = (Path(tmp) / "out.csv").stat().st_size / 1e6
        side_kb = (Path(tmp) / "out.exposures.csv").stat().st_size / 1e3
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    sample = [rng.choice(queries) for _ in range(args.rows)]
    screener.screen(sample)
    engine_seconds = time.perf_counter() - t0
    print(f"\nspeed ({os.cpu_count()} cores, load average {load:.1f}): `fast-pipeline screen` of {args.rows:,} "
          f"counterparties: {wall:.1f}s wall, {args.rows / wall:,.0f} queries/s end to end; {cpu:.1f} CPU-s, "
          f"{args.rows / cpu:,.0f} queries per CPU-second (start-up included); peak memory {peak:,.0f} MB; "
          f"output {out_mb:,.0f} MB + exposures file {side_kb:,.0f} kB")  # fmt: skip
    print(
        f"  engine alone (blocking + scoring, index built): {engine_seconds:.2f}s, {args.rows / engine_seconds:,.0f} queries/s"
    )
    if not args.no_logic_v2:
        sub = rng.sample(queries, min(args.lv2_sample, len(queries)))
        sub_names = [make_name(q.name) if q.name else None for q in sub]
        t0 = time.perf_counter()
        sub_cands = screener.candidates(sub, sub_names)
        for q, name, cands in zip(sub, sub_names, sub_cands):
            [screener.scorer.score(q, name, screener.parties[c]) for c in cands]
        ours_s = time.perf_counter() - t0
        _, lv2_s, comparisons = logic_v2_scores(sub, sub_cands, screener.parties)
        print(f"  same {len(sub)} queries, {comparisons} candidate pairs: engine {ours_s:.3f}s (blocking included), "
              f"logic-v2 {lv2_s:.2f}s (scoring only): {lv2_s / ours_s:.0f}x logic-v2's throughput")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
