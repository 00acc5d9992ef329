"""The contract between the framework and one source folder.

A source folder `fast_pipeline/sources/<source_id>/` holds:
- `source.yml`: metadata as data (publisher, URLs, formats, cadence, expected rows, publish gate);
- a module per concern (acquire, one parser per format, schema, normalise);
- `__init__.py` exposing `SOURCE`, an instance of a `Source` subclass that ties them together.

The framework does the rest: HTTP, mirror replay, archive, caching, validation, Dagster assets, warehouse.
Adding a source is that folder plus one line in `fast_pipeline/sources/registry.py`.

A build that finds nothing new reads only a source's metadata and parser version, so importing a source
package must stay light: pandas, Pandera and the parsing libraries are imported by the modules (and inside
the methods) that parse, and `Source.parsed_schema` loads the package's `schema` module on first use.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

    from fast_pipeline.core.http import HttpClient


def load_parser(package: str, parsers: dict[str, str], file_format: str) -> Callable[..., pd.DataFrame] | None:
    """The parser for a format from a table of "module:function" names inside the source's package, imported
    on first use: PDF and spreadsheet libraries cost a noticeable part of a build that finds nothing new."""
    target = parsers.get(file_format)
    if target is None:
        return None
    module, _, function = target.partition(":")
    return getattr(importlib.import_module(f"{package}.{module}"), function)


@dataclass(frozen=True)
class RemoteFile:
    """A file the publisher offers, found by `Source.discover` on the landing page."""

    url: str
    file_name: str
    file_format: str  # pdf | xlsx | xls | csv | txt | html | xml
    # the edition the file belongs to, when the publisher names it (versioned files such as the CEAC's
    # YYYY_NNNN): files with an edition become editions of their own; None: one edition of all files
    edition: str | None = None


@dataclass(frozen=True)
class SourceFile:
    """One archived file as a parser receives it (bytes on disk, named by its sha256)."""

    source_id: str
    edition: str
    path: Path
    file_name: str
    file_format: str
    sha256: str
    url: str | None = None
    retrieved_at: str | None = None

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class Gate:
    """A publish gate: what an edition must satisfy before it reaches a release."""

    min_rows: int
    max_rows: int
    max_shrink: float = 0.30  # fraction of actions an edition may lose against the previous one
    required_fields: tuple[str, ...] = ("party_name",)
    # kind of update (Source.update_kind) -> largest share of the previous published edition's actions that
    # an edition of that kind may remove; empty: no removal rule
    max_removed_share: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceMetadata:
    source_id: str
    title: str
    publisher: str
    authority: str
    jurisdiction: str
    landing_url: str
    formats: tuple[str, ...]
    cadence: str  # human words, e.g. "semiannual plus interim updates"
    schedule_cron: str
    gate: Gate
    licence: str
    attribution: str
    preferred_formats: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> SourceMetadata:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        gate = raw.pop("gate")
        known = {f for f in cls.__dataclass_fields__ if f not in ("gate", "extra")}
        extra = {k: raw.pop(k) for k in list(raw) if k not in known}
        raw["formats"] = tuple(raw["formats"])
        raw["preferred_formats"] = tuple(raw.get("preferred_formats") or raw["formats"])
        gate["required_fields"] = tuple(gate.get("required_fields", ("party_name",)))
        gate["max_removed_share"] = {str(k): float(v) for k, v in (gate.get("max_removed_share") or {}).items()}
        return cls(gate=Gate(**gate), extra=extra, **raw)


class Source:
    """Base class for a source. Subclasses set the class attributes and override the hooks they need."""

    metadata: SourceMetadata
    parser_version: str = "1"  # bump when parsing output changes: cached parses are keyed by it

    @property
    def source_id(self) -> str:
        return self.metadata.source_id

    @property
    def package(self) -> str:
        """The source's package (`fast_pipeline.sources.<source_id>`), where its modules live."""
        return sys.modules[type(self).__module__].__package__ or type(self).__module__

    @cached_property
    def parsed_schema(self) -> pa.DataFrameSchema:
        """The Pandera schema of the parsed table: `PARSED_SCHEMA` of the package's `schema` module, imported
        on first use (Pandera and pandas are not needed to learn that an edition is already known)."""
        return importlib.import_module(f"{self.package}.schema").PARSED_SCHEMA

    # --- acquisition -------------------------------------------------------------------------------
    def discover(self, http: HttpClient) -> list[RemoteFile]:
        """The files that make up the publisher's current edition (read from the landing page)."""
        raise NotImplementedError

    def edition_label(self, files: list[SourceFile]) -> str | None:
        """A label for freshly downloaded files, from their content (e.g. "Cadastro atualizado em").

        None lets the framework fall back to `<retrieval date>_<content hash prefix>`.
        """
        return None

    def content_fingerprint(self, file: SourceFile) -> str:
        """What must differ for a download to count as a new edition. Default: the bytes. A page whose
        bytes change on every request (form tokens, asset hashes) overrides this with its data's text."""
        return file.sha256

    # --- parsing -----------------------------------------------------------------------------------
    def parse_file(self, file: SourceFile) -> pd.DataFrame:
        """One file -> rows in the source's own vocabulary; must fill `source_locator` (page/row).

        Raise `ParseError(source_id, file_name, reason, locator)` when unsure.
        """
        raise NotImplementedError

    def edition_date(self, parsed: pd.DataFrame, edition: str) -> str | None:
        """The publisher's date of the edition (ISO), from the parsed table if it carries one."""
        return None

    def update_kind(self, parsed: pd.DataFrame, as_of_date: str | None, previous_as_of: str | None) -> str | None:
        """What kind of update this edition is against the previous published one (as of `previous_as_of`),
        e.g. "periodic" or "interim": the publish gate's `max_removed_share` is declared per kind, because
        how many entries an update may remove depends on it. None: the source does not distinguish."""
        return None

    def cross_check(self, parsed: pd.DataFrame) -> list[str]:
        """Disagreements between formats of one edition (empty list when all agree or one format)."""
        return []

    # --- normalising -------------------------------------------------------------------------------
    def normalise(self, parsed: pd.DataFrame, edition: str, edition_date: str | None) -> pd.DataFrame:
        """Parsed rows of one edition -> canonical `adverse_action` rows (see core.canonical)."""
        raise NotImplementedError


def local_source_file(source_id: str, path: Path, edition: str = "local", file_format: str | None = None) -> SourceFile:
    """Wrap a file on disk (a researcher's download, a test file) as a `SourceFile`."""
    import hashlib

    path = Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    fmt = (file_format or path.suffix.lstrip(".")).lower()
    return SourceFile(
        source_id=source_id, edition=edition, path=path, file_name=path.name, file_format=fmt, sha256=digest
    )
