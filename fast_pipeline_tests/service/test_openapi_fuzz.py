"""Schema-driven fuzzing of the real service from its own /openapi.json (schemathesis): every operation gets
generated requests, valid and invalid; none may answer 500, and every answer must conform to the document
(status code, content type, body schema). A bounded, derandomized example budget keeps it to seconds.

schemathesis's pytest fixture loader (`schemathesis.pytest.from_fixture`) does not run on pytest 9 (it sets a
node attribute pytest removed), so this drives its Python API: one Hypothesis test per operation and mode.
"""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from fast_pipeline_tests.conftest import examples

# Operations whose inputs can be made invalid get invalid requests too (a party ID is any string).
WITH_INPUTS = ("POST /match/{dataset}", "GET /search", "POST /screen")
OPERATIONS = ("GET /healthz", "GET /-/release", "GET /entities/{party_id}", *WITH_INPUTS)
# A schema-valid request may still be refused with 400 or 413 for what the document cannot say: a CPF's check
# digits, a query with neither a name nor an identifier, an upload that is not a CSV, more than 100 queries.
CONFIG = {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", "400", "404", "413"]}}}


@pytest.fixture(scope="module")
def operations(service) -> dict:
    config = schemathesis.Config.from_dict(CONFIG)
    api = schemathesis.openapi.from_url(service.url + "/openapi.json", config=config)
    return {f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in api.get_all_operations())}


def test_the_document_lists_every_operation(operations):
    assert set(operations) == set(OPERATIONS)


CASES = [(name, GenerationMode.POSITIVE) for name in OPERATIONS] + [
    (name, GenerationMode.NEGATIVE) for name in WITH_INPUTS
]


@pytest.mark.parametrize(("name", "mode"), CASES, ids=[f"{n} {m.value}" for n, m in CASES])
def test_no_server_error_and_responses_conform(operations, service, name, mode):
    @given(case=operations[name].as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples(25),
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case):
        case.call_and_validate(base_url=service.url)

    fuzz()


def test_real_answers_conform_to_the_document(operations, service):
    """Generated requests rarely hit a listed party; these do: a party with history, its match and search."""
    history = pq.read_table(service.built / "action_history.parquet").to_pylist()
    changed = {h["action_id"] for h in history if h["closed_by"] == "changed"}
    parties = pq.read_table(service.built / "parties.parquet").to_pylist()
    changing = next(p for p in parties if changed & set(p["action_ids"] or []))
    entity = service.get(f"/entities/{changing['party_id']}")
    aliased = next(p for p in parties if p["aliases"])
    firm = next(p for p in parties if p["identifiers"] and p["party_kind"] == "company")
    queries = {
        "a": {"schema": "Company", "properties": {"name": [aliased["party_name"]], "alias": aliased["aliases"]}},
        "b": {"schema": "Company", "properties": {"name": [firm["party_name"]], "taxNumber": [firm["identifiers"][0]["value"]]}},
    }  # fmt: skip
    matched = service.post("/match/default", json={"queries": queries})
    found = service.get("/search", params={"q": aliased["party_name"]})
    assert entity.json()["actions"] and found.json()["results"]
    assert all(r["results"][0]["match"] for r in matched.json()["responses"].values())
    for name, response in (
        ("GET /entities/{party_id}", entity),
        ("POST /match/{dataset}", matched),
        ("GET /search", found),
        ("GET /-/release", service.get("/-/release")),
        ("GET /healthz", service.get("/healthz")),
    ):
        operations[name].validate_response(response)
