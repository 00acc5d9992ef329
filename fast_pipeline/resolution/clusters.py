"""Union-find over party records that refuses the merges a constraint forbids.

Four kinds of constraint, checked on whole clusters so that no chain of merges can get round them:
- *apart* pairs: records that must never share a party (a maintainer's "not same"; a subsidiary and the
  parent it is named under). They refuse even strong evidence: that is how a maintainer's "same" that
  contradicts a "not same" is detected;
- countries (weak rules only): a cluster with a known country never takes one with another country, so a
  record without a country cannot bridge two homonyms of different countries;
- exclusive identifiers (weak rules only): two clusters holding different values of one exclusive scheme
  (two CNPJs) are different parties whatever their names say;
- listings (weak rules only): two clusters whose records are listed side by side in one edition of one
  list are different parties, as the publisher listed them separately ("Shihezi Huafu Hongfeng Cotton"
  and "Shihezi Huafu Hongsheng Cotton" on the UFLPA list).
"""

from __future__ import annotations

import numpy as np

from fast_pipeline.resolution.identifiers import EXCLUSIVE_SCHEMES, Identifier

Country = str | frozenset | None


def _countries(value: Country) -> frozenset:
    if value is None:
        return frozenset()
    return value if isinstance(value, frozenset) else frozenset((value,))


def _merge_countries(a: Country, b: Country) -> Country:
    if a is None or a == b:
        return b
    if b is None:
        return a
    both = _countries(a) | _countries(b)
    return next(iter(both)) if len(both) == 1 else both


class Clusters:
    def __init__(
        self, countries: list[str | None], identifiers: list[tuple[Identifier, ...]], listings: list[list[str]]
    ):
        n = len(countries)
        self.listed: dict[int, frozenset[str]] = {i: frozenset(x) for i, x in enumerate(listings) if x}
        self.parent = list(range(n))
        self.size = [1] * n
        self.country: list[Country] = list(countries)
        self.exclusive: dict[int, dict[str, frozenset[str]]] = {}
        for i, ids in enumerate(identifiers):
            mine: dict[str, set[str]] = {}
            for ident in ids:
                if ident.scheme in EXCLUSIVE_SCHEMES:
                    mine.setdefault(ident.scheme, set()).add(ident.value)
            if mine:
                self.exclusive[i] = {k: frozenset(v) for k, v in mine.items()}
        self.apart: dict[int, set[int]] = {}

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def keep_apart(self, a: int, b: int) -> None:
        self.apart.setdefault(self.find(a), set()).add(b)
        self.apart.setdefault(self.find(b), set()).add(a)

    def _kept_apart(self, ra: int, rb: int) -> bool:
        small, other = (ra, rb) if len(self.apart.get(ra, ())) <= len(self.apart.get(rb, ())) else (rb, ra)
        return any(self.find(x) == other for x in self.apart.get(small, ()))

    def compatible(self, ra: int, rb: int) -> bool:
        """May two roots merge on weak evidence (a name)? Countries, exclusive identifiers and listings must
        agree."""
        ca, cb = self.country[ra], self.country[rb]
        if ca is not None and cb is not None and ca != cb and not (_countries(ca) & _countries(cb)):
            return False
        ea, eb = self.exclusive.get(ra), self.exclusive.get(rb)
        if ea and eb:
            for scheme in ea.keys() & eb.keys():
                if not ea[scheme] & eb[scheme]:
                    return False
        la, lb = self.listed.get(ra), self.listed.get(rb)
        return not (la and lb and not la.isdisjoint(lb))

    def union(self, a: int, b: int, *, weak: bool = False) -> bool:
        """Merge the clusters of `a` and `b`; True when they were apart and now are one.

        Strong evidence (an identifier, a maintainer's judgement) skips the country and identifier checks,
        never the apart pairs.
        """
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self._kept_apart(ra, rb) or (weak and not self.compatible(ra, rb)):
            return False
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        self.country[ra] = _merge_countries(self.country[ra], self.country[rb])
        if rb in self.exclusive:
            theirs = self.exclusive.pop(rb)
            mine = self.exclusive.setdefault(ra, {})
            for scheme, values in theirs.items():
                mine[scheme] = mine.get(scheme, frozenset()) | values
        if rb in self.apart:
            self.apart.setdefault(ra, set()).update(self.apart.pop(rb))
        if rb in self.listed:
            self.listed[ra] = self.listed.get(ra, frozenset()) | self.listed.pop(rb)
        return True

    def same(self, a: int, b: int) -> bool:
        return self.find(a) == self.find(b)

    def roots(self) -> np.ndarray:
        """Every record's root, by pointer jumping over the whole parent array at once."""
        parent = np.asarray(self.parent, dtype=np.int64)
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent
            parent = grand
