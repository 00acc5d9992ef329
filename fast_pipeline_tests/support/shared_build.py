"""Real builds from the saved editions (../shared/sources), each made once per test session and shared by
every xdist worker: all of them (`shared_build`), one source's (the fault tests' EO 13126 build), or any
other build a test module makes with `made_once` (release/stepwise.py).

The first worker to ask builds it under a file lock; the others wait for that lock and read the result. The
build lives in a folder named by a hash of everything it is a function of (the package's code, the dbt
project, the pinned dependencies, this module and the saved files), so a cached build is never stale.
`FAST_TEST_BUILD_CACHE=DIR` keeps it across sessions while developing; by default it lives in the session's
temporary folder, so every CI run builds once, from scratch.

The cached folder is read-only by contract: fixtures hand each worker a copy (`copy_build`), far cheaper
than a build (~45 MB of files against a minute of Dagster and dbt).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from fast_pipeline.settings import DBT_PROJECT_DIR, REPO_ROOT, Settings

# What the build's outputs are a function of, besides the saved files.
_CODE = (REPO_ROOT / "fast_pipeline", DBT_PROJECT_DIR, REPO_ROOT / "pyproject.toml", REPO_ROOT / "constraints.txt")
_GENERATED = {"target", "logs", "dbt_packages", "__pycache__", ".user.yml"}
_LOCK_TIMEOUT = 1800  # seconds: a build on a loaded 2-core machine takes minutes, never this long


@dataclass(frozen=True)
class SharedBuild:
    """A finished build: its data folder (read-only), the build's report and its output lines."""

    data_dir: Path
    report: object  # fast_pipeline.build.BuildReport
    lines: list[str]


def build_key(sources: Path, source_ids: tuple[str, ...] = (), extra: tuple[Path, ...] = ()) -> str:
    """A hash of every file the build reads (code, dbt project, pins, this module, the saved editions, the
    `extra` files that say how the build is made) and of the sources it selects."""
    digest = hashlib.sha256(",".join(source_ids).encode() + b"\0")
    files = [Path(__file__), *extra]
    for root in (*_CODE, sources):
        files += [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in files:
        if _GENERATED.isdisjoint(path.parts) and path.suffix != ".pyc":
            digest.update(str(path.relative_to(path.anchor)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def shared_root(tmp_path_factory) -> Path:
    """Where the session's cached builds go: FAST_TEST_BUILD_CACHE, else the temporary folder that every
    xdist worker of this session shares (the parent of the worker's own), else the session's own."""
    configured = os.environ.get("FAST_TEST_BUILD_CACHE")
    if configured:
        root = Path(configured)
    else:
        base = tmp_path_factory.getbasetemp()
        root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared-builds"
    root.mkdir(parents=True, exist_ok=True)
    return root


def made_once(root: Path, name: str, make):
    """`make(folder)`'s result, made once under `root` by whichever worker asks first (`name` carries the
    key); the others wait for the lock and read the pickled result. The folder is read-only by contract."""
    folder = root / name
    done = folder / "result.pickle"
    with FileLock(str(folder) + ".lock", timeout=_LOCK_TIMEOUT):
        if not done.exists():
            if folder.exists():  # a build that died half-way: start again
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            tmp = folder / ".result.pickle"
            tmp.write_bytes(pickle.dumps(make(folder)))
            os.replace(tmp, done)  # last: its presence means the build is whole
    return pickle.loads(done.read_bytes())


def shared_build(root: Path, sources: Path, source_ids: tuple[str, ...] = ()) -> SharedBuild:
    """`run_build` of the editions under `sources` (of `source_ids` only, if given), made once under `root`
    by whichever worker asks first."""
    name = f"{'-'.join(source_ids) or 'full'}-{build_key(sources, source_ids)}"
    report, lines = made_once(root, name, lambda folder: _build(folder, sources, source_ids))
    return SharedBuild(root / name / "data", report, lines)


def _build(folder: Path, sources: Path, source_ids: tuple[str, ...]) -> tuple[object, list[str]]:
    from fast_pipeline.build import run_build

    data = folder / "data"
    settings = Settings(data_dir=data, duckdb_path=data / "warehouse.duckdb", mirror=sources)
    lines: list[str] = []
    report = run_build(settings, list(source_ids) or None, echo=lines.append)
    (folder / "lines.json").write_text(json.dumps(lines), encoding="utf-8")  # to read when a test fails
    return report, lines


def copy_build(build: SharedBuild, target: Path, mirror: Path | None = None) -> Settings:
    """A private copy of the build's data folder at `target` (links kept, times kept), as settings."""
    shutil.copytree(build.data_dir, target, symlinks=True)
    return Settings(data_dir=target, duckdb_path=target / "warehouse.duckdb", mirror=mirror)
