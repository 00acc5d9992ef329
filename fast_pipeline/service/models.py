"""The service's request and response shapes: the OpenAPI document is built from them, so it is the contract
(the schemathesis test checks every answer against it). Answers are rendered straight from dicts by orjson;
these models describe them, they are not run on every response."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from fast_pipeline.service import yente

_SCHEMATA = {"enum": list(yente.QUERY_SCHEMATA)}


class EntityQuery(BaseModel):
    model_config = ConfigDict(extra="allow")
    # a plain string, so that an unknown schema gets a 400 naming the known ones; the document lists them
    schema_: str = Field(alias="schema", description="FollowTheMoney schema", json_schema_extra=_SCHEMATA)
    properties: dict[str, list[str] | str] = Field(default_factory=dict)


class MatchRequest(BaseModel):
    queries: dict[str, EntityQuery] = Field(description="queries keyed by the client's own IDs")


class ErrorBody(BaseModel):
    detail: str = Field(description="what was wrong with the request")


class Answer(BaseModel):
    """A response shape: it names every field, so the document says exactly what an answer holds."""

    model_config = ConfigDict(extra="forbid")


class Explanation(Answer):
    score: float | None
    reasons: list[str]


class ScoredEntity(Answer):
    """A FollowTheMoney entity with yente's match fields."""

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str]
    target: bool
    score: float
    match: bool = Field(description="score at or above the threshold, and no conflicting identifier")
    features: dict[str, float]
    explanations: dict[str, Explanation] = Field(description="per feature, the engine's reasons")


class Total(Answer):
    value: int
    relation: str


class QueryEcho(Answer):
    id: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]


class QueryResponse(Answer):
    status: int
    results: list[ScoredEntity]
    total: Total
    query: QueryEcho


class MatchResponse(Answer):
    responses: dict[str, QueryResponse]
    limit: int
    release: str


class SearchResponse(Answer):
    total: Total
    limit: int
    results: list[ScoredEntity]
    release: str


class Health(Answer):
    status: str
    release: str


class ServedRelease(Answer):
    version: str
    path: str
    checksums_sha256: str
    loaded_at: str
    parties: int
    datasets: list[str]


class Provenance(Answer):
    source_url: str | None
    source_sha256: str | None
    locator: str | None


class ActionVersion(Answer):
    version: int
    valid_from_edition: str
    valid_from_date: str | None
    valid_to_edition: str | None
    valid_to_date: str | None
    opened_by: str
    closed_by: str | None


class ActionChange(Answer):
    edition: str
    change: str
    field: str | None
    old_value: str | None
    new_value: str | None


class Action(Answer):
    action_id: str
    source_id: str
    action_type: str
    status: str
    in_force: bool
    authority: str | None
    legal_basis: str | None
    goods: str | None
    listed_date: str | None
    ended_date: str | None
    first_seen_edition: str | None
    last_seen_edition: str | None
    removed_in_edition: str | None
    removed_date: str | None
    provenance: Provenance
    history: list[ActionVersion]
    changes: list[ActionChange]


class Entity(Answer):
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    release: str
    actions: list[Action]
    superseded_ids: list[str] = Field(description="earlier IDs of this party that now redirect here")
