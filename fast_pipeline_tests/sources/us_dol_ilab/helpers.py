"""Parse a saved or synthetic file the way the framework does: parse_file, provenance columns, schema."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from fast_pipeline.core.parsing import parse_validated
from fast_pipeline.core.source import Source, local_source_file
from fast_pipeline_tests.conftest import saved_file


def parse(source: Source, path: Path, edition: str = "test") -> pd.DataFrame:
    return parse_validated(source, local_source_file(source.source_id, path, edition=edition))


def parse_saved(source: Source, edition: str) -> pd.DataFrame:
    return parse(source, saved_file(source.source_id, edition), edition)


def row_at(frame: pd.DataFrame, locator: str) -> dict:
    match = frame[frame["source_locator"] == locator]
    assert len(match) == 1, locator
    return match.iloc[0].to_dict()
