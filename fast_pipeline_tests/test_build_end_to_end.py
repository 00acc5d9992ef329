"""The main job end to end on every saved edition: archive, Dagster runs, dbt, release; then a no-op rebuild,
and a build with no network at all."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import duckdb
import pytest

from fast_pipeline.build import run_build
from fast_pipeline_tests.conftest import SHARED_SOURCES
from fast_pipeline_tests.support.fake_source import tree_digest
from fast_pipeline_tests.support.libraries import DATAFRAME_LIBRARIES, PARSING_LIBRARIES

MIRRORED = sorted(p.name for p in SHARED_SOURCES.iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def built(full_build):
    return full_build  # one build of every saved edition, shared with the release tests (conftest.py)


def test_cold_build_processes_every_saved_edition(built):
    _settings, report, lines = built
    assert report.ok, "\n".join(lines)
    by_source = {r.source_id: r for r in report.sources}
    for sid in MIRRORED:
        editions = sorted(p.name for p in (SHARED_SOURCES / sid).iterdir() if p.is_dir())
        assert sorted(by_source[sid].processed) == editions, lines
    # a source the mirror does not hold is reported, not failed
    for sid in ("us_cbp_wro", "br_mte_ceac", "no_nbim_exclusions"):
        assert by_source[sid].processed == [] and "no editions" in by_source[sid].note
    assert report.published and report.release_created


def test_warehouse_holds_every_edition_and_the_marts(built):
    settings, _, _ = built
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        per_edition = dict(con.execute("select source_id || '/' || edition, action_rows from raw.editions").fetchall())
        assert per_edition["br_mte_lista_suja/2026-08-02_csv"] == 585
        assert per_edition["br_mte_lista_suja/2026-08-03_csv"] == 583
        assert per_edition["br_mte_lista_suja/2024-12-04_pdf"] == 719
        assert per_edition["us_dhs_uflpa/2026-07-09_html"] >= 160
        assert per_edition["us_dol_eo13126/2014-11"] == 54
        removed = con.execute("""select count(*) from marts.adverse_actions
                                 where source_id = 'br_mte_lista_suja'
                                   and removed_in_edition = '2026-08-03_csv'""").fetchone()[0]
        assert removed == 2
        assert (
            con.execute(
                "select count(*) from marts.adverse_actions where status = 'active' and source_id = 'br_mte_lista_suja'"
            ).fetchone()[0]
            == 583
        )


def test_no_op_rebuild_reparses_nothing_and_writes_nothing(built):
    settings, first, _ = built
    cache = settings.cache_dir
    before_cache = {p: p.stat().st_mtime_ns for p in cache.rglob("*.parquet")}
    before_archive = tree_digest(settings.archive_dir)
    before_releases = tree_digest(settings.releases_dir)
    lines: list[str] = []
    report = run_build(settings, echo=lines.append)
    assert report.ok, lines
    assert all(not r.new_editions and not r.processed for r in report.sources), lines
    assert not report.published and report.release == first.release
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.parquet")} == before_cache
    assert tree_digest(settings.archive_dir) == before_archive
    assert tree_digest(settings.releases_dir) == before_releases
    assert any("nothing changed" in line for line in lines)


# a no-op `fast-pipeline build` in a fresh interpreter: its exit code and what it imported
NO_OP_BUILD = """
import json, sys
from fast_pipeline import cli
code = cli.main(["build"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_a_no_op_rebuild_loads_no_dataframe_or_orchestration_library(built):
    """The no-op rebuild (issue 15: under a second) needs the archive and raw.editions, nothing that parses,
    orchestrates or writes releases. Its check of the last published inputs used to import the release
    writer, and with it pandas and pyarrow: half a second of a 1.4 s no-op."""
    settings, first, _ = built
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAST_", "DAGSTER_HOME"))}
    env |= {"FAST_DATA_DIR": str(settings.data_dir), "FAST_SOURCE_MIRROR": str(SHARED_SOURCES)}
    run = subprocess.run([sys.executable, "-c", NO_OP_BUILD], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.splitlines()[-1])
    assert out["code"] == 0 and f"nothing changed since release {first.release}" in run.stdout, run.stdout
    loaded = {m.partition(".")[0] for m in out["modules"]}
    heavy = {*PARSING_LIBRARIES, *DATAFRAME_LIBRARIES, "dagster", "dbt"} - {"numpy"}  # numpy: duckdb's own import
    assert loaded.isdisjoint(heavy), sorted(loaded & heavy)


def test_build_without_network_or_mirror_fails_per_source_and_keeps_everything(built, monkeypatch):
    settings, _, _ = built
    with socket.socket() as s:  # every request goes to a closed loopback port: no traffic leaves the machine
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(var, f"http://127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    from dataclasses import replace

    from fast_pipeline.core.http import HttpSettings

    offline = replace(settings, mirror=None, http=HttpSettings(retries=0, connect_timeout=1, read_timeout=1))
    before = {d: tree_digest(getattr(settings, d)) for d in ("archive_dir", "releases_dir")}
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        actions_before = con.execute("select count(*), sum(hash(action_id)) from marts.adverse_actions").fetchone()
    lines: list[str] = []
    report = run_build(offline, echo=lines.append)
    assert not report.ok
    failed = [line for line in lines if line.startswith("acquire") and "FAILED" in line]
    assert len(failed) == len(report.sources)  # one clear line per source
    for rep in report.sources:
        assert rep.errors and rep.errors[0].startswith(rep.source_id + ":")
    assert {d: tree_digest(getattr(settings, d)) for d in before} == before
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        assert (
            con.execute("select count(*), sum(hash(action_id)) from marts.adverse_actions").fetchone() == actions_before
        )


def test_the_dbt_steps_of_a_publish_parse_nothing_and_leave_no_run_folder(built):
    """A publish runs dbt twice (the models resolution reads, then the marts), both from one parse: for a
    fresh data directory, the one `prepare` saved whole (dbt_in_process.parsed_manifest), so dbt never
    parses the project at all. No per-run dbt folder is left behind."""
    settings, _, _ = built
    log = (settings.data_dir / "logs" / "dbt-build.log").read_text(encoding="utf-8")
    invocations = log.split("Running with dbt=")[1:]
    assert len(invocations) == 2, log[-2000:]
    # a parse saves what it made in <data>/cache/dbt (partial_parse.msgpack, manifest.pickle); the run
    # folders are removed once dbt succeeds
    assert [p.name for p in (settings.cache_dir / "dbt").iterdir()] == []
