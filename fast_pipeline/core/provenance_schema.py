"""The Pandera columns the framework adds to (or checks on) every parsed row: where the row came from.

A module of its own so that `core.source` (imported by every build) does not import Pandera; each source's
`schema` module spreads these into its PARSED_SCHEMA.
"""

from __future__ import annotations

import pandera.pandas as pa

PROVENANCE_COLUMNS: dict[str, pa.Column] = {
    "edition": pa.Column(str, nullable=False),
    "source_file": pa.Column(str, nullable=False),
    "file_format": pa.Column(str, nullable=False),
    "source_sha256": pa.Column(str, pa.Check.str_matches(r"^[0-9a-f]{64}$"), nullable=False),
    "source_locator": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
    "source_url": pa.Column(str, nullable=True),
}
