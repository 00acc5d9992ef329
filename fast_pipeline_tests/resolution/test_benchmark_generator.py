"""The benchmark's generator and scoring on a small table: the quality targets hold at small scale too."""

from __future__ import annotations

import importlib.util

from fast_pipeline.resolution import resolve
from fast_pipeline_tests.conftest import REPO_ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("bench_resolution", REPO_ROOT / "benchmarks" / "bench_resolution.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pair_scores_count_pairs():
    bench = _bench()
    assert bench.pair_scores([1, 1, 1, 2], ["a", "a", "b", "b"]) == (0.5, 1 / 3)


def test_synthetic_table_resolves_above_the_targets():
    bench = _bench()
    records, truth = bench.Generator(seed=11).table(3_000)
    assert records["party_record_id"].is_unique and len(set(truth)) < 3_000
    members = resolve(records).members.set_index("party_record_id")["party_id"]
    precision, recall = bench.pair_scores(truth, members.loc[records["party_record_id"]].tolist())
    assert precision >= 0.99 and recall >= 0.95
