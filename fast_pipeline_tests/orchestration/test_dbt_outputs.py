"""dbt's own output folders: never walked when fingerprinting the project, and not kept forever."""

import os
import time

from fast_pipeline import build
from fast_pipeline.orchestration.dbt_assets import prune_run_targets
from fast_pipeline.settings import DBT_PROJECT_DIR


def _run_target(parent, name, age_seconds):
    folder = parent / name
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{}")
    stamp = time.time() - age_seconds
    os.utime(folder, (stamp, stamp))
    return folder


def test_old_run_targets_beyond_the_newest_few_are_removed(tmp_path):
    (tmp_path / "manifest.json").write_text("{}")  # the project's own manifest stays
    old = [_run_target(tmp_path, f"warehouse_models-{i:07d}-abcdefg", 7200 + i) for i in range(8)]
    recent = _run_target(tmp_path, "warehouse_models-recent0-abcdefg", 10_000)
    os.utime(recent, None)  # touched just now: may belong to a running invocation
    unrelated = tmp_path / "compiled"  # not a run's folder: no manifest or log inside
    unrelated.mkdir()
    os.utime(unrelated, (0, 0))

    removed = prune_run_targets(tmp_path, keep=3, min_age=3600)

    assert sorted(removed) == sorted(old[2:])
    assert all(folder.exists() for folder in old[:2]) and recent.exists() and unrelated.exists()
    assert (tmp_path / "manifest.json").exists()


def test_recent_run_targets_are_kept_even_beyond_the_count(tmp_path):
    folders = [_run_target(tmp_path, f"run-{i}", 60) for i in range(6)]
    assert prune_run_targets(tmp_path, keep=2, min_age=3600) == []
    assert all(f.exists() for f in folders)


def test_the_project_fingerprint_never_reads_dbt_output_folders(monkeypatch):
    files = build.dbt_project_files()
    relative = {p.relative_to(DBT_PROJECT_DIR).parts[0] for p in files}
    assert "models" in relative and "dbt_project.yml" in relative
    assert not relative & build.DBT_OUTPUT_DIRS
    assert not any(part.startswith(".") for p in files for part in p.relative_to(DBT_PROJECT_DIR).parts)
    # and it does not descend into them at all (the walk used to visit every file of every run's folder)
    visited = []
    real_walk = os.walk

    def spying_walk(top, *args, **kwargs):
        for folder, dirs, names in real_walk(top, *args, **kwargs):
            visited.append(folder)
            yield folder, dirs, names

    monkeypatch.setattr(build.os, "walk", spying_walk)
    build.dbt_project_files()
    assert not any(set(os.path.relpath(f, DBT_PROJECT_DIR).split(os.sep)) & build.DBT_OUTPUT_DIRS for f in visited)
