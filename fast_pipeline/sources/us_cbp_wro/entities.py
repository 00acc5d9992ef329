"""The CBP Entity cell -> parties of the right kind (company, organisation, vessel, region).

Cells seen in the published list: several co-targets ("Yili Zhuowan Garment Manufacturing Co., Ltd. and Baoding
LYSZD Trade and Business Co., Ltd."), a/k/a chains, "and its subsidiaries", vessels ("Fishing Vessel: Da Wang",
"the Da Wang"), regions ("Xinjiang Uyghur Autonomous Region") and empty cells (a country-wide order, e.g.
Turkmenistan cotton). Rules, in order:
- a line break separates two names when the line before ends with a legal form or a closing parenthesis and
  the next line starts a new capitalised name (otherwise it is just wrapping);
- "Fishing Vessel(s):", "Vessel:", "F/V", "M/V" introduce vessel names (split at commas, semicolons, "and")
  and end the name before them;
- in a row about fish or seafood, a name without a legal form that reads "the X" or ends "No. <n>" is a vessel;
- a name equal to the row's country, or a place name (`name_kind`), is a region; government bodies are
  organisations; everything else is a company.
The first party is the primary one; the others are co-targets. The raw cell is always kept beside them.
"""

from __future__ import annotations

import re

from fast_pipeline.core.entity_names import (
    NamedEntity,
    clean_cell,
    ends_with_legal_form,
    name_kind,
    parse_entity_chain,
    parse_qualified_name,
    split_top_level,
)
from fast_pipeline.core.errors import ParseError
from fast_pipeline.core.text import fold

_VESSEL_MARKER = re.compile(r"(?:(?:the\s+)?(?:fishing\s+)?vessels?\s*:|[fm]/v\b\.?)\s*", re.I)
_FISHING = re.compile(r"\b(?:fish\w*|seafood|tuna|shrimp|squid|vessels?)\b", re.I)
_VESSEL_SHAPE = re.compile(r"^the\s+\S|\bNo\.?\s*\d+$", re.I)
_BEFORE_VESSEL_MARKER = re.compile(
    r"\s*(?:[,;]\s*(?:and\s+)?|\s+and\s+)(?=(?:the\s+)?(?:fishing\s+)?vessels?\s*:)", re.I
)
_NEW_LINE_NAME = re.compile(r"(?!and\b|or\b|a/k/a|f/k/a|its\b)[A-Z0-9\"'(]|(?:fishing\s+)?vessels?\s*:", re.I)


def _join_lines(raw: str) -> str:
    """Multi-line cell -> one line, with '; ' where a line break separates two names."""
    lines = [ln.strip() for ln in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [ln for ln in lines if ln]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        before = out.rstrip(" ,")
        new_name = _NEW_LINE_NAME.match(line) and not line[0].islower()
        if (new_name and (ends_with_legal_form(before) or before.endswith(")"))) or _VESSEL_MARKER.match(line):
            out = f"{before}; {line}"
        else:
            out = f"{out} {line}"
    return out


def _party(entity: NamedEntity, kind: str, relation: str) -> dict:
    return {
        "name": entity.name,
        "kind": kind,
        "relation": relation,
        "aliases": list(entity.aliases),
        "former_names": list(entity.former_names),
        "scope": entity.scope,
        "subsidiaries": [
            {"name": s.name, "aliases": list(s.aliases), "former_names": list(s.former_names)}
            for s in entity.subsidiaries
        ],
    }


def _vessels(text: str) -> list[NamedEntity]:
    names = [p for p in split_top_level(text, r",\s*|;\s*|\s+and\s+") if p]
    if not names:
        raise ParseError(None, None, f"vessel marker without a vessel name in {text!r}")
    return [parse_qualified_name(n) for n in names]


def parse_entity_cell(raw: str | None, *, country: str | None, context: str) -> list[dict]:
    """Entity cell -> [{"name", "kind", "relation", "aliases", "former_names", "scope", "subsidiaries"}].

    `context` is the row's merchandise and industry (it tells a fishing row); an empty cell gives [].
    """
    text = clean_cell(_join_lines(raw)) if raw else None
    if text is None:
        return []
    text = _BEFORE_VESSEL_MARKER.sub("; ", text)
    fishing = bool(_FISHING.search(context or ""))
    country_key = fold(country) if country else None
    found: list[tuple[NamedEntity, str]] = []
    for segment in split_top_level(text, ";"):
        if not segment:
            continue
        marker = _VESSEL_MARKER.match(segment)
        if marker:
            found += [(v, "vessel") for v in _vessels(segment[marker.end() :])]
            continue
        for entity in parse_entity_chain(segment):
            if fishing and not ends_with_legal_form(entity.name) and _VESSEL_SHAPE.search(entity.name):
                name = re.sub(r"^the\s+", "", entity.name, flags=re.I)
                found.append((NamedEntity(name, entity.aliases, entity.former_names), "vessel"))
            elif country_key and fold(entity.name) == country_key:
                found.append((entity, "region"))
            else:
                found.append((entity, name_kind(entity.name)))
    return [_party(e, kind, "primary" if i == 0 else "co_target") for i, (e, kind) in enumerate(found)]
