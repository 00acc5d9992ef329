"""Party records -> resolved parties, the links that explain them, and redirects for superseded IDs.

The rules run strongest first; each merge is recorded as one `same` link, so the links of a party form a
spanning tree of its records (a party of n records has n - 1 of them):

1. `override_same` / `override_not_same`: the maintainer's judgements (overrides.py). "not same" pairs
   are kept apart from the start and win over everything below.
2. `identifier`: records sharing an identifier (CNPJ, CPF, IMO, the DOL country-and-good key, ...).
3. `alias` / `former_name`: a name one record gives as an alias or former name of itself is the name
   (after normalisation) of another record, or both give the same alias.
4. `name_match`: names equal after normalisation (score 1), then similar ones (matching.py), for firms
   and organisations; vessels and regions only on equal names; persons and country-and-good pairs never
   by name. Names only merge records of compatible country and exclusive identifiers, never two records
   listed side by side in one edition of one list (clusters.py).

Links that relate parties without merging them: `cnpj_base` (establishments of one CNPJ base, relation
`related`), `related_party` (a subsidiary or co-target named inside an action, relation `subsidiary_of`
or `related`; such a pair is also kept apart from then on), and `override_not_same`.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from fast_pipeline.core.text import fold
from fast_pipeline.resolution import ids
from fast_pipeline.resolution.clusters import Clusters
from fast_pipeline.resolution.frames import column, json_list
from fast_pipeline.resolution.identifiers import Identifier, identifiers
from fast_pipeline.resolution.ids import sql_stable_id
from fast_pipeline.resolution.matching import MIN_LENGTH, similar_pairs
from fast_pipeline.resolution.names import NameKey, name_key
from fast_pipeline.resolution.overrides import Override, OverrideError, read_overrides
from fast_pipeline.resolution.parties import party_rows

THRESHOLD = 0.90
RULES = (
    "override_same",
    "override_not_same",
    "identifier",
    "alias",
    "former_name",
    "name_match",
    "cnpj_base",
    "related_party",
)
RELATIONS = ("same", "related", "subsidiary_of", "not_same")
# Kinds compared by name, and which kinds may match each other; absent kinds never match by name.
NAME_FAMILY = {"company": "entity", "organisation": "entity", "vessel": "vessel", "region": "region"}
FUZZY_FAMILIES = frozenset({"entity"})

_LINKS_SQL = f"""
select distinct on (link_id)
    {sql_stable_id("lnk", "l.party_record_id", "r.party_record_id", "relation", "rule")} as link_id,
    l.party_record_id as left_party_record_id, r.party_record_id as right_party_record_id,
    l.party_id as left_party_id, r.party_id as right_party_id, relation, rule, score, evidence
