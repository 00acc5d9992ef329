"""Names made comparable, and how much each word of a name is worth.

A name is cleaned by rigour (`normalize_name`, `remove_org_types`: case, punctuation and the legal forms
of many languages), then reduced by the project's own `resolution.names.name_key` (transliteration of
non-Latin scripts, per-syllable Han, legal forms rigour leaves such as "ME", "EIRELI", "有限公司"). The
resolver and the screener thus fold names the same way.

`TermWeights` gives each word an inverse document frequency over the release's own names, so the words
that many listed names share ("comercio", "agropecuaria", "group", "xinjiang") carry little of a match and
a firm whose one distinctive word differs is another firm.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rigour.names import normalize_name, remove_org_types

from fast_pipeline.resolution.names import name_key


@dataclass(frozen=True, slots=True)
class Name:
    """One name as compared: its words in order, sorted (word order ignored) and without spaces."""

    original: str
    tokens: tuple[str, ...]
    compact: str = field(init=False, compare=False)  # the words without spaces, kept: every comparison uses it

    def __post_init__(self):
        object.__setattr__(self, "compact", "".join(self.tokens))

    @property
    def sorted_key(self) -> str:
        return " ".join(sorted(self.tokens))


@lru_cache(maxsize=1 << 18)
def name_tokens(text: str) -> tuple[str, ...]:
    """The comparison words of a name; legal forms and punctuation gone, transliterated to ASCII."""
    normal = normalize_name(text) or ""
    reduced = remove_org_types(normal).strip() if normal else ""
    return name_key(reduced or text).tokens


def make_name(text: object) -> Name | None:
    original = str(text or "").strip()
    if not original:
        return None
    tokens = name_tokens(original)
    return Name(original, tokens) if tokens else None


class TermWeights:
    """Inverse document frequency of each word over a collection of names (smoothed, so an unseen word
    weighs the most). Numbers and one-letter words weigh little: they are initials and branch numbers."""

    def __init__(self, names: Iterable[tuple[str, ...]]):
        counts: Counter[str] = Counter()
        total = 0
        for tokens in names:
            total += 1
            counts.update(set(tokens))
        self.total = max(total, 1)
        self.counts = counts
        self._weights: dict[str, float] = {}

    def weight(self, token: str) -> float:
        w = self._weights.get(token)
        if w is None:
            w = math.log((self.total + 1) / (self.counts.get(token, 0) + 1)) + 1.0
            if len(token) == 1:
                w *= 0.3
            self._weights[token] = w
        return w

    def of(self, tokens: tuple[str, ...]) -> list[float]:
        """The weight of each word (every weight is > 0, so a cached one is never taken for a miss)."""
        known = self._weights.get
        return [known(t) or self.weight(t) for t in tokens]

    def is_common(self, token: str) -> bool:
        """A word that many names share: too common to tell one party from another on its own."""
        return self.counts.get(token, 0) >= max(3, self.total // 200)
