"""Fixtures for resolution tests: record tables built in code, and the real saved editions as canonical rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fast_pipeline.core.canonical import to_json_list
from fast_pipeline.core.parsing import normalise_edition, parse_edition
from fast_pipeline.core.source import local_source_file
from fast_pipeline.sources.registry import get_source

REAL_SOURCES = ("br_mte_lista_suja", "us_dhs_uflpa", "us_dol_ilab", "us_dol_eo13126")


def record(
    rid: str,
    name: str,
    kind: str = "company",
    country: str | None = None,
    *,
    ids=(),
    aliases=(),
    former=(),
    related_to=(),
    listed_in=(),
) -> dict:
    """One party record row as records.py writes it (lists as sorted JSON)."""
    return {
        "party_record_id": rid,
        "party_name": name,
        "party_kind": kind,
        "party_country": country,
        "identifiers": to_json_list({"scheme": s, "value": v} for s, v in ids),
        "aliases": to_json_list(sorted(aliases)),
        "former_names": to_json_list(sorted(former)),
        "related_to": to_json_list({"party_record_id": p, "relation": r} for p, r in related_to),
        "listed_in": to_json_list(sorted(listed_in)),
    }


def records(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def party_of(result, rid: str) -> str:
    return result.members.set_index("party_record_id").at[rid, "party_id"]


def edition_actions(source_id: str, folder: Path, cache_dir: Path) -> pd.DataFrame:
    """Canonical rows of one saved edition, read in place with the source's own parser and normaliser."""
    source = get_source(source_id)
    files = [local_source_file(source_id, p, edition=folder.name) for p in sorted(folder.iterdir())]
    parsed, _ = parse_edition(source, files, cache_dir)
    actions, _ = normalise_edition(source, parsed, folder.name)
    return actions


@pytest.fixture(scope="session")
def real_actions(shared_sources, tmp_path_factory) -> pd.DataFrame:
    """Every saved edition of the Brazilian, UFLPA and both DOL lists, as canonical action rows."""
    cache = tmp_path_factory.mktemp("parse-cache")
    frames = [
        edition_actions(sid, folder, cache)
        for sid in REAL_SOURCES
        for folder in sorted((shared_sources / sid).iterdir())
        if folder.is_dir()
    ]
    return pd.concat(frames, ignore_index=True)
