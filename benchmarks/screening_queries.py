"""A labelled query set generated from a release, for bench_screening.py: each case the issue names.

Categories (label: the party a query must match, or None):
- `listed_as_written`: listed names as customer files write them (case, accents, legal forms spelled out or
  dropped, "SURNAME, GIVEN" for persons, one typo in a long word, an alias), sometimes with a country;
- `tax_id_alone`: a listed CNPJ or CPF, punctuated or bare, with no name;
- `not_listed`: firms built from words common in listed names plus a made-up distinctive word, and persons
  whose given and family names come from different listed persons;
- `namesake_other_id`: a listed person's exact name with another valid CPF;
- `near_miss_firm`: a listed firm whose most distinctive word is replaced, with its own valid CNPJ.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from stdnum.br import cnpj, cpf

from fast_pipeline.core.text import fold
from fast_pipeline.screening.engine import PartyEntry, Query, Screener
from fast_pipeline.screening.identifiers import parse_tax_id
from fast_pipeline.screening.names import make_name

CATEGORIES = ("listed_as_written", "tax_id_alone", "not_listed", "namesake_other_id", "near_miss_firm")
POSITIVE = frozenset({"listed_as_written", "tax_id_alone"})
# Legal forms as customer files spell them otherwise (whole words at the end of a name only).
_LEGAL = {"LTDA": "LIMITADA", "Ltda": "Limitada", "Co., Ltd.": "Company Limited", "CO., LTD.": "COMPANY LIMITED",
          "S.A.": "SA", "S/A": "S.A.", "EIRELI": "", "- ME": "ME", "ME": ""}  # fmt: skip
_SYLLABLES = ("ba", "ce", "di", "fo", "gu", "la", "me", "ni", "po", "ru", "sa", "te", "vi", "xo", "zu", "ran", "tel")


@dataclass(frozen=True)
class Labelled:
    category: str
    query: Query
    expected: str | None  # party_id, or None: must match nothing
    # parties that are not wrong to match either: homonyms of the expected party (the same name, so a name
    # alone cannot tell them apart), branches of its CNPJ root, and for a namesake, same-named parties that
    # have no identifier of the query's scheme
    acceptable: frozenset[str] = frozenset()


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4))).upper()


def _random_cpf(rng: random.Random) -> str:
    while True:  # python-stdnum validates CPFs but keeps their check-digit function private
        value = f"{rng.randrange(10**10, 10**11):011d}"
        if cpf.is_valid(value):
            return value


def _random_cnpj(rng: random.Random) -> str:
    base = f"{rng.randrange(10**7, 10**8):08d}0001"
    return base + cnpj.calc_check_digits(base)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :] if rng.random() < 0.5 else word[:i] + word[i + 1 :]


def _as_written(party: PartyEntry, rng: random.Random) -> str:
    _label, name = rng.choice(party.names)
    text = name.original
    style = rng.randrange(5)
    if party.kind == "person" and style < 2 and len(text.split()) >= 2:
        words = text.split()
        return f"{words[-1]}, {' '.join(words[:-1])}"
    if style == 2:
        for a, b in _LEGAL.items():
            if text.endswith(" " + a):
                return (text[: -len(a)] + b).strip()
        return text.title()
    if style == 3:
        words = text.split()
        long = [i for i, w in enumerate(words) if len(w) >= 8 and w.isalpha()]
        if long:
            i = rng.choice(long)
            words[i] = _typo(words[i], rng)
            return " ".join(words)
    return fold(text) if rng.random() < 0.5 else text.lower()


def _punctuated(value: str, scheme: str) -> str:
    return cnpj.format(value) if scheme == "BR-CNPJ" else cpf.format(value)


def labelled_queries(screener: Screener, per_category: int = 300, seed: int = 11) -> list[Labelled]:
    rng = random.Random(seed)
    parties = sorted(screener.parties, key=lambda p: p.party_id)
    listed_keys = {n.sorted_key for p in parties for _, n in p.names}
    out: list[Labelled] = []
    n = 0

    def qid() -> str:
        nonlocal n
        n += 1
        return f"q{n}"

    for party in rng.sample(parties, min(per_category, len(parties))):
        country = party.country if party.country and rng.random() < 0.5 else None
        out.append(
            Labelled(
                "listed_as_written", Query(qid(), _as_written(party, rng), country=country, kind=None), party.party_id
            )
        )
    with_ids = [p for p in parties if any(t.scheme in ("BR-CNPJ", "BR-CPF") for t in p.tax_ids)]
    for party in rng.sample(with_ids, min(per_category, len(with_ids))):
        tax = next(t for t in sorted(party.tax_ids, key=lambda t: t.value) if t.scheme in ("BR-CNPJ", "BR-CPF"))
        text = _punctuated(tax.value, tax.scheme) if rng.random() < 0.5 else tax.value
        out.append(Labelled("tax_id_alone", Query(qid(), None, tax_id=parse_tax_id(text)), party.party_id))
    common = sorted(
        (t for t in screener.weights.counts if screener.weights.is_common(t) and t.isalpha() and len(t) > 3),
        key=lambda t: -screener.weights.counts[t],
    )[:40]
    persons = [p for p in parties if p.kind == "person" and len(p.names[0][1].tokens) >= 2]
    made = 0
    while made < per_category:
        if made % 2 == 0 and common:
            name = f"{' '.join(rng.sample(common, 2)).upper()} {_pseudo_word(rng)} LTDA"
        else:
            a, b = rng.sample(persons, 2)
            name = f"{a.names[0][1].original.split()[0]} {_pseudo_word(rng)} {b.names[0][1].original.split()[-1]}"
        made_query = Query(qid(), name, country="BR" if rng.random() < 0.5 else None)
        if " ".join(sorted(fold(name).split())) in listed_keys:
            continue
        out.append(Labelled("not_listed", made_query, None))
        made += 1
    with_cpf = [p for p in persons if any(t.scheme == "BR-CPF" for t in p.tax_ids)]
    for party in rng.sample(with_cpf, min(per_category, len(with_cpf))):
        other = _random_cpf(rng)
        out.append(
            Labelled(
                "namesake_other_id", Query(qid(), party.party_name, tax_id=parse_tax_id(other), country="BR"), None
            )
        )
    firms = [
        p for p in parties
        if p.kind == "company" and len(p.names[0][1].tokens) >= 2 and any(t.scheme == "BR-CNPJ" for t in p.tax_ids)
    ]  # fmt: skip
    for party in rng.sample(firms, min(per_category, len(firms))):
        words = party.party_name.split()
        scored = [
            (screener.weights.weight(fold(w).replace(" ", "")), i)
            for i, w in enumerate(words)
            if fold(w).isalpha() and len(w) > 2
        ]
        if not scored:
            continue
        _, i = max(scored)
        words[i] = _pseudo_word(rng)
        out.append(
            Labelled(
                "near_miss_firm",
                Query(qid(), " ".join(words), tax_id=parse_tax_id(_random_cnpj(rng)), country="BR"),
                None,
            )
        )
    return [_with_acceptable(item, screener) for item in out]


def _with_acceptable(item: Labelled, screener: Screener) -> Labelled:
    parties = {p.party_id: p for p in screener.parties}
    ok: set[str] = {item.expected} if item.expected else set()
    query = item.query
    if item.expected:
        keys = {n.sorted_key for _, n in parties[item.expected].names}
        ok |= {p.party_id for p in screener.parties if keys & {n.sorted_key for _, n in p.names}}
    if query.tax_id is not None and query.tax_id.cnpj_root and item.expected:
        ok |= {p.party_id for p in screener.parties if any(t.cnpj_root == query.tax_id.cnpj_root for t in p.tax_ids)}
    if item.category == "namesake_other_id":
        name = make_name(query.name)
        ok |= {
            p.party_id for p in screener.parties
            if any(n.sorted_key == name.sorted_key for _, n in p.names)
            and not any(t.scheme == query.tax_id.scheme for t in p.tax_ids)
        }  # fmt: skip
    return Labelled(item.category, item.query, item.expected, frozenset(ok))
