"""The one rule for edition labels, whether a mirror folder names them or a publisher's page does.

A label becomes a folder-like key in the archive, a Dagster partition, a line in terminal output and in
CHANGES.md: so it is one line of visible text, without control or bidi characters (U+202E would reverse
what a maintainer reads) and without path separators.
"""

from __future__ import annotations

import unicodedata

from fast_pipeline.core.errors import AcquisitionError

MAX_LABEL_CHARS = 120
_REFUSED_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "a format (bidi or invisible) character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def label_problem(label: str) -> str | None:
    """Why `label` cannot name an edition, or None when it can."""
    if not label or not label.strip():
        return "it is empty"
    if label in (".", "..") or label.startswith("."):
        return "it starts with a dot"
    if label != label.strip():
        return "it starts or ends with white space"
    if len(label) > MAX_LABEL_CHARS:
        return f"it is longer than {MAX_LABEL_CHARS} characters"
    for ch in label:
        if ch in "/\\":
            return "it holds a path separator"
        kind = _REFUSED_CATEGORIES.get(unicodedata.category(ch))
        if kind:
            return f"it holds {kind} (U+{ord(ch):04X})"
    return None


def check_label(label: str, *, source_id: str, where: str | None = None) -> str:
    """`label`, or an AcquisitionError naming the source, where the label came from and why."""
    problem = label_problem(label)
    if problem:
        raise AcquisitionError(source_id, where, f"edition label {label!r} refused: {problem}")
    return label
