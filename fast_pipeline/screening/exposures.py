"""Exposures: what the lists say about a counterparty's country and goods, whoever the counterparty is.

DOL's List of Goods (child or forced labour), the EO 13126 list and CBP's Withhold Release Orders and
Findings name a country and a good. A counterparty with a country gets every such finding on that country;
with goods as well (free text or an HS code), only those on its goods. Words are compared folded and
singular ("Cattle" / "cattle", "bricks" / "brick"), and Portuguese words for the goods are read in English
(`goods_pt.yml`: "gado" is cattle, "cana-de-açúcar" sugarcane); an HS code matches a finding's HS code by
prefix.

Each finding has a key, `source:country:good` ("us_dol_ilab:BR:cattle"), that the output's rows carry; the
finding's detail (labour, legal basis, dates, source file) is written once per run beside the output. A key
names what the finding is about, not what it says, so it stays the same when a later edition reclassifies
the labour; where one source has several findings on one country and good (CBP orders on two firms' cotton),
each key ends in its action_id.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

import yaml

from fast_pipeline.core.text import fold
from fast_pipeline.screening.history import History

EXPOSURE_SOURCES = frozenset({"us_dol_ilab", "us_dol_eo13126", "us_cbp_wro"})
_STOP = frozenset({"and", "or", "of", "de", "do", "da", "e", "the", "products", "produtos", "other"})


@dataclass(frozen=True)
class Exposure:
    key: str
    action_id: str
    source_id: str
    action_type: str
    country: str
    goods: str | None
    labour: str | None
    legal_basis: str | None
    listed_date: str | None
    effective_date: str | None
    ended_date: str | None
    source_url: str | None
    source_sha256: str | None

    def as_dict(self) -> dict:
        """Every field, as the exposures file beside the output lists it."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@cache
def _portuguese() -> tuple[re.Pattern, dict[str, str]]:
    """goods_pt.yml as (a pattern of its folded Portuguese words, longest first; each word's English)."""
    data = yaml.safe_load(files("fast_pipeline.screening").joinpath("goods_pt.yml").read_text(encoding="utf-8"))
    english: dict[str, list[str]] = defaultdict(list)
    for words, portuguese in data.items():
        for term in portuguese:
            english[fold(term)].append(fold(words))
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(english, key=len, reverse=True))) + r")\b")
    return pattern, {term: " ".join(words) for term, words in english.items()}


def in_english(goods: str) -> str:
    """A counterparty's goods, folded, with each Portuguese word for a listed good put in English."""
    pattern, english = _portuguese()
    return pattern.sub(lambda m: english[m.group()], fold(goods))


def _words(text: str | None) -> set[str]:
    out = set()
    for w in fold(text or "").split():
        if w in _STOP or len(w) < 3:
            continue
        out.add(w[:-3] + "y" if w.endswith("ies") else w[:-1] if w.endswith("s") and not w.endswith("ss") else w)
    return out


def _labour(action: dict) -> str | None:
    details = action.get("details")
    if isinstance(details, str):
        try:
            details = json.loads(details)
        except ValueError:
            details = None
    if not isinstance(details, dict):
        return None
    if details.get("exploitation"):
        return str(details["exploitation"])
    kinds = [
        label
        for key, label in (
            ("forced_labor", "forced labour"),
            ("child_labor", "child labour"),
            ("forced_child_labor", "forced child labour"),
        )
        if details.get(key)
    ]
    return ", ".join(kinds) or None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _keys(actions: list[tuple[str, dict]]) -> dict[str, str]:
    """action_id -> `source:country:good`, made unique with the action_id where a source repeats one."""
    base = {}
    for action_id, a in actions:
        good = "-".join(fold(a["goods"]).split()) or action_id
        base[action_id] = f"{a['source_id']}:{a['party_country']}:{good}"
    taken = Counter(base.values())
    return {i: k if taken[k] == 1 or k.endswith(i) else f"{k}:{i}" for i, k in base.items()}


class ExposureIndex:
    def __init__(self, history: History, as_of: date | None = None):
        self._by_country: dict[str, list[tuple[Exposure, set[str], str | None]]] = defaultdict(list)
        found = [
            (action_id, a)
            for action_id, a in history.actions.items()
            if a["source_id"] in EXPOSURE_SOURCES and a["party_country"] and history.in_force(action_id, as_of)
        ]
        keys = _keys(found)
        for action_id, a in found:
            exposure = Exposure(
                key=keys[action_id],
                action_id=action_id,
                source_id=a["source_id"],
                action_type=a["action_type"],
                country=a["party_country"],
                goods=a["goods"],
                labour=_labour(a),
                legal_basis=a["legal_basis"],
                listed_date=_iso(a["listed_date"]),
                effective_date=_iso(a["effective_date"]),
                ended_date=_iso(a["ended_date"]),
                source_url=a["source_url"],
                source_sha256=a["source_sha256"],
            )
            hs = a["sector_code"] if (a["sector_scheme"] or "").upper().startswith("HS") else None
            self._by_country[a["party_country"]].append((exposure, _words(a["goods"]), hs))
        for items in self._by_country.values():
            items.sort(key=lambda x: (x[0].source_id, x[0].goods or "", x[0].action_id))

    def exposures(self, country: str | None, goods: str | None = None) -> list[Exposure]:
        if not country:
            return []
        items = self._by_country.get(country, [])
        if not goods:
            return [e for e, _, _ in items]
        codes = re.findall(r"\d{4,10}", goods.replace(".", ""))
        words = _words(in_english(re.sub(r"\d", " ", goods)))
        out = []
        for exposure, action_words, hs in items:
            by_code = hs is not None and any(
                re.sub(r"\D", "", hs).startswith(c[:6]) or c.startswith(re.sub(r"\D", "", hs)) for c in codes
            )
            if by_code or (words & action_words):
                out.append(exposure)
        return out
