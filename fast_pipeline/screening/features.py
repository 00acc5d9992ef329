"""The features a comparison scores, each returning its value with the words that explain it.

Like nomenklatura's matchers, every feature names what it compared, so a hit carries its evidence
(`match_reasons`) rather than a bare number.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from fast_pipeline.screening.names import Name, TermWeights


# Edits tolerated between two words taken for one (a typo, a transliteration variant): none below 4
# letters, one up to 7, two from 8 ("hoyuan" / "hongyuan").
def allowed_edits(length: int) -> int:
    return 0 if length < 4 else 1 if length <= 7 else 2


@dataclass(frozen=True, slots=True)
class NameScore:
    score: float
    explanation: str


@lru_cache(maxsize=1 << 17)  # word pairs repeat across a file ("comercio" / "comercial"): each computed once
def token_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    longest = max(len(a), len(b))
    limit = allowed_edits(longest)
    if limit == 0 or min(len(a), len(b)) < 4 or longest - min(len(a), len(b)) > limit:
        return 0.0
    edits = Levenshtein.distance(a, b, score_cutoff=limit)
    return 1.0 - edits / longest if edits <= limit else 0.0


_EQUAL = NameScore(1.0, "equal")


def name_similarity(
    query: Name, candidate: Name, weights: TermWeights, query_weights: list[float] | None = None
) -> NameScore:
    """Weighted word alignment: each query word is paired with its most similar unused candidate word; the
    score is the share of both names' word weight (inverse document frequency) that found a partner. Word
    order does not count ("SILVA, JOAO" = "JOAO SILVA"); a common word that matches adds little, and a
    distinctive word left over takes much away. Names that differ only in spacing or transliteration
    ("Xin Jiang" / "Xinjiang") meet on their compact form. `query_weights` (`weights.of(query.tokens)`) spares
    recomputing them for each candidate of one query."""
    if query.compact == candidate.compact:
        return _EQUAL
    query_weights = weights.of(query.tokens) if query_weights is None else query_weights
    free_weights = weights.of(candidate.tokens)
    total = sum(query_weights) + sum(free_weights)
    free = list(candidate.tokens)
    matched = 0.0
    missing = []
    for token, weight in zip(query.tokens, query_weights):
        best, best_sim = -1, 0.0
        for i, other in enumerate(free):
            sim = 1.0 if token == other else token_similarity(token, other)
            if sim > best_sim:
                best, best_sim = i, sim
                if sim == 1.0:
                    break
        if best >= 0:
            matched += best_sim * (weight + free_weights.pop(best))
            free.pop(best)
        else:
            missing.append(token)
    score = matched / total if total else 0.0
    if len(query.tokens) != len(candidate.tokens):  # spacing variants: "hoyuan" / "ho yuan"
        compact = fuzz.ratio(query.compact, candidate.compact) / 100
        if compact >= 0.92 and compact > score:
            return NameScore(compact, f"compact form {compact:.2f}")
    unmatched = missing + free
    if not unmatched:
        return NameScore(score, "same words" if score > 0.999 else "same words, typo tolerated")
    return NameScore(score, "unmatched words: " + ", ".join(unmatched))