from links
join members as l on l.rec = links.left_rec
join members as r on r.rec = links.right_rec
order by link_id, evidence, score
"""


@dataclass
class Resolution:
    parties: pd.DataFrame
    party_links: pd.DataFrame
    party_redirects: pd.DataFrame
    members: pd.DataFrame  # party_record_id -> party_id
    unmatched_overrides: list[str] = field(default_factory=list)


def _country_note(a: str | None, b: str | None) -> str:
    if a and b:
        return f" + same country {a}"
    if a or b:
        return f" + country {a or b} (stated on one side only)"
    return " + no country stated"


class _Resolver:
    def __init__(self, records: pd.DataFrame, overrides: list[Override], threshold: float):
        # Processing order decides ties (which record anchors a group), so it must not depend on input order.
        if not records["party_record_id"].is_monotonic_increasing:
            records = records.sort_values("party_record_id", kind="stable")
        self.frame = records.reset_index(drop=True)
        self.ids: list[str] = self.frame["party_record_id"].astype(str).tolist()
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("party records must have distinct party_record_id")
        self.index = {rid: i for i, rid in enumerate(self.ids)}
        self.name: list[str] = self.frame["party_name"].astype(str).tolist()
        self.kind: list[str] = self.frame["party_kind"].astype(str).tolist()
        self.country: list[str | None] = column(self.frame, "party_country", None)
        raw_names = column(self.frame, "names", "[]")
        self.spellings = [list(dict.fromkeys([n, *json_list(s)])) for n, s in zip(self.name, raw_names)]
        self.aliases = [json_list(s) for s in column(self.frame, "aliases", "[]")]
        self.former = [json_list(s) for s in column(self.frame, "former_names", "[]")]
        parsed: dict[str, tuple[Identifier, ...]] = {}  # the records of one party repeat one list
        self.identifiers = [
            parsed[s] if s in parsed else parsed.setdefault(s, identifiers(s))
            for s in column(self.frame, "identifiers", "[]")
        ]
        self.related_to = [json_list(s) for s in column(self.frame, "related_to", "[]")]
        self.overrides = overrides
        self.threshold = threshold
        self.clusters = Clusters(
            self.country, self.identifiers, [json_list(s) for s in column(self.frame, "listed_in", "[]")]
        )
        self.links: list[tuple] = []  # (left, right, relation, rule, score, evidence)
        self.unmatched: list[str] = []
        self._keys: dict[str, NameKey] = {}

    # --- links ---------------------------------------------------------------------------------------
    def link(self, a: int, b: int, relation: str, rule: str, score: float | None, evidence: str) -> None:
        if relation != "subsidiary_of" and self.ids[b] < self.ids[a]:
            a, b = b, a
        self.links.append((a, b, relation, rule, score, evidence))

    def merge(self, a: int, b: int, rule: str, score: float, evidence: str, *, weak: bool) -> bool:
        if self.clusters.union(a, b, weak=weak):
            self.link(a, b, "same", rule, score, evidence)
            return True
        return False

    # --- 1. overrides --------------------------------------------------------------------------------
    def _side(self, rid: str, name: str, by_name: dict[str, list[int]]) -> list[int]:
        if rid:
            return [self.index[rid]] if rid in self.index else []
        return by_name.get(fold(name), [])

    def _records_by_name(self) -> dict[str, list[int]]:
        """Folded published name -> records, for overrides that name a side instead of giving its ID."""
        if all(o.left_id and o.right_id for o in self.overrides):
            return {}
        by_name: dict[str, list[int]] = defaultdict(list)
        for i, names in enumerate(self.spellings):
            for n in dict.fromkeys(fold(s) for s in names):
                by_name[n].append(i)
        return by_name

    def apply_overrides(self) -> None:
        by_name = self._records_by_name()
        sides = {}
        for o in self.overrides:
            left = self._side(o.left_id, o.left_name, by_name)
            right = self._side(o.right_id, o.right_name, by_name)
            if not left or not right:
                self.unmatched.append(f"{o.describe()}: no record matches the {'left' if not left else 'right'} side")
                continue
            sides[o.row] = (left, right)
            if o.judgement == "not_same":
                for a in left:
                    for b in right:
                        self.clusters.keep_apart(a, b)
                        self.link(a, b, "not_same", "override_not_same", None, o.evidence)
        for o in self.overrides:
            if o.judgement != "same" or o.row not in sides:
                continue
            left, right = sides[o.row]
            for b in [*left[1:], *right]:
                if not self.clusters.same(left[0], b) and not self.merge(
                    left[0], b, "override_same", 1.0, o.evidence, weak=False
                ):
                    raise OverrideError(
                        f"{o.describe()} contradicts a not_same judgement: "
                        f"{self.ids[left[0]]} and {self.ids[b]} are kept apart"
                    )

    # --- related parties -----------------------------------------------------------------------------
    def relate_parties(self) -> None:
        for i, parents in enumerate(self.related_to):
            for rel in parents:
                parent = self.index.get(rel.get("party_record_id"))
                if parent is None or parent == i:
                    continue
                relation = rel.get("relation") if rel.get("relation") in RELATIONS else "related"
                words = rel.get("relation_raw") or relation.replace("_", " ")
                self.link(i, parent, relation, "related_party", None, f"named as {words} of {self.name[parent]!r}")
                if not self.clusters.same(i, parent):
                    self.clusters.keep_apart(i, parent)

    # --- 2. identifiers ------------------------------------------------------------------------------
    def by_identifier(self) -> dict[Identifier, list[int]]:
        holders: dict[Identifier, list[int]] = defaultdict(list)
        for i, found in enumerate(self.identifiers):
            for ident in found:
                holders[ident].append(i)
        return holders

    def merge_identifiers(self, holders: dict[Identifier, list[int]]) -> None:
        for ident in sorted((k for k, v in holders.items() if len(v) > 1), key=lambda k: (k.scheme, k.value)):
            first, *rest = holders[ident]
            for b in rest:
                self.merge(first, b, "identifier", 1.0, f"same {ident.label}", weak=False)

    def link_cnpj_branches(self, holders: dict[Identifier, list[int]]) -> None:
        bases: dict[str, list[Identifier]] = defaultdict(list)
        for ident in sorted((k for k in holders if k.scheme == "BR-CNPJ"), key=lambda k: k.value):
            if ident.cnpj_base:
                bases[ident.cnpj_base].append(ident)
        for base, branches in bases.items():
            head = branches[0]
            for other in branches[1:]:
                a, b = holders[head][0], holders[other][0]
                if not self.clusters.same(a, b):
                    self.link(
                        a,
                        b,
                        "related",
                        "cnpj_base",
                        1.0,
                        f"same CNPJ base {base[:2]}.{base[2:5]}.{base[5:]}: {head.label} and {other.label}",
                    )

    # --- 3 and 4. names ------------------------------------------------------------------------------
    def key(self, text: str) -> NameKey:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = name_key(text)
        return key

    def name_entries(self) -> list[tuple[int, str, str, str, NameKey]]:
        """(record, role, text, family, key) for every name, alias and former name of nameable records."""
        entries = []
        for i, kind in enumerate(self.kind):
            family = NAME_FAMILY.get(kind)
            if family is None:
                continue
            for role, texts in (
                ("name", self.spellings[i]),
                ("alias", self.aliases[i]),
                ("former_name", self.former[i]),
            ):
                for text in dict.fromkeys(texts):
                    key = self.key(text)
                    if key.compact:
                        entries.append((i, role, text, family, key))
        return entries

    def _name_evidence(self, ea, eb, score: float) -> tuple[str, str]:
        """(rule, evidence) for merging two name entries with this score."""
        (a, role_a, text_a), (b, role_b, text_b) = ea[:3], eb[:3]
        note = _country_note(self.country[a], self.country[b])
        similar = "" if score >= 1 else f" (name match {score:.2f})"
        if role_a == "name" and role_b == "name":
            if score >= 1:
                return "name_match", f"same name after normalisation: {text_a!r} = {text_b!r}" + note
            return "name_match", f"name match {score:.2f}: {text_a!r} ~ {text_b!r}" + note
        if role_a != "name" and role_b != "name":
            rule = "former_name" if role_a == role_b == "former_name" else "alias"
            return rule, f"both list {text_a!r} as an alias or former name{similar}" + note
        holder, stated, role, named = (b, text_b, role_b, text_a) if role_a == "name" else (a, text_a, role_a, text_b)
        words = "an alias" if role == "alias" else "a former name"
        match = "" if score >= 1 else f"{named!r} ~ "
        return role, f"{match}{stated!r} is listed as {words} of {self.name[holder]!r}{similar}" + note

    def _merge_group(self, group: list) -> None:
        """Merge the records of entries with one normalised name, country by country; an entry without a
        country joins only when the group names a single country (else it is ambiguous)."""
        countries = {self.country[e[0]] for e in group} - {None}
        if len(countries) > 1:
            subgroups = [[e for e in group if self.country[e[0]] == c] for c in sorted(countries)]
        else:
            subgroups = [group]
        for sub in subgroups:
            heads: list = []
            for e in sub:
                for h in heads:
                    if self.clusters.same(h[0], e[0]):
                        break
                    rule, evidence = self._name_evidence(h, e, 1.0)
                    if self.merge(h[0], e[0], rule, 1.0, evidence, weak=True):
                        break
                else:
                    heads.append(e)

    def merge_equal_names(self, entries: list) -> None:
        """Groups holding an alias or former-name statement first, then plain equal names; entries in
        record order (records are sorted by ID), published names before stated ones."""
        groups: dict[tuple[str, str], list] = defaultdict(list)
        for e in entries:
            groups[(e[3], e[4].compact)].append(e)
        shared = [g for g in groups.values() if len(g) > 1 and len({e[0] for e in g}) > 1]
        stated = [any(e[1] != "name" for e in g) for g in shared]
        for with_statement in (True, False):
            for group, has in zip(shared, stated):
                if has == with_statement:
                    published = [e for e in group if e[1] == "name"]
                    self._merge_group(published + [e for e in group if e[1] != "name"])

    def merge_similar_names(self, entries: list) -> None:
        nodes: dict[tuple[str, str | None], list] = defaultdict(list)
        for e in entries:
            if e[3] in FUZZY_FAMILIES and len(e[4].compact) >= MIN_LENGTH:
                nodes[(e[4].compact, self.country[e[0]])].append(e)
        node_list = list(nodes.items())
        keys = [group[0][4] for _, group in node_list]
        countries = [c for (_, c), _ in node_list]
        pairs = list(similar_pairs(keys, countries, self.threshold))
        partner_countries: dict[int, set] = defaultdict(set)
        for a, b, _ in pairs:
            if countries[a] is None and countries[b] is not None:
                partner_countries[a].add(countries[b])
            if countries[b] is None and countries[a] is not None:
                partner_countries[b].add(countries[a])
        ambiguous = {n for n, cs in partner_countries.items() if len(cs) > 1}
        pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
        for a, b, score in pairs:
            if a in ambiguous or b in ambiguous:
                continue
            for ea in self._per_cluster(node_list[a][1]):
                for eb in self._per_cluster(node_list[b][1]):
                    rule, evidence = self._name_evidence(ea, eb, score)
                    self.merge(ea[0], eb[0], rule, round(score, 4), evidence, weak=True)

    def _per_cluster(self, group: list) -> list:
        seen, out = set(), []
        for e in sorted(group, key=lambda e: (e[1] != "name", self.ids[e[0]])):
            root = self.clusters.find(e[0])
            if root not in seen:
                seen.add(root)
                out.append(e)
        return out

    # --- all -----------------------------------------------------------------------------------------
    def run(self) -> Resolution:
        self.apply_overrides()
        self.relate_parties()
        holders = self.by_identifier()
        self.merge_identifiers(holders)
        entries = self.name_entries()
        self.merge_equal_names(entries)
        self.merge_similar_names(entries)
        self.link_cnpj_branches(holders)
        con = duckdb.connect()
        try:
            ids.assign(con, self.ids, self.clusters.roots(), self.identifiers)
            party_of_record = ids.party_of_record(con)
            return Resolution(
                parties=party_rows(con, self.frame, party_of_record),
                party_links=self.link_frame(con),
                party_redirects=ids.redirects(con),
                members=pd.DataFrame({"party_record_id": self.ids, "party_id": party_of_record}),
                unmatched_overrides=self.unmatched,
            )
        finally:
            con.close()

    def link_frame(self, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        """The links with their resolved party IDs; one row per (records, relation, rule)."""
        links = pd.DataFrame(self.links, columns=["left_rec", "right_rec", "relation", "rule", "score", "evidence"])
        links = links.astype(
            {
                "left_rec": "int64",
                "right_rec": "int64",
                "relation": "object",
                "rule": "object",
                "score": "float64",
                "evidence": "object",
            }
        )
        con.register("links", links)
        try:
            return con.execute(_LINKS_SQL).df()
        finally:
            con.unregister("links")


def resolve(
    records: pd.DataFrame, overrides: pd.DataFrame | list[Override] | None = None, *, threshold: float = THRESHOLD
) -> Resolution:
    """Resolve party records (see records.py for the columns; only party_record_id, party_name and
    party_kind are required) into parties, links and redirects. `overrides` is the override table
    (as read from the seed) or already-read judgements."""
    judgements = overrides if isinstance(overrides, list) else read_overrides(overrides)
    collecting = gc.isenabled()
    gc.disable()  # millions of small acyclic objects: the cyclic collector would rescan them again and again
    try:
        return _Resolver(records, judgements, threshold).run()
    finally:
        if collecting:
            gc.enable()
