"""Text normalisation: NFC for storage, a folded form for comparison. The original is always kept."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_SPACES = re.compile(r"\s+")
# NBSP, narrow NBSP, figure space, zero-width characters and BOM that publishers leave in cells.
_ODD_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a"), " ")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u00ad"), None)


def clean(value: object) -> str | None:
    """NFC text with odd spaces made plain and runs of whitespace collapsed; None for empty cells."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    if isinstance(value, str) and value.isascii():  # already NFC, no odd spaces: 20x faster (100k-row files)
        return " ".join(value.split()) or None
    text = unicodedata.normalize("NFC", str(value)).translate(_ODD_SPACES).translate(_INVISIBLE)
    text = _SPACES.sub(" ", text).strip()
    return text or None


def fold(value: object) -> str:
    """Comparison form: transliterated to ASCII, lower case, punctuation as spaces, collapsed."""
    text = clean(value) or ""
    text = anyascii(text).lower()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return text.strip()
