"""dbt's own output folders are never walked when fingerprinting the project (each run used to leave one)."""

import os

from fast_pipeline import build
from fast_pipeline.settings import DBT_PROJECT_DIR


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


def test_deleting_a_model_makes_the_manifest_stale(tmp_path):
    """A deleted model changes only its folder's time; the manifest that still defines it must be re-made."""
    from fast_pipeline import environment

    models = tmp_path / "models"
    models.mkdir()
    (models / "kept.sql").write_text("select 1")
    (models / "gone.py").write_text("def model(dbt, session): ...")
    stamp = 1_000_000_000
    for path in (models / "kept.sql", models / "gone.py", models, tmp_path):
        os.utime(path, (stamp, stamp))
    before = environment.newest_project_change(tmp_path)
    (models / "gone.py").unlink()
    assert environment.newest_project_change(tmp_path) > before
