"""Where a file's parse is kept: under the cache folder, by the file's bytes (sha256) and the parser's version.

A light module (no pandas): the build asks it which editions still need parsing before it starts the
parse-ahead worker (core.parse_ahead); core.parsing reads and writes the files.
"""

from __future__ import annotations

from pathlib import Path

from fast_pipeline.core.source import Source, SourceFile


def parsed_path(cache_dir: Path, source: Source, file: SourceFile) -> Path:
    return Path(cache_dir) / "parsed" / source.source_id / f"{file.sha256}-v{source.parser_version}.parquet"
