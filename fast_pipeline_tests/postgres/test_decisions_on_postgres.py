"""Reviewers' screening decisions in a PostgreSQL warehouse: the default store is the warehouse, whichever."""

from argparse import Namespace

from fast_pipeline.screening.cli import _store
from fast_pipeline.screening.decisions import Decision
from fast_pipeline.settings import Settings


def test_decisions_go_to_the_postgres_warehouse_by_default_and_come_back(tmp_path, postgres_url):
    settings = Settings(data_dir=tmp_path, duckdb_path=tmp_path / "unused.duckdb", postgres_url=postgres_url)
    store = _store(Namespace(decisions=None), settings)
    assert store.url == postgres_url
    cleared = Decision("c-1", "party-1", "false_positive", "ana", "2026-12-01T10:00:00Z", "another firm", "fp-1")
    assert store.record([cleared], source_file="reviewed.csv") == 1
    again = _store(Namespace(decisions=None), settings).load()
    assert again == {("c-1", "party-1"): cleared}
    assert again["c-1", "party-1"].status_for("fp-1").startswith("suppressed")
    assert again["c-1", "party-1"].status_for("fp-2").startswith("reopened")
    assert not (tmp_path / "unused.duckdb").exists()
