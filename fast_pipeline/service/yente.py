"""yente's `/match` protocol over the screening engine: FollowTheMoney queries in, scored entities out.

A query is `{"schema": "Company", "properties": {"name": [...], "alias": [...], "country": [...],
"taxNumber": [...], ...}}`; each name and alias is screened and a party keeps its best score. A result is an
FtM entity (id, caption, schema, properties, datasets) with `score`, `match` (score >= threshold and no
identifier conflict), `features` (feature -> score) and `explanations` (feature -> the engine's reasons).
"""

from __future__ import annotations

from fast_pipeline.release.ftm import SCHEMATA, _identifier_property
from fast_pipeline.screening.counterparties import country_code
from fast_pipeline.screening.engine import Hit, PartyEntry, Query, Screener
from fast_pipeline.screening.identifiers import InvalidTaxId, parse_tax_id

ALGORITHMS = ("fast-v1", "best")  # ours, and yente's alias for "the best the server has"
DEFAULT_ALGORITHM = "fast-v1"
# FtM schema of a query -> the party kind it must be (None: any kind)
QUERY_SCHEMATA = {
    "Thing": None,
    "LegalEntity": None,
    "Person": "person",
    "Company": "company",
    "Organization": "organisation",
    "PublicBody": "organisation",
    "Vessel": "vessel",
}
NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "firstName", "lastName")
COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "citizenship", "mainCountry")
ID_PROPS = ("taxNumber", "registrationNumber", "idNumber", "innCode", "ogrnCode", "leiCode", "vatCode")


class QueryError(ValueError):
    """A query the engine cannot screen; the message says which property and why."""


def _values(properties: dict, names: tuple[str, ...]) -> list[str]:
    out = []
    for prop in names:
        value = properties.get(prop) or []
        out.extend(str(v) for v in (value if isinstance(value, list) else [value]) if str(v).strip())
    return out


def engine_queries(query_id: str, schema: str, properties: dict) -> list[Query]:
    """One engine query per name or alias (or one by identifier alone), sharing country, kind and tax ID."""
    if schema not in QUERY_SCHEMATA:
        raise QueryError(f"unknown schema {schema!r} (known: {', '.join(QUERY_SCHEMATA)})")
    names = _values(properties, NAME_PROPS)
    if "firstName" in properties and "lastName" in properties and not _values(properties, ("name",)):
        names.insert(0, " ".join(_values(properties, ("firstName",)) + _values(properties, ("lastName",))))
    country = next((c for c in map(country_code, _values(properties, COUNTRY_PROPS)) if c), None)
    tax_id = None
    for raw in _values(properties, ID_PROPS):
        try:
            tax_id = parse_tax_id(raw)
        except InvalidTaxId as exc:
            raise QueryError(str(exc)) from None
        if tax_id is not None:
            break
    if not names and tax_id is None:
        raise QueryError("the query has neither a name nor an identifier")
    kind = QUERY_SCHEMATA[schema]
    return [Query(query_id, name=n, country=country, tax_id=tax_id, kind=kind) for n in names or [None]]


def best_hits(screener: Screener, queries: list[Query], datasets: frozenset[str] | None) -> list[Hit]:
    """Each party's best hit over the query's names, best first, restricted to the datasets (None: all)."""
    best: dict[str, Hit] = {}
    for hits in screener.screen(queries):
        for hit in hits:
            if datasets is not None and not datasets.intersection(hit.party.source_ids):
                continue
            if hit.party_id not in best or hit.score > best[hit.party_id].score:
                best[hit.party_id] = hit
    return sorted(best.values(), key=lambda h: (-h.score, h.party_id))


def entity_properties(party: PartyEntry | dict, schema: str) -> dict[str, list[str]]:
    row = party if isinstance(party, dict) else None
    if row is None:
        names = {"name": [party.party_name]}
        for label, name in party.names:
            if label != "name":
                names.setdefault("alias" if label == "alias" else "previousName", []).append(name.original)
        props = {k: sorted(set(v)) for k, v in names.items()}
        countries = sorted(party.countries)
        ids = [(t.scheme, t.value) for t in party.tax_ids]
    else:
        props = {"name": [row["party_name"]]}
        for key, prop in (("aliases", "alias"), ("former_names", "previousName")):
            if row[key]:
                props[prop] = sorted(set(row[key]))
        countries = sorted({c for c in (row["countries"] or []) if c} | ({row["party_country"]} - {None}))
        ids = [(i["scheme"], i["value"]) for i in row["identifiers"] or []]
    if countries:
        props["country"] = [c.lower() for c in countries]
    for scheme, value in ids:
        prop = _identifier_property(scheme, schema)
        if prop:
            props.setdefault(prop, [])
            if value not in props[prop]:
                props[prop].append(value)
    return props


def schema_of(kind: str) -> str:
    return SCHEMATA.get(kind, "LegalEntity")


def _feature(reason: str) -> str:
    if reason.startswith(("identifier", "CNPJ root")):
        return "identifier_match"
    if reason.startswith("name similarity"):
        return "name_similarity"
    if reason.startswith("country"):
        return "country_match"
    if reason.startswith("kind"):
        return "schema_match"
    return "ranking"


def result(hit: Hit, threshold: float) -> dict:
    schema = schema_of(hit.party.kind)
    explanations: dict[str, list[str]] = {}
    for reason in hit.reasons:
        explanations.setdefault(_feature(reason), []).append(reason)
    features = {}
    if hit.name_score is not None:
        features["name_similarity"] = round(hit.name_score, 4)
    if hit.by_identifier:
        features["identifier_match"] = hit.score
    if hit.excluded_by_identifier:
        features["identifier_conflict"] = 1.0
    return {
        "id": hit.party_id,
        "caption": hit.party.party_name,
        "schema": schema,
        "properties": entity_properties(hit.party, schema),
        "datasets": list(hit.party.source_ids),
        "referents": [],
        "target": True,
        "score": hit.score,
        "match": hit.score >= threshold and not hit.excluded_by_identifier,
        "features": features,
        "explanations": {k: {"score": features.get(k), "reasons": v} for k, v in explanations.items()},
    }
