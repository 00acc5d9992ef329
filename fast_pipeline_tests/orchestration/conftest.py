"""Command-line builds shared by this folder's tests (package scope: built once per worker).

A mirror of the Brazilian list that gains editions over two builds, as a publisher's site does:
1. `build --each-edition` over {2026-08-02_csv (good), 2026-08-02_status (the ministry's text error page
   saved as the CSV)}: one release per edition; the error page is quarantined;
2. `build` once the next good edition (2026-08-03_csv) appears.
The saved editions are linked from ../shared/sources, never copied.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from fast_pipeline.cli import main
from fast_pipeline.settings import Settings
from fast_pipeline_tests.conftest import SHARED_SOURCES

SID = "br_mte_lista_suja"
GOOD, BAD, NEXT = "2026-08-02_csv", "2026-08-02_status", "2026-08-03_csv"
# What the ministry's server answers while it is down, saved under the CSV's name (plain text: it passes the
# content check that stops an HTML page, and only the parser can tell it is not the list).
ERROR_PAGE = "Serviço temporariamente indisponível.\r\nTente novamente mais tarde.\r\n".encode("cp1252")


@dataclass
class CliRun:
    code: int
    out: str
    err: str


@dataclass
class Builds:
    settings: Settings
    mirror: Path
    first: CliRun
    second: CliRun

    def cli(self, *argv: str) -> CliRun:
        return cli(self.settings, self.mirror, *argv)


def cli(settings: Settings, mirror: Path, *argv: str) -> CliRun:
    """`fast-pipeline ARGV` as a user runs it, with this data directory and mirror."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        for var, value in (
            ("FAST_DATA_DIR", settings.data_dir),
            ("FAST_SOURCE_MIRROR", mirror),
            ("FAST_DUCKDB_PATH", settings.duckdb_path),
            ("DAGSTER_HOME", settings.dagster_home),
        ):
            mp.setenv(var, str(value))
        code = main(list(argv))
    return CliRun(code, out.getvalue(), err.getvalue())


def link_edition(mirror: Path, label: str, saved: str) -> None:
    """A saved edition under a label of the test's mirror: copied (into tmp), since the mirror refuses
    symbolic links that point outside it."""
    shutil.copytree(SHARED_SOURCES / SID / saved, mirror / SID / label)


@pytest.fixture(scope="package")
def builds(tmp_path_factory) -> Builds:
    root = tmp_path_factory.mktemp("cli-builds")
    mirror, data = root / "mirror", root / "data"
    (mirror / SID).mkdir(parents=True)
    settings = Settings(
        data_dir=data, duckdb_path=data / "warehouse.duckdb", mirror=mirror, instance_dir=data / "dagster"
    )
    link_edition(mirror, GOOD, GOOD)
    (mirror / SID / BAD).mkdir()
    (mirror / SID / BAD / "cadastro_de_empregadores.csv").write_bytes(ERROR_PAGE)
    first = cli(settings, mirror, "build", "--source", SID, "--each-edition")
    link_edition(mirror, NEXT, NEXT)
    second = cli(settings, mirror, "build", "--source", SID)
    return Builds(settings, mirror, first, second)


@pytest.fixture
def sqlite_settings(tmp_path, monkeypatch) -> Settings:
    """Settings for a data directory in tmp_path with Dagster's storage on SQLite and nothing of the caller's
    environment; what prepare_environment then exports is put back when the test ends."""
    for name in ("FAST_DAGSTER_STORAGE_URL", "FAST_WAREHOUSE_URL", "FAST_DUCKDB_PATH", "DAGSTER_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FAST_DATA_DIR", str(tmp_path))
    return Settings.from_env()
