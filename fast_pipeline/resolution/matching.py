"""Name similarity with blocking, so that cost grows near-linearly with the number of names.

Candidates come from two sources, so that every name is compared with a bounded number of others:
- *shared rare word*: names sharing one of their two rarest words (rarest in the whole table; a word in
  more than `COMMON_DF` names, such as "textile" or "agropecuaria", never makes a block, so no block
  holds more than `COMMON_DF` names). Catches reordered words, changed legal forms and typos outside
  that word;
- *sorted neighbourhood*: all names sorted by their compact form, and again by the compact form
  reversed; each is compared with its `WINDOW` next neighbours, in rapidfuzz's C++ (`cpdist`). A typo
  leaves the start or the end of a name intact, so its variant sorts near it in one of the two orders.

Scoring, with rapidfuzz, in two steps:
1. a cheap filter: `ratio` (normalised Indel similarity) of the word-sorted forms, or of the compact
   forms when higher (spacing variants), at least `PREFILTER`;
2. the score: a word-weighted similarity ("soft TF-IDF"): each word of one name is matched to its most
   similar word of the other (`ratio`, 0 below `WORD_FLOOR`), weighted by its rarity log(1 + n / df);
   the score is the lower of the two directions. A long common part no longer makes different names
   look alike ("Fonco Public Security Bureau" / "Gondo Public Security Bureau": ratio 0.93, but the
   rare words that carry the weight are only 0.60 alike), while a typo, even in a common word, costs
   little ("Miari Solar" / "Miari Solr": about 0.94).
Names whose numbers differ ("Vessel 7" and "Vessel 8"), names of different known countries, and names
shorter than `MIN_LENGTH` letters are never matched by similarity.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from fast_pipeline.resolution.names import NameKey

MIN_LENGTH = 6
COMMON_DF = 40
PREFILTER = 85
WORD_FLOOR = 70
SMALL_BLOCK = 24  # below this a Python loop beats building a score matrix
WINDOW = 6


def block_keys(key: NameKey, df: Counter) -> list[str]:
    """The name's two rarest words, unless they are common."""
    usable = [t for t in dict.fromkeys(key.tokens) if len(t) > 1] or list(dict.fromkeys(key.tokens))
    return [t for t in sorted(usable, key=df.__getitem__)[:2] if df[t] <= COMMON_DF]


class _Scorer:
    def __init__(self, keys: Sequence[NameKey], countries: Sequence[str | None], threshold: float, df: Counter):
        self.keys = keys
        self.df = df
        self.n = len(keys)
        self._words: dict[int, list[tuple[str, float]]] = {}  # only for the names that get scored
        self.sorted = [k.sorted for k in keys]
        self.compact = [k.compact for k in keys]
        self.numbers = [k.numbers for k in keys]
        self.countries = countries
        self.cutoff = threshold

    def allowed(self, i: int, j: int) -> bool:
        ci, cj = self.countries[i], self.countries[j]
        return (ci is None or cj is None or ci == cj) and self.numbers[i] == self.numbers[j]

    def words(self, i: int) -> list[tuple[str, float]]:
        """The name's distinct words with their weights, log(1 + n / df)."""
        found = self._words.get(i)
        if found is None:
            found = self._words[i] = [(t, math.log1p(self.n / self.df[t])) for t in dict.fromkeys(self.keys[i].tokens)]
        return found

    def _directed(self, i: int, j: int) -> float:
        others = [t for t, _ in self.words(j)]
        total = matched = 0.0
        for word, w in self.words(i):
            total += w
            if word in others:
                matched += w
            else:
                best = max(fuzz.ratio(word, o, score_cutoff=WORD_FLOOR) for o in others)
                matched += w * best / 100
        return matched / total

    def score(self, i: int, j: int) -> float:
        """Similarity 0..1, or 0 below the threshold."""
        if self.sorted[i] == self.sorted[j]:
            return 1.0
        if not (
            fuzz.ratio(self.sorted[i], self.sorted[j], score_cutoff=PREFILTER)
            or fuzz.ratio(self.compact[i], self.compact[j], score_cutoff=PREFILTER)
        ):
            return 0.0
        s = min(self._directed(i, j), self._directed(j, i))
        return s if s >= self.cutoff else 0.0

    def block_pairs(self, members: list[int]) -> Iterator[tuple[int, int, float]]:
        if len(members) < SMALL_BLOCK:
            candidates = ((i, j) for x, i in enumerate(members) for j in members[x + 1 :])
        else:
            candidates = self._matrix(members)
        for i, j in candidates:
            if self.allowed(i, j):
                s = self.score(i, j)
                if s:
                    yield i, j, s

    def _matrix(self, members: list[int]) -> Iterator[tuple[int, int]]:
        sorted_forms = [self.sorted[i] for i in members]
        compact_forms = [self.compact[i] for i in members]
        scores = process.cdist(
            sorted_forms, sorted_forms, scorer=fuzz.ratio, dtype=np.uint8, score_cutoff=PREFILTER, workers=-1
        )
        np.maximum(
            scores,
            process.cdist(
                compact_forms, compact_forms, scorer=fuzz.ratio, dtype=np.uint8, score_cutoff=PREFILTER, workers=-1
            ),
            out=scores,
        )
        for x, y in zip(*np.nonzero(np.triu(scores, k=1))):
            yield members[x], members[y]

    def neighbours(self) -> Iterator[tuple[int, int]]:
        """Sorted-neighbourhood candidates over the whole table, scored in C++ and filtered."""
        n = len(self.compact)
        for forms in (self.compact, [c[::-1] for c in self.compact]):
            order = sorted(range(n), key=forms.__getitem__)
            # new strings, laid out in sorted order: each cpdist pass then reads memory in sequence
            ordered = "\n".join(forms[i] for i in order).split("\n")
            for d in range(1, min(WINDOW, n - 1) + 1):
                scores = process.cpdist(
                    ordered[:-d], ordered[d:], scorer=fuzz.ratio, dtype=np.uint8, score_cutoff=PREFILTER, workers=-1
                )
                for x in np.flatnonzero(scores).tolist():
                    yield order[x], order[x + d]


def similar_pairs(
    keys: Sequence[NameKey], countries: Sequence[str | None], threshold: float
) -> Iterator[tuple[int, int, float]]:
    """Pairs (i, j, score) with i < j of names scoring at least `threshold` (0..1), each pair once."""
    df: Counter = Counter()
    for key in keys:
        df.update(set(key.tokens))
    blocks: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        if len(key.compact) >= MIN_LENGTH:
            for b in block_keys(key, df):
                blocks.setdefault(b, []).append(i)
    scorer = _Scorer(keys, countries, threshold, df)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        for i, j, s in scorer.block_pairs(members):
            pair = (i, j) if i < j else (j, i)
            if pair not in seen:
                seen.add(pair)
                yield pair[0], pair[1], s
    for i, j in scorer.neighbours():
        pair = (i, j) if i < j else (j, i)
        if pair not in seen and min(len(keys[i].compact), len(keys[j].compact)) >= MIN_LENGTH and scorer.allowed(i, j):
            seen.add(pair)
            s = scorer.score(i, j)
            if s:
                yield pair[0], pair[1], s
