"""Deterministic identifiers: the same natural key gives the same ID on every machine and every run."""

from __future__ import annotations

import hashlib

from fast_pipeline.core.text import fold


def stable_id(prefix: str, *parts: object, length: int = 16) -> str:
    """``prefix-<hex>`` from the parts, joined with a separator that cannot occur in them.

    Parts are stringified (None becomes ""), so callers must pass already-normalised natural keys.
    """
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    digest = hashlib.sha256(joined.encode("utf-8")).hexdigest()[:length]
    return f"{prefix}-{digest}"


def action_id(source_id: str, *natural_key: object) -> str:
    """`action_id` per docs/DESIGN.md: hash of the source ID and the source's natural key."""
    return stable_id("act", source_id, *natural_key)


def name_key(name: str) -> str:
    """A name reduced for keys: NFC, case- and accent-folded, whitespace collapsed."""
    return fold(name)
