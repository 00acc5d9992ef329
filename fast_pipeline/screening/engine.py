"""The one matching engine: an index built from a release, and explained scores for counterparties.

Blocking: candidates come from the counterparty's tax ID (exact, or the CNPJ root), from names equal in their
compact form, and from a word index: each query word finds the listed words equal to it or within its typo
tolerance through a deletion index (SymSpell's idea), and a listed name is scored only if the weight of the
words it shares could bring it to the reporting floor. Each candidate is then scored by `features`:
- identifiers decide: an equal valid CPF, CNPJ or USCC scores 1; a CNPJ of the same root (another branch)
  0.9, as a group match; two valid, different values of one scheme cap the score far below any threshold;
- names: weighted word alignment over every name, alias and former name of the party;
- country and kind qualify (a small bonus or penalty), never decide; a missing one changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from fast_pipeline.screening import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD  # re-exported: the engine's default
from fast_pipeline.screening.features import name_similarity, token_similarity
from fast_pipeline.screening.history import History
from fast_pipeline.screening.identifiers import EXCLUSIVE, TaxId, release_tax_id
from fast_pipeline.screening.names import Name, TermWeights, make_name
from fast_pipeline.screening.release_reader import Release

REPORTING_FLOOR = 0.5
BLOCKING_BOUND = 0.45  # the best name score a listed name could reach, below which it is not scored
CHUNK = 2000
NOT_SCREENED_KINDS = frozenset({"country_good", "region"})  # goods listings are exposures, not parties
COUNTRY_BONUS, COUNTRY_PENALTY, KIND_PENALTY = 0.05, 0.15, 0.15
CONFLICT_CAP = 0.35
EXACT, RESEMBLES_CAP = 0.999, 0.7


@dataclass
class Query:
    """One counterparty as the engine sees it (`counterparties` builds these from a file's rows)."""

    query_id: str
    name: str | None = None
    country: str | None = None
    tax_id: TaxId | None = None
    kind: str | None = None
    goods: str | None = None


@dataclass(frozen=True)
class PartyEntry:
    party_id: str
    party_name: str
    kind: str
    country: str | None
    countries: frozenset[str]
    source_ids: tuple[str, ...]
    action_ids: tuple[str, ...]
    tax_ids: frozenset[TaxId]
    names: tuple[tuple[str, Name], ...]  # (label: name | alias | former name, Name)


@dataclass
class Hit:
    party: PartyEntry
    score: float
    matched_name: str
    reasons: list[str] = field(default_factory=list)
    excluded_by_identifier: bool = False  # a namesake whose valid identifier differs: shown, never a match
    name_score: float | None = None
    by_identifier: bool = False  # an equal identifier (or CNPJ root) decided the score

    @property
    def party_id(self) -> str:
        return self.party.party_id


class Screener:
    """Built once per release (and as-of date); screens any number of counterparties."""

    def __init__(self, release: Release, as_of: date | None = None):
        self.release = release
        self.as_of = as_of
        self.history = History(release.actions, release.history)
        self.actions = self.history.actions
        self.parties: list[PartyEntry] = []
        for row in release.parties:
            if row["party_kind"] in NOT_SCREENED_KINDS:
                continue
            action_ids = tuple(a for a in row["action_ids"] or () if a in self.actions)
            if as_of is not None and not any(self.history.in_force(a, as_of) for a in action_ids):
                continue  # not on any list on that date: removed before it, or listed after it
            self.parties.append(_party_entry(row, action_ids))
        self.weights = TermWeights(n.tokens for p in self.parties for _, n in p.names)
        self.scorer = Scorer(self.weights)
        self._by_id: dict[TaxId, list[int]] = defaultdict(list)
        self._by_root: dict[str, list[int]] = defaultdict(list)
        self._by_compact: dict[str, list[int]] = defaultdict(list)
        self._postings: dict[str, list[int]] = defaultdict(list)  # word -> names holding it
        self._owners: list[int] = []  # name -> party
        self._name_weight: list[float] = []
        for i, party in enumerate(self.parties):
            for tax_id in party.tax_ids:
                self._by_id[tax_id].append(i)
                if tax_id.cnpj_root:
                    self._by_root[tax_id.cnpj_root].append(i)
            for _, name in party.names:
                self._by_compact[name.compact].append(i)
                for token in set(name.tokens):
                    self._postings[token].append(len(self._owners))
                self._owners.append(i)
                self._name_weight.append(sum(self.weights.weight(t) for t in name.tokens))
        self._deletions: dict[str, set[str]] = defaultdict(set)  # a word less one letter -> listed words
        for token in self._postings:
            for variant in _deletions(token):
                self._deletions[variant].add(token)
        self._similar: dict[str, tuple[tuple[str, float], ...]] = {}

    # -- candidates -----------------------------------------------------------------------------------

    def _similar_words(self, token: str) -> tuple[tuple[str, float], ...]:
        """Listed words equal to this one or within its typo tolerance (a deletion index, as SymSpell's),
        each with the larger of the two words' weights."""
        found = self._similar.get(token)
        if found is None:
            words = {token} if token in self._postings else set()
            for variant in _deletions(token):
                words.update(self._deletions.get(variant, ()))
            weight = self.weights.weight
            found = tuple((w, max(weight(w), weight(token))) for w in words if token_similarity(token, w) > 0)
            self._similar[token] = found
        return found

    def _name_candidates(self, names: Sequence[Name | None]) -> list[set[int]]:
        """Parties with a name that shares enough weighted words (typos tolerated) with the query's name to
        reach the reporting floor at best, plus names equal in compact form. Words shared by many names add
        little, so "JOAO SILVA" does not bring in every listed Silva."""
        found: list[set[int]] = []
        weight = self.weights.weight
        for name in names:
            parties: set[int] = set()
            if name is not None:
                reached: dict[int, float] = defaultdict(float)
                for token in set(name.tokens):
                    for word, w in self._similar_words(token):
                        for n in self._postings[word]:
                            reached[n] += w
                total = sum(weight(t) for t in name.tokens)
                bound = BLOCKING_BOUND
                for n, acc in reached.items():
                    if 2 * acc >= bound * (total + self._name_weight[n]):
                        parties.add(self._owners[n])
                parties.update(self._by_compact.get(name.compact, ()))
            found.append(parties)
        return found

    def _id_candidates(self, tax_id: TaxId | None) -> set[int]:
        if tax_id is None:
            return set()
        found = set(self._by_id.get(tax_id, ()))
        if tax_id.cnpj_root:
            found.update(self._by_root.get(tax_id.cnpj_root, ()))
        return found

    def score(self, query: Query, name: Name | None, party: PartyEntry) -> Hit:
        return self.scorer.score(query, name, party)

    def candidates(self, queries: Sequence[Query], names: Sequence[Name | None]) -> list[set[int]]:
        """Indexes into `parties` of every party worth scoring for each query (blocking)."""
        found = self._name_candidates(names)
        for i, query in enumerate(queries):
            found[i] |= self._id_candidates(query.tax_id)
        return found

    def screen(
        self,
        queries: Sequence[Query],
        floor: float = REPORTING_FLOOR,
        progress: Callable[[int], None] | None = None,
    ) -> list[list[Hit]]:
        """Hits at or above the floor (and namesakes excluded by an identifier) for each query, best first."""
        names = [make_name(q.name) if q.name else None for q in queries]
        results: list[list[Hit]] = []
        for start in range(0, len(queries), CHUNK):
            chunk = slice(start, min(start + CHUNK, len(queries)))
            chunk_queries, chunk_names = queries[chunk], names[chunk]
            for query, name, found in zip(chunk_queries, chunk_names, self.candidates(chunk_queries, chunk_names)):
                hits = _rank_against_each_other([self.scorer.score(query, name, self.parties[c]) for c in found])
                hits = [h for h in hits if h.score >= floor or h.excluded_by_identifier]
                hits.sort(key=lambda h: (-h.score, h.party_id))
                results.append(hits)
            if progress is not None:
                progress(len(chunk_queries))
        return results

    # -- evidence -------------------------------------------------------------------------------------

    def party_actions(self, party: PartyEntry) -> list[dict]:
        """The party's actions as the output's `actions` column lists them (as of the screening date)."""
        out = []
        for action_id in party.action_ids:
            a = self.actions[action_id]
            if not self.history.known_on(action_id, self.as_of):
                continue
            item = {
                "action_id": action_id,
                "source_id": a["source_id"],
                "action_type": a["action_type"],
                "status": a["status"],
                "in_force": self.history.in_force(action_id, self.as_of),
                "listed_date": _iso(a["listed_date"]),
                "effective_date": _iso(a["effective_date"]),
                "ended_date": _iso(a["ended_date"]),
                "removed_in_edition": a["removed_in_edition"],
                "legal_basis": a["legal_basis"],
                "goods": a["goods"],
                "source_url": a["source_url"],
                "source_sha256": a["source_sha256"],
            }
            if self.as_of is not None and a["removed_date"] is not None and a["removed_date"] > self.as_of:
                item["removed_in_edition"] = None  # not yet removed on the as-of date
                item["status"] = "active"
            out.append(item)
        return out

    def evidence_fingerprint(self, party: PartyEntry) -> str:
        """A hash of what the party's evidence is: its actions, their status, whether each is in force, their
        end and removal. A decision stores it; a later screening whose fingerprint differs re-opens it."""
        items = sorted(
            (a["action_id"], a["status"], a["in_force"], a["ended_date"] or "", a["removed_in_edition"] or "")
            for a in self.party_actions(party)
        )
        return hashlib.sha256(json.dumps(items).encode()).hexdigest()[:16]


class Scorer:
    """The features of one (counterparty, party) comparison and their combination into a 0..1 score."""

    def __init__(self, weights: TermWeights):
        self.weights = weights

    # -- scoring --------------------------------------------------------------------------------------

    def score(self, query: Query, name: Name | None, party: PartyEntry) -> Hit:
        reasons: list[str] = []
        id_score = None
        conflict = False
        if query.tax_id is not None:
            if query.tax_id in party.tax_ids:
                id_score = 1.0
                reasons.append(f"identifier {query.tax_id.label} equal")
            else:
                same_root = [
                    t for t in party.tax_ids if query.tax_id.cnpj_root and t.cnpj_root == query.tax_id.cnpj_root
                ]
                if same_root:
                    id_score = 0.9
                    reasons.append(
                        f"CNPJ root {query.tax_id.value[:8]} equal, another branch ({query.tax_id.label} vs "
                        f"{same_root[0].label}): group match"
                    )
                elif query.tax_id.scheme in EXCLUSIVE:
                    others = sorted(t.label for t in party.tax_ids if t.scheme == query.tax_id.scheme)
                    if others:
                        conflict = True
                        reasons.append(f"identifier differs: {query.tax_id.label} vs {others[0]} (another party)")
        best_label, best_text, best = "", party.party_name, None
        if name is not None:
            query_weights = self.weights.of(name.tokens)
            for label, listed in party.names:
                sim = name_similarity(name, listed, self.weights, query_weights)
                if best is None or sim.score > best.score:
                    best, best_label, best_text = sim, label, listed.original
        if best is not None:
            reasons.append(f"name similarity {best.score:.2f} against {best_label} {best_text!r} ({best.explanation})")
        if id_score is not None:
            score = id_score
        else:
            score = best.score if best is not None else 0.0
            if conflict:
                score = min(score * 0.4, CONFLICT_CAP)
        if query.country and party.countries:
            if query.country in party.countries:
                reasons.append(f"country {query.country} = {'/'.join(sorted(party.countries))}")
                if id_score is None and not conflict:
                    score = min(1.0, score + COUNTRY_BONUS * score)
            else:
                reasons.append(f"country {query.country} ≠ {'/'.join(sorted(party.countries))}")
                if id_score is None:
                    score = max(0.0, score - COUNTRY_PENALTY)
        if query.kind and party.kind and query.kind != party.kind and id_score is None:
            reasons.append(f"kind {query.kind} ≠ {party.kind}")
            score = max(0.0, score - KIND_PENALTY)
        excluded = conflict and best is not None and best.score >= REPORTING_FLOOR
        return Hit(
            party,
            round(score, 4),
            best_text,
            reasons,
            excluded_by_identifier=excluded,
            name_score=best.score if best is not None else None,
            by_identifier=id_score is not None,
        )


def _rank_against_each_other(hits: list[Hit]) -> list[Hit]:
    """When one listed party's name equals the counterparty's, a party whose name only resembles it (an
    extra or another distinctive word: "Xinjiang Huafu Hengfeng Cotton" beside "Xinjiang Huafu Cotton") is
    another firm the list names separately: it stays a candidate but below any threshold."""
    if not any(h.name_score is not None and h.name_score >= EXACT and not h.excluded_by_identifier for h in hits):
        return hits
    for h in hits:
        if not h.by_identifier and h.name_score is not None and h.name_score < EXACT and h.score > RESEMBLES_CAP:
            h.score = RESEMBLES_CAP
            h.reasons.append("another listed party's name equals the counterparty's: this one only resembles it")
    return hits


def _deletions(token: str) -> set[str]:
    """The word with each one letter left out (words under 4 letters tolerate no typo: none)."""
    if len(token) < 4:
        return set()
    return {token[:i] + token[i + 1 :] for i in range(len(token))} | {token}


def _party_entry(row: dict, action_ids: tuple[str, ...]) -> PartyEntry:
    names: list[tuple[str, Name]] = []
    seen: set[str] = set()
    for label, values in (("name", row["names"]), ("alias", row["aliases"]), ("former name", row["former_names"])):
        for value in [row["party_name"]] * (label == "name") + list(values or ()):
            made = make_name(value)
            if made is not None and made.compact not in seen:
                seen.add(made.compact)
                names.append((label, made))
    tax_ids = {release_tax_id(i["scheme"], i["value"]) for i in row["identifiers"] or ()}
    tax_ids.discard(None)
    return PartyEntry(
        party_id=row["party_id"],
        party_name=row["party_name"],
        kind=row["party_kind"],
        country=row["party_country"],
        countries=frozenset(c for c in (row["countries"] or ()) if c) | ({row["party_country"]} - {None}),
        source_ids=tuple(row["source_ids"] or ()),
        action_ids=action_ids,
        tax_ids=frozenset(tax_ids),
        names=tuple(names),
    )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
