"""`screen-eval`: the engine's precision, recall and F1 on a team's own labelled pairs.

The file has `kind, name_a, name_b, label` (label 1/0, true/false, match/no match) and optionally
`country_a, country_b, tax_id_a, tax_id_b`. Side a is scored as a counterparty against side b as a listed
party, with the same features as screening; word weights come from the release when one is given (so common
words weigh what they weigh in screening), else from the file's own names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fast_pipeline.core.errors import PipelineError
from fast_pipeline.screening.counterparties import KINDS, _read_csv, country_code
from fast_pipeline.screening.engine import PartyEntry, Query, Scorer
from fast_pipeline.screening.identifiers import InvalidTaxId, parse_tax_id
from fast_pipeline.screening.names import Name, TermWeights, make_name

TRUE = {"1", "true", "yes", "y", "match", "t", "positive"}
FALSE = {"0", "false", "no", "n", "no match", "f", "negative", "nomatch", "no_match"}


class EvaluationError(PipelineError):
    def __init__(self, file: str, reason: str, locator: str | None = None):
        super().__init__("screen-eval", file, reason, locator)


@dataclass(frozen=True)
class Evaluation:
    pairs: int
    threshold: float
    precision: float
    recall: float
    f1: float
    best_threshold: float
    best_f1: float
    scores: list[tuple[float, bool]]


def _metrics(scores: list[tuple[float, bool]], threshold: float) -> tuple[float, float, float]:
    tp = sum(1 for s, y in scores if s >= threshold and y)
    fp = sum(1 for s, y in scores if s >= threshold and not y)
    fn = sum(1 for s, y in scores if s < threshold and y)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(path: Path, threshold: float, weights: TermWeights | None = None) -> Evaluation:
    header, records, _, _ = _read_csv(path)
    columns = [h.strip().lower() for h in header]
    missing = {"name_a", "name_b", "label"} - set(columns)
    if missing:
        raise EvaluationError(path.name, f"missing column(s) {', '.join(sorted(missing))} (found: {', '.join(header)})")
    pairs = []
    for n, values in records:
        row = dict(zip(columns, (v.strip() for v in values)))
        label = row.get("label", "").lower()
        if label not in TRUE | FALSE:
            raise EvaluationError(
                path.name, f"label {row.get('label')!r} is neither a match nor a non-match", f"row {n}"
            )
        try:
            tax_a, tax_b = parse_tax_id(row.get("tax_id_a")), parse_tax_id(row.get("tax_id_b"))
        except InvalidTaxId as exc:
            raise EvaluationError(path.name, str(exc), f"row {n}") from None
        kind = KINDS.get(row.get("kind", "").lower()) if row.get("kind") else None
        pairs.append((row, label in TRUE, tax_a, tax_b, kind))
    if weights is None:
        weights = TermWeights(n.tokens for row, *_ in pairs for n in (make_name(row["name_b"]),) if n is not None)
    scorer = Scorer(weights)
    scores = []
    for row, label, tax_a, tax_b, kind in pairs:
        name_a, name_b = make_name(row["name_a"]), make_name(row["name_b"])
        country_b = country_code(row["country_b"]) if row.get("country_b") else None
        party = PartyEntry(
            party_id="b",
            party_name=row["name_b"],
            kind=kind or "",
            country=country_b,
            countries=frozenset({country_b} - {None}),
            source_ids=(),
            action_ids=(),
            tax_ids=frozenset({tax_b} - {None}),
            names=(("name", name_b),) if isinstance(name_b, Name) else (),
        )
        query = Query(
            "a",
            name=row["name_a"],
            country=country_code(row["country_a"]) if row.get("country_a") else None,
            tax_id=tax_a,
            kind=kind,
        )
        hit = scorer.score(query, name_a, party)
        scores.append((0.0 if hit.excluded_by_identifier else hit.score, label))
    precision, recall, f1 = _metrics(scores, threshold)
    candidates = sorted({s for s, _ in scores} | {threshold})
    best_t, best_f1 = max(
        ((t, _metrics(scores, t)[2]) for t in candidates), key=lambda x: (x[1], -abs(x[0] - threshold))
    )
    return Evaluation(len(scores), threshold, precision, recall, f1, best_t, best_f1, scores)
