"""The list of sources: the one line to add when a new source folder is written."""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the registry stays cheap: a source's package loads when it is asked for
    from fast_pipeline.core.source import Source

SOURCE_IDS: tuple[str, ...] = (
    "br_mte_lista_suja",
    "us_dhs_uflpa",
    "us_cbp_wro",
    "us_dol_ilab",
    "us_dol_eo13126",
    "no_nbim_exclusions",
    "br_mte_ceac",
)


@cache
def get_source(source_id: str) -> Source:
    if source_id not in SOURCE_IDS:
        raise KeyError(f"unknown source {source_id!r}; known: {', '.join(SOURCE_IDS)}")
    return importlib.import_module(f"fast_pipeline.sources.{source_id}").SOURCE


def all_sources() -> list[Source]:
    return [get_source(s) for s in SOURCE_IDS]
