"""Bad settings and bad surroundings end in one clear line on stderr and a non-zero exit, never a traceback.
Each test runs the command in its own process, as a user would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fast_pipeline_tests.conftest import SHARED_SOURCES, saved_file
from fast_pipeline_tests.support.cli import run_cli, run_cli_logging_imports

MIRROR = SHARED_SOURCES  # builds here stop before acquiring; a mirror keeps them off the network regardless


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("FAST_HTTP_READ_TIMEOUT", "abc", "is not a number"),
        ("FAST_HTTP_CONNECT_TIMEOUT", "-1", "must be above 0"),
        ("FAST_HTTP_RETRIES", "2.5", "is not a whole number"),
        ("FAST_HTTP_RETRIES", "-3", "must be at least 0"),
        ("FAST_HTTP_MAX_BYTES", "0", "must be at least 1"),
        ("FAST_HTTP_DEADLINE", "nan", "must be above 0"),
        ("FAST_HTTP_BACKOFF", "1s", "is not a number"),
    ],
)
def test_a_bad_http_setting_is_one_line_naming_the_variable(tmp_path, variable, value, reason):
    run = run_cli("sources", data_dir=tmp_path, env={variable: value})
    run.one_line_error(variable, reason, repr(value))


def test_a_mistyped_http_variable_is_named(tmp_path):
    run = run_cli("sources", data_dir=tmp_path, env={"FAST_HTTP_TIMEOUT": "5"})
    run.one_line_error("FAST_HTTP_TIMEOUT", "unknown setting", "FAST_HTTP_READ_TIMEOUT")


def test_good_http_settings_are_accepted(tmp_path):
    env = {"FAST_HTTP_READ_TIMEOUT": "2.5", "FAST_HTTP_RETRIES": "0", "FAST_HTTP_DEADLINE": "30"}
    run = run_cli("sources", data_dir=tmp_path, env=env)
    assert run.code == 0, run.stderr


EO_FILE = saved_file("us_dol_eo13126", "2014-11")


def test_parse_of_a_missing_file(tmp_path):
    run = run_cli("parse", "us_dol_eo13126", str(tmp_path / "nope.xls"), data_dir=tmp_path)
    run.one_line_error("us_dol_eo13126", "nope.xls", "no such file")


def test_parse_of_a_directory(tmp_path):
    run = run_cli("parse", "us_dol_eo13126", str(tmp_path), data_dir=tmp_path)
    run.one_line_error("us_dol_eo13126", "is a directory")


def test_parse_into_a_missing_directory(tmp_path):
    out = tmp_path / "missing" / "out.csv"
    run = run_cli("parse", "us_dol_eo13126", str(EO_FILE), "-o", str(out), data_dir=tmp_path)
    run.one_line_error(str(out), "directory does not exist")


def test_a_corrupt_publish_record(tmp_path):
    state = tmp_path / "state" / "publish.json"
    state.parent.mkdir(parents=True)
    state.write_text('{"fingerprint": "ab', encoding="utf-8")
    run = run_cli("build", "--source", "us_dol_eo13126", data_dir=tmp_path, env={"FAST_SOURCE_MIRROR": str(MIRROR)})
    run.one_line_error(str(state), "corrupt", "delete it")


def test_duckdb_path_at_a_file_that_is_not_duckdb(tmp_path):
    bogus = tmp_path / "warehouse.duckdb"
    bogus.write_bytes(b"this is a spreadsheet, not a database\n" * 200)
    run = run_cli("sources", data_dir=tmp_path, env={"FAST_DUCKDB_PATH": str(bogus)})
    run.one_line_error("FAST_DUCKDB_PATH", str(bogus), "not a DuckDB database file")


def test_a_read_only_data_directory(tmp_path, monkeypatch, capsys):
    """Permission bits stop a normal user (then the command runs in its own process); root ignores them, so
    as root the file system's answer for a read-only mount (EROFS) is injected into every write under it."""
    data = tmp_path / "data"
    (data / "state").mkdir(parents=True)
    if os.geteuid() != 0:
        for d in (data / "state", data):
            d.chmod(0o555)
        try:
            run = run_cli("build", "--source", "us_dol_eo13126", data_dir=data, env={"FAST_SOURCE_MIRROR": str(MIRROR)})
        finally:
            for d in (data, data / "state"):
                d.chmod(0o755)
        run.one_line_error(str(data / "state"), "Permission denied")
        return
    import errno

    from fast_pipeline.cli import main

    real_open, real_mkdir = os.open, os.mkdir

    def refuse(real):
        def guarded(path, *args, **kwargs):
            if str(path).startswith(str(data)):
                raise OSError(errno.EROFS, "Read-only file system", str(path))
            return real(path, *args, **kwargs)

        return guarded

    monkeypatch.setattr(os, "open", refuse(real_open))
    monkeypatch.setattr(os, "mkdir", refuse(real_mkdir))
    monkeypatch.setenv("FAST_DATA_DIR", str(data))
    monkeypatch.setenv("FAST_SOURCE_MIRROR", str(MIRROR))
    assert main(["build", "--source", "us_dol_eo13126"]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and str(data / "state") in err[0] and "Read-only file system" in err[0], err


def test_a_full_disk_is_one_line_and_the_traceback_is_kept(tmp_path, monkeypatch, capsys):
    """ENOSPC from a write the pipeline does not wrap: the command's guard names it and keeps the
    traceback in data/logs/errors.log."""
    import errno

    import pandas as pd

    from fast_pipeline.cli import main

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out.csv"))

    monkeypatch.setenv("FAST_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    assert main(["parse", "us_dol_eo13126", str(EO_FILE), "-o", str(tmp_path / "out.csv")]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    log = tmp_path / "data" / "logs" / "errors.log"
    assert err == [
        f"error: no space left on the device writing or reading {tmp_path / 'out.csv'} (full traceback in {log})"
    ]
    assert "Traceback" in log.read_text(encoding="utf-8") and "to_csv" in log.read_text(encoding="utf-8")


def test_bench_build_typed_with_a_system_python_re_runs_itself_in_the_venv():
    """The README writes `python benchmarks/bench_build.py`: with a Python outside the project's venv."""
    import subprocess
    import sys

    from fast_pipeline_tests.conftest import REPO_ROOT

    system_python = getattr(sys, "_base_executable", None) or sys.executable
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run(
        [system_python, "benchmarks/bench_build.py", "--which-python"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert Path(done.stdout.strip()).resolve() == (REPO_ROOT / ".venv").resolve()
    outside = subprocess.run([system_python, "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True)
    assert Path(outside.stdout.strip()).resolve() != (REPO_ROOT / ".venv").resolve()  # really a system Python


def test_a_reader_that_stops_reading_ends_the_command_quietly(tmp_path):
    """`fast-pipeline sources | head -1`: the pipe closes before the command writes; no error line."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAST_", "DAGSTER_"))}
    env["FAST_DATA_DIR"] = str(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "fast_pipeline.cli", "sources"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    proc.stdout.close()  # before the command has imported anything, let alone written
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 141 and stderr == b"", stderr.decode()


def test_a_parse_that_fails_its_checks_loads_no_parsing_library(tmp_path):
    """A missing file, a directory or a missing output folder is said before pandas and Pandera load (most of
    a second): the modules a fresh interpreter imported, from Python's own -X importtime log."""
    from fast_pipeline_tests.support.libraries import DATAFRAME_LIBRARIES, PARSING_LIBRARIES

    for args in (
        [str(tmp_path / "nope.xls")],
        [str(tmp_path)],
        [str(EO_FILE), "-o", str(tmp_path / "missing" / "out.csv")],
    ):
        run, loaded = run_cli_logging_imports("parse", "us_dol_eo13126", *args, data_dir=tmp_path)
        run.one_line_error("us_dol_eo13126")
        assert "fast_pipeline" in loaded and loaded.isdisjoint(PARSING_LIBRARIES + DATAFRAME_LIBRARIES), sorted(
            loaded & {*PARSING_LIBRARIES, *DATAFRAME_LIBRARIES}
        )


def test_a_parse_runs_no_hypothesis_plugin(tmp_path):
    """Pandera loads Hypothesis, which ran every plugin installed packages register: trio's (selenium's),
    0.3 s of every command that parses. The program turns them off, even when the caller's environment
    leaves the setting empty."""
    out = tmp_path / "out.csv"
    env = {"HYPOTHESIS_NO_PLUGINS": ""}
    run, loaded = run_cli_logging_imports(
        "parse", "us_dol_eo13126", str(EO_FILE), "-o", str(out), data_dir=tmp_path, env=env
    )
    assert run.code == 0 and out.stat().st_size > 0, run.stderr
    assert {"pandera", "hypothesis"} <= loaded and "trio" not in loaded
