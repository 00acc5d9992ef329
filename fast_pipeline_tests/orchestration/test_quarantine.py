"""Issue 10 item 12: a file that fails its parser must not block later editions forever. It is quarantined
with its reason (the archive keeps it), the build that finds it fails once, later builds go on and
publish, the release keeps the source's last good edition and says why, and a new parser version retries
it. Before the fix, the error page stayed pending and failed every later build."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import duckdb
import pytest

from fast_pipeline.core.archive import Archive
from fast_pipeline.sources.registry import get_source
from fast_pipeline_tests.orchestration.conftest import BAD, GOOD, NEXT, SID, cli

# The package's shared builds (three dbt publishes) take minutes on a busy machine.
pytestmark = pytest.mark.timeout(1800)


def _freshness(builds, version: str) -> dict:
    rows = json.loads((builds.settings.releases_dir / version / "freshness.json").read_text(encoding="utf-8"))
    return next(r for r in rows if r["source_id"] == SID)


def test_the_build_that_finds_the_error_page_fails_with_one_line_and_keeps_it_archived(builds):
    first = builds.first
    assert first.code == 1, first.out
    lines = [line for line in first.out.splitlines() if BAD in line and "QUARANTINED" in line]
    assert len(lines) == 1, first.out
    assert "cadastro_de_empregadores.csv" in lines[0] and "no header row" in lines[0]
    assert "Traceback" not in first.out + first.err and "STEP_FAILURE" not in first.err
    assert f"{GOOD}: ok" in first.out
    # the archive is never rewritten: the publisher's bytes stay, as archived
    (row,) = Archive(builds.settings.archive_dir).editions(SID)[BAD]
    assert (
        Archive(builds.settings.archive_dir).object_path(row.sha256).read_bytes().startswith("Serviço".encode("cp1252"))
    )


def test_the_release_keeps_the_last_good_edition_and_says_why(builds):
    releases = sorted(p.name for p in builds.settings.releases_dir.iterdir() if not p.name.startswith("."))
    # --each-edition: one release for the good edition, then one that records the quarantine
    assert releases[:2] == ["2026.08.02", "2026.08.02.2"], builds.first.out
    fresh = _freshness(builds, "2026.08.02.2")
    assert fresh["published_edition"] == GOOD
    (held,) = fresh["held_back"]
    assert (
        held["edition"] == BAD
        and held["reasons"][0].startswith("quarantined: ")
        and "no header row" in held["reasons"][0]
    )
    changes_md = (builds.settings.releases_dir / "2026.08.02.2" / "CHANGES.md").read_text(encoding="utf-8")
    assert f"{SID} {BAD}: quarantined: " in changes_md
    changes = json.loads((builds.settings.releases_dir / "2026.08.02.2" / "changes.json").read_text(encoding="utf-8"))
    assert changes["summary"]["added"] == changes["summary"]["removed"] == changes["summary"]["changed"] == 0


def test_a_later_build_goes_on_reports_the_quarantine_and_succeeds(builds):
    second = builds.second
    assert second.code == 0, second.out
    assert f"{NEXT}: ok" in second.out
    assert f"{BAD}: quarantined by an earlier build" in second.out and "not retried" in second.out
    with duckdb.connect(str(builds.settings.duckdb_path), read_only=True) as con:
        carried = con.execute(
            "select published_edition from marts.source_freshness where source_id = ?", [SID]
        ).fetchone()[0]
        removed = con.execute(
            "select count(*) from marts.adverse_actions where removed_in_edition = ?", [NEXT]
        ).fetchone()[0]
    assert carried == NEXT and removed == 2  # the two employers gone between the good editions
    assert _freshness(builds, "2026.08.03")["published_edition"] == NEXT


def test_the_quarantined_edition_is_not_run_again(builds):
    from dagster import DagsterInstance, RunsFilter

    with DagsterInstance.from_config(str(builds.settings.dagster_home)) as instance:
        runs = instance.get_runs(RunsFilter(job_name=f"{SID}__editions", tags={"dagster/partition": BAD}))
    assert len(runs) == 1


def test_sources_lists_the_quarantined_edition_with_its_reason(builds):
    run = builds.cli("sources")
    assert run.code == 0
    (line,) = [line for line in run.out.splitlines() if BAD in line]
    assert SID in line and "no header row" in line
    assert "quarantined" in run.out


def test_sources_in_its_own_process_says_the_same_without_a_dataframe_library(builds):
    """`sources` reads raw.editions as plain rows: a fresh interpreter prints what the command prints in
    process, quarantined edition included, and never loads pandas (half of the command's second, before)."""
    from fast_pipeline_tests.support.cli import run_cli_logging_imports
    from fast_pipeline_tests.support.libraries import DATAFRAME_LIBRARIES

    run, loaded = run_cli_logging_imports(
        "sources", data_dir=builds.settings.data_dir, env={"FAST_DUCKDB_PATH": str(builds.settings.duckdb_path)}
    )
    assert run.code == 0 and run.stderr == "" and run.stdout == builds.cli("sources").out, run.stderr[-2000:]
    assert BAD in run.stdout
    assert "duckdb" in loaded and loaded.isdisjoint(DATAFRAME_LIBRARIES), sorted(loaded & set(DATAFRAME_LIBRARIES))


def test_a_new_parser_version_retries_the_quarantined_edition(builds, monkeypatch, tmp_path):
    data = tmp_path / "data"  # a copy: the other tests read the shared builds
    shutil.copytree(builds.settings.data_dir, data, symlinks=True)
    settings = replace(
        builds.settings, data_dir=data, duckdb_path=data / "warehouse.duckdb", instance_dir=data / "dagster"
    )
    source = get_source(SID)
    monkeypatch.setattr(source, "parser_version", f"{source.parser_version}-retry")
    run = cli(settings, builds.mirror, "build", "--source", SID, "--no-release")
    assert run.code == 1, run.out  # still an error page: quarantined again, under the new version
    assert f"{BAD}: QUARANTINED" in run.out
    assert f"{GOOD}: ok" in run.out and f"{NEXT}: ok" in run.out
