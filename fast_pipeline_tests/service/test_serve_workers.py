"""`fast-pipeline serve --workers 2`, the real command in its own process: every worker answers from the
release, and every worker switches when a newer one is published."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import requests

from fast_pipeline.cli import main
from fast_pipeline.release.version import label, parse
from fast_pipeline.screening.release_reader import release_path
from fast_pipeline_tests.service.conftest import free_port

FAST_PIPELINE = Path(sys.executable).with_name("fast-pipeline")


def _until(test, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if test():
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_two_workers_answer_and_both_switch(tmp_path, release_settings):
    built = release_path(release_settings)
    (tmp_path / "releases").mkdir()
    os.symlink(built, tmp_path / "releases" / built.name)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FAST_DATA_DIR": str(tmp_path), "FAST_DUCKDB_PATH": str(tmp_path / "w.duckdb")}
    cmd = [str(FAST_PIPELINE), "serve", "--port", str(port), "--workers", "2", "--poll", "0.2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _until(lambda: requests.get(url + "/healthz", timeout=5).status_code == 200)
        party = next(p for p in pq.read_table(built / "parties.parquet").to_pylist() if p["party_kind"] == "company")
        query = {"queries": {"q": {"schema": "Company", "properties": {"name": [party["party_name"]]}}}}
        r = requests.post(url + "/match/default", json=query, timeout=30)
        assert r.status_code == 200 and r.json()["responses"]["q"]["results"][0]["id"] == party["party_id"]

        day, number = parse(built.name)
        newer = label(day, number + 1)
        os.symlink(built, tmp_path / ".newer")
        os.replace(tmp_path / ".newer", tmp_path / "releases" / newer)

        def all_switched() -> bool:  # a new connection each time, so that both workers get asked
            return all(requests.get(url + "/healthz", timeout=5).json()["release"] == newer for _ in range(20))

        _until(all_switched)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert f"serving release {built.name}" in out and "2 workers" in out
    assert "Traceback" not in err, err


def test_workers_must_be_positive(capsys):
    assert main(["serve", "--workers", "0"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--workers 0" in err[0]
