"""Parsed tables of the five saved editions, parsed once per session (for every worker) and validated by the
schema.

Files are read in place from ../shared/sources (never copied); provenance columns are added as the
framework adds them (by the framework's own function), so the schema is checked exactly as in a pipeline run.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fast_pipeline.core import parsing
from fast_pipeline.core.source import SourceFile, local_source_file
from fast_pipeline.sources.br_mte_lista_suja import SOURCE
from fast_pipeline_tests.conftest import saved_file
from fast_pipeline_tests.support.shared_build import build_key, made_once, shared_root

SID = "br_mte_lista_suja"
EDITIONS = ("2023-03-09_txt", "2024-12-04_pdf", "2026-01-28_xlsx", "2026-08-02_csv", "2026-08-03_csv")


def source_file(path: Path, edition: str = "test", file_format: str | None = None) -> SourceFile:
    return local_source_file(SID, path, edition=edition, file_format=file_format)


def parse_validated(file: SourceFile) -> pd.DataFrame:
    """As the pipeline parses: content check, parser, provenance columns, schema (raises when broken)."""
    return parsing.parse_validated(SOURCE, file)


@pytest.fixture(scope="session")
def parsed(shared_sources, tmp_path_factory) -> dict[str, pd.DataFrame]:
    """edition folder -> validated parsed table of its one file, parsed once per session by whichever xdist
    worker asks first (support/shared_build.made_once; seconds, mostly the PDF) and read by the others."""
    key = build_key(shared_sources / SID, ("parsed",), extra=(Path(__file__),))
    return made_once(
        shared_root(tmp_path_factory),
        f"br-parsed-{key}",
        lambda _folder: {ed: parse_validated(source_file(saved_file(SID, ed), edition=ed)) for ed in EDITIONS},
    )


@pytest.fixture(scope="session")
def actions(parsed) -> dict[str, pd.DataFrame]:
    """edition folder -> canonical actions, as the framework normalises them."""
    return {ed: SOURCE.normalise(frame, ed, SOURCE.edition_date(frame, ed)) for ed, frame in parsed.items()}


def row(frame: pd.DataFrame, row_id: int, section: str = "I") -> dict:
    match = frame[(frame["row_id"] == row_id) & (frame["section"] == section)]
    assert len(match) == 1, (row_id, section, len(match))
    return {k: None if pd.isna(v) else v for k, v in match.iloc[0].to_dict().items()}
