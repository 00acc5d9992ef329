"""A damaged archive or release: `build` refuses to publish from it, `verify` finds it and restores what the
mirror still holds, `releases` marks a tampered release. One EO 13126 build (from the mirror) is shared;
each test damages it, checks, and leaves it repaired."""

from __future__ import annotations

import json

import pytest

from fast_pipeline.build import run_build
from fast_pipeline.core.archive import Archive
from fast_pipeline.settings import Settings
from fast_pipeline_tests.conftest import SHARED_SOURCES
from fast_pipeline_tests.support.cli import run_cli
from fast_pipeline_tests.support.shared_build import copy_build

SID = "us_dol_eo13126"


@pytest.fixture(scope="module")
def built(eo13126_build, tmp_path_factory) -> Settings:
    """This module's copy of the session's EO 13126 build (faults/conftest.py)."""
    return copy_build(eo13126_build, tmp_path_factory.mktemp("corrupt") / "data", mirror=SHARED_SOURCES)


def _object(settings: Settings):
    archive = Archive(settings.archive_dir)
    (row,) = [r for r in archive.rows() if r.source_id == SID]
    return archive, row, archive.object_path(row.sha256)


def _state(settings: Settings) -> tuple[str, list[str]]:
    publish = (settings.data_dir / "state" / "publish.json").read_text(encoding="utf-8")
    return publish, sorted(p.name for p in settings.releases_dir.iterdir())


def _build_refuses(settings: Settings, *expected: str) -> None:
    before = _state(settings)
    lines: list[str] = []
    report = run_build(settings, [SID], echo=lines.append)
    assert not report.ok
    errors = [e for s in report.sources for e in s.errors] + report.errors
    assert len(errors) == 1 and "fast-pipeline verify" in errors[0], errors
    for text in expected:
        assert text in errors[0], errors[0]
    assert not any(line.startswith(("process", "publish")) for line in lines), lines  # stopped before both
    assert _state(settings) == before  # no release, no new publish record


def _verify(settings: Settings, *, mirror: bool):
    env = {"FAST_SOURCE_MIRROR": str(SHARED_SOURCES)} if mirror else {}
    return run_cli("verify", data_dir=settings.data_dir, env=env)


def test_a_flipped_byte_stops_the_build_and_verify_restores_it_from_the_mirror(built):
    archive, row, path = _object(built)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(data))
    _build_refuses(built, SID, row.file_name, "damaged")

    without = _verify(built, mirror=False)
    assert without.code == 1 and "Traceback" not in without.stderr
    assert f"DAMAGED  {SID}: {row.edition}/{row.file_name}" in without.stdout and "FAST_SOURCE_MIRROR" in without.stdout

    fixed = _verify(built, mirror=True)
    assert fixed.code == 0, fixed.stdout + fixed.stderr
    assert "1 restored, 0 damaged, 0 tampered" in fixed.stdout
    assert archive.damage(row.sha256) is None and oct(path.stat().st_mode & 0o777) == "0o444"
    (kept,) = (built.archive_dir / "damaged").glob(f"{row.sha256}.*")
    assert kept.read_bytes() == bytes(data)  # the damaged copy is set aside, never deleted
    assert run_build(built, [SID], echo=lambda line: None).ok


def test_a_deleted_object_is_noticed_and_restored(built):
    archive, row, path = _object(built)
    path.unlink()
    _build_refuses(built, row.file_name, "missing")
    fixed = _verify(built, mirror=True)
    assert fixed.code == 0 and "1 restored" in fixed.stdout, fixed.stdout + fixed.stderr
    assert archive.damage(row.sha256) is None
    assert run_build(built, [SID], echo=lambda line: None).ok


def test_an_object_the_mirror_does_not_hold_stays_damaged(built, tmp_path):
    _, row, path = _object(built)
    original = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(original[:-10])
    try:
        other = tmp_path / "mirror" / SID / "2014-11"
        other.mkdir(parents=True)
        (other / row.file_name).write_bytes(original[:-10] + b"0123456789")  # same size, other bytes
        run = run_cli("verify", data_dir=built.data_dir, env={"FAST_SOURCE_MIRROR": str(tmp_path / "mirror")})
        assert run.code == 1 and "0 restored, 1 damaged" in run.stdout, run.stdout
    finally:
        path.write_bytes(original)
        path.chmod(0o444)


def test_a_tampered_release_is_marked_by_releases_and_verify(built):
    (release,) = [p for p in built.releases_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    csv = release / "adverse_actions.csv"
    original = csv.read_bytes()
    csv.chmod(0o644)
    csv.write_bytes(original.replace(b"Burma", b"Burmx", 1))
    try:
        listed = run_cli("releases", data_dir=built.data_dir)
        assert listed.code == 1 and "Traceback" not in listed.stderr
        assert "TAMPERED: adverse_actions.csv does not match SHA256SUMS" in listed.stdout, listed.stdout
        verify = _verify(built, mirror=True)
        assert verify.code == 1 and f"TAMPERED release {release.name}: adverse_actions.csv" in verify.stdout
    finally:
        csv.write_bytes(original)
        csv.chmod(0o444)
    assert run_cli("releases", data_dir=built.data_dir).code == 0
    assert json.loads((release / "datapackage.json").read_text())["name"]
