"""A build that finds nothing new must not load the libraries that parsing needs (issue 15: the no-op
build in under a second). The check runs in a fresh interpreter, so what this test process has imported
does not hide what the no-op path imports."""

from __future__ import annotations

import json
import subprocess
import sys

from fast_pipeline.core.acquire import acquire
from fast_pipeline.core.archive import Archive
from fast_pipeline.sources.registry import SOURCE_IDS, get_source
from fast_pipeline_tests.conftest import SHARED_SOURCES
from fast_pipeline_tests.support.libraries import DATAFRAME_LIBRARIES, PARSING_LIBRARIES

# The no-op path of `fast-pipeline build` with a mirror: the source registry, each source's parser version
# and metadata, and acquire() finding every mirror edition already archived.
NO_OP_ACQUISITION = """
import json, sys
from pathlib import Path
{first_import}
from fast_pipeline.core.acquire import acquire
from fast_pipeline.core.archive import Archive
from fast_pipeline.sources.registry import SOURCE_IDS, get_source

archive, mirror = Archive(Path(sys.argv[1])), Path(sys.argv[2])
known, problems = {{}}, []
for sid in SOURCE_IDS:
    source = get_source(sid)
    assert source.parser_version and source.metadata.source_id == sid
    result = acquire(source, archive, mirror=mirror)
    if result.error or result.new_editions:
        problems.append(f"{{sid}}: {{result.error}} {{result.new_editions}}")
    known[sid] = sorted(result.known_editions)
print(json.dumps({{"known": known, "problems": problems, "modules": sorted(sys.modules)}}))
"""


def _no_op_acquisition(tmp_path, first_import: str = "") -> tuple[dict, set[str]]:
    """Archive the saved editions here, then acquire them again in a fresh interpreter: what it imports."""
    archive = Archive(tmp_path / "archive")
    archived = {}
    for sid in SOURCE_IDS:
        result = acquire(get_source(sid), archive, mirror=SHARED_SOURCES)
        assert result.error is None, result.error
        archived[sid] = sorted(result.new_editions)
    assert sum(len(e) for e in archived.values()) >= 10  # the saved editions of four sources

    script = NO_OP_ACQUISITION.format(first_import=first_import)
    run = subprocess.run(
        [sys.executable, "-c", script, str(archive.root), str(SHARED_SOURCES)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["problems"] == []
    assert out["known"] == archived  # every saved edition was found already archived, none added
    return out, {m.partition(".")[0] for m in out["modules"]}


def test_a_no_op_acquisition_from_a_mirror_loads_no_parsing_or_dataframe_library(tmp_path):
    _, loaded = _no_op_acquisition(tmp_path)
    assert loaded.isdisjoint(PARSING_LIBRARIES + DATAFRAME_LIBRARIES), sorted(
        loaded & {*PARSING_LIBRARIES, *DATAFRAME_LIBRARIES}
    )


def test_the_build_module_loads_no_parsing_library(tmp_path):
    """`fast_pipeline.build` itself: no dataframe library either (raw.editions is read as plain rows)."""
    out, loaded = _no_op_acquisition(tmp_path, first_import="import fast_pipeline.build")
    assert "fast_pipeline.build" in out["modules"]
    libraries = {*PARSING_LIBRARIES, *DATAFRAME_LIBRARIES} - {"numpy"}  # numpy: duckdb's own import
    assert loaded.isdisjoint(libraries), sorted(loaded & libraries)
