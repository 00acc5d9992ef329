"""The service over HTTP, on the real release: yente-shaped matching, search, party pages, redirects, every
4xx case, the API key, and a release switch while requests are running."""

from __future__ import annotations

import threading
from collections import Counter

import pyarrow.parquet as pq
import pytest
from stdnum.br import cpf

from fast_pipeline.cli import main


@pytest.fixture(scope="module")
def parties(service) -> list[dict]:
    return pq.read_table(service.built / "parties.parquet").to_pylist()


def _ids(row: dict, scheme: str) -> list[str]:
    return [i["value"] for i in row["identifiers"] or [] if i["scheme"] == scheme]


def _first(parties, test) -> dict:
    return next(p for p in parties if test(p))


def match(service, queries: dict, dataset: str = "default", **params):
    return service.post(f"/match/{dataset}", json={"queries": queries}, params=params)


def test_match_by_name_in_yente_shape(service, parties):
    party = _first(parties, lambda p: p["source_ids"] == ["us_dhs_uflpa"] and p["party_kind"] == "company")
    r = match(service, {"client-1": {"schema": "Company", "properties": {"name": [party["party_name"]]}}})
    assert r.status_code == 200, r.text
    response = r.json()["responses"]["client-1"]
    assert response["status"] == 200 and response["total"]["value"] >= 1
    top = response["results"][0]
    assert top["id"] == party["party_id"] and top["match"] is True and top["score"] >= 0.99
    assert top["caption"] == party["party_name"] and top["schema"] == "Company"
    assert top["datasets"] == ["us_dhs_uflpa"] and party["party_name"] in top["properties"]["name"]
    assert "name_similarity" in top["features"]
    assert "equal" in " ".join(top["explanations"]["name_similarity"]["reasons"])


def test_match_by_cnpj_alone(service, parties):
    party = _first(parties, lambda p: _ids(p, "BR-CNPJ"))
    number = _ids(party, "BR-CNPJ")[0]
    formatted = f"{number[:2]}.{number[2:5]}.{number[5:8]}/{number[8:12]}-{number[12:]}"
    r = match(service, {"q": {"schema": "LegalEntity", "properties": {"taxNumber": [formatted]}}})
    top = r.json()["responses"]["q"]["results"][0]
    assert top["id"] == party["party_id"] and top["score"] == 1.0 and top["match"] is True
    assert top["features"]["identifier_match"] == 1.0
    assert number in top["properties"]["taxNumber"]


def test_match_by_alias(service, parties):
    party = _first(parties, lambda p: p["aliases"] and p["source_ids"] == ["us_dhs_uflpa"])
    alias = party["aliases"][0]
    r = match(service, {"a": {"schema": "Company", "properties": {"name": ["Unrelated Words Ltd"], "alias": [alias]}}})
    results = r.json()["responses"]["a"]["results"]
    assert results[0]["id"] == party["party_id"] and results[0]["match"] is True
    assert "alias" in " ".join(results[0]["explanations"]["name_similarity"]["reasons"])


def test_namesake_with_another_cpf_does_not_match(service, parties):
    party = _first(parties, lambda p: _ids(p, "BR-CPF") and p["party_kind"] == "person")
    listed = _ids(party, "BR-CPF")[0]
    other = next(
        c for c in (f"{b:09d}" + cpf._calc_check_digits(f"{b:09d}") for b in range(123456789, 10**9)) if c != listed
    )
    props = {"name": [party["party_name"]], "taxNumber": [other], "country": ["br"]}
    results = match(service, {"p": {"schema": "Person", "properties": props}}).json()["responses"]["p"]["results"]
    same = [x for x in results if x["id"] == party["party_id"]]
    assert same, "the namesake is shown"
    assert same[0]["match"] is False and same[0]["features"]["identifier_conflict"] == 1.0
    assert not any(x["match"] for x in results)
    # the same name with the listed CPF does match
    props["taxNumber"] = [listed]
    top = match(service, {"p": {"schema": "Person", "properties": props}}).json()["responses"]["p"]["results"][0]
    assert top["id"] == party["party_id"] and top["match"] is True


def test_a_batch_answers_every_query_by_its_own_id(service, parties):
    """More queries than are screened on the event loop: the thread-pool path answers the same way."""
    names = Counter(p["party_name"] for p in parties)
    firms = [
        p for p in parties
        if p["source_ids"] == ["us_dhs_uflpa"] and p["party_kind"] == "company" and names[p["party_name"]] == 1
    ][:20]  # fmt: skip
    assert len(firms) == 20
    queries = {
        f"client-{i}": {"schema": "Company", "properties": {"name": [p["party_name"]]}} for i, p in enumerate(firms)
    }
    r = match(service, queries)
    assert r.status_code == 200, r.text
    responses = r.json()["responses"]
    assert list(responses) == list(queries)
    assert [responses[f"client-{i}"]["results"][0]["id"] for i in range(len(firms))] == [p["party_id"] for p in firms]


def test_dataset_restricts_results(service, parties):
    party = _first(parties, lambda p: p["source_ids"] == ["us_dhs_uflpa"])
    q = {"q": {"schema": "Company", "properties": {"name": [party["party_name"]]}}}
    assert match(service, q, "us_dhs_uflpa").json()["responses"]["q"]["results"][0]["id"] == party["party_id"]
    other = match(service, q, "br_mte_lista_suja").json()["responses"]["q"]["results"]
    assert all(party["party_id"] != x["id"] and "br_mte_lista_suja" in x["datasets"] for x in other)


def test_threshold_and_limit_apply(service, parties):
    party = _first(parties, lambda p: _ids(p, "BR-CNPJ"))
    q = {"q": {"schema": "Company", "properties": {"name": [party["party_name"]]}}}
    body = match(service, q, threshold=1.0, limit=1).json()
    assert body["limit"] == 1 and len(body["responses"]["q"]["results"]) == 1
    assert match(service, q, algorithm="best").status_code == 200


def test_search_by_name_alias_and_identifier(service, parties):
    party = _first(parties, lambda p: p["aliases"] and p["source_ids"] == ["us_dhs_uflpa"])
    for q in (party["party_name"], party["aliases"][0]):
        body = service.get("/search", params={"q": q}).json()
        assert body["results"][0]["id"] == party["party_id"], q
    br = _first(parties, lambda p: _ids(p, "BR-CNPJ"))
    body = service.get("/search", params={"q": _ids(br, "BR-CNPJ")[0]}).json()
    assert body["results"][0]["id"] == br["party_id"]
    by_schema = service.get("/search", params={"q": br["party_name"], "schema": "Person"}).json()["results"]
    assert br["party_id"] not in {x["id"] for x in by_schema} and all(x["schema"] == "Person" for x in by_schema)
    in_br = service.get("/search", params={"q": br["party_name"], "countries": "BR"}).json()["results"]
    assert in_br[0]["id"] == br["party_id"] and all("br" in x["properties"]["country"] for x in in_br)
    in_cn = service.get("/search", params={"q": br["party_name"], "countries": "CN,US"}).json()["results"]
    assert br["party_id"] not in {x["id"] for x in in_cn}


def test_entity_with_history_and_provenance(service, parties):
    history = pq.read_table(service.built / "action_history.parquet").to_pylist()
    changed = {h["action_id"] for h in history if h["closed_by"] == "changed"}
    party = _first(parties, lambda p: changed & set(p["action_ids"] or []))
    r = service.get(f"/entities/{party['party_id']}")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == party["party_id"] and body["caption"] == party["party_name"]
    action = next(a for a in body["actions"] if a["action_id"] in changed)
    assert len(action["history"]) >= 2 and action["history"][0]["closed_by"] == "changed"
    assert [v["version"] for v in action["history"]] == sorted(v["version"] for v in action["history"])
    assert action["changes"] and action["provenance"]["source_sha256"]
    assert action["provenance"]["source_url"] or action["provenance"]["locator"]


def test_superseded_id_redirects_to_the_absorbing_party(service, parties):
    redirects = pq.read_table(service.built / "party_redirects.parquet").to_pylist()
    known = {p["party_id"] for p in parties}
    row = next(r for r in redirects if r["old_party_id"] not in known and r["party_id"] in known)
    r = service.get(f"/entities/{row['old_party_id']}", allow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == f"/entities/{row['party_id']}"
    followed = service.get(f"/entities/{row['old_party_id']}")
    assert followed.status_code == 200 and followed.json()["id"] == row["party_id"]
    assert row["old_party_id"] in followed.json()["superseded_ids"]


def test_health_release_and_docs(service):
    assert service.get("/healthz").json()["status"] == "ok"
    release = service.get("/-/release").json()
    assert release["version"] and release["parties"] > 1000 and "br_mte_lista_suja" in release["datasets"]
    assert service.get("/docs").status_code == 200
    assert "/match/{dataset}" in service.get("/openapi.json").json()["paths"]


def _error(r, status: int, *words: str) -> str:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    detail = r.json()["detail"]
    for word in words:
        assert word in detail, detail
    return detail


NAME_QUERY = {"q": {"schema": "Company", "properties": {"name": ["Acme"]}}}


def test_every_client_error_is_4xx_json_saying_what_was_wrong(service):
    _error(match(service, NAME_QUERY, algorithm="logic-v9"), 400, "logic-v9", "fast-v1", "best")
    _error(match(service, NAME_QUERY, "no_such_list"), 404, "no_such_list", "default", "br_mte_lista_suja")
    _error(match(service, {"q": {"schema": "Spaceship", "properties": {"name": ["X"]}}}), 400, "Spaceship", "Person")
    _error(match(service, {"q": {"schema": "Person", "properties": {"taxNumber": ["123.456.789-00"]}}}), 400, "CPF")
    _error(match(service, {"q": {"schema": "Person", "properties": {}}}), 400, "neither a name")
    _error(service.post("/match/default", data=b"{not json", headers={"content-type": "application/json"}), 422, "JSON")
    _error(service.post("/match/default", json={"no": "queries"}), 422, "queries")
    _error(match(service, NAME_QUERY, limit=1000), 422, "limit")
    _error(match(service, NAME_QUERY, threshold=2), 422, "threshold")
    many = {f"q{i}": {"schema": "Company", "properties": {"name": ["Acme"]}} for i in range(101)}
    _error(match(service, many), 413, "101 queries", "100")
    big = {"q": {"schema": "Company", "properties": {"name": ["x" * (2 << 20)]}}}
    _error(match(service, big), 413, "bytes")
    chunks = (b'{"queries": {"q": {"schema": "Company", "properties": {"name": ["' + b"x" * 4096 for _ in range(300))
    chunked = service.post("/match/default", data=chunks, headers={"content-type": "application/json"})
    _error(chunked, 413, "bytes")  # no Content-Length: counted as it arrives
    _error(service.get("/search"), 422, "q")
    _error(service.get("/search", params={"q": "acme", "schema": "Spaceship"}), 400, "Spaceship")
    _error(service.get("/search", params={"q": "acme", "countries": "BR,Atlantis"}), 400, "Atlantis")  # not 0 hits
    _error(service.get("/search", params={"q": "acme", "countries": ""}), 422, "countries")
    _error(service.get("/entities/pty-0000000000000000"), 404, "pty-0000000000000000")
    _error(service.post("/screen", files={"file": ("list.pdf", b"%PDF", "application/pdf")}), 400, "CSV")


def test_upload_screens_a_csv_and_caps_rows(service, parties):
    party = _first(parties, lambda p: _ids(p, "BR-CNPJ"))
    csv = f"id,name,cnpj\n1,{party['party_name']},{_ids(party, 'BR-CNPJ')[0]}\n2,Nobody Listed Ltda,\n"
    r = service.post("/screen", files={"file": ("clients.csv", csv.encode(), "text/csv")})
    assert r.status_code == 200, r.text
    assert "clients.screened.csv" in r.headers["content-disposition"]
    assert party["party_id"] in r.text
    rows = "id,name\n" + "".join(f"{i},Name {i}\n" for i in range(10_001))
    _error(service.post("/screen", files={"file": ("big.csv", rows.encode(), "text/csv")}), 413, "10001 rows")


def test_api_key_required_when_set(keyed_service):
    _error(keyed_service.get("/healthz"), 401, "API key")
    _error(keyed_service.get("/healthz", headers={"Authorization": "ApiKey wrong"}), 401, "API key")
    assert keyed_service.get("/healthz", headers={"Authorization": "ApiKey s3cret-key"}).status_code == 200
    assert keyed_service.get("/healthz", headers={"X-API-Key": "s3cret-key"}).status_code == 200


def test_non_loopback_host_refuses_to_start_without_a_key(monkeypatch, capsys):
    monkeypatch.delenv("FAST_API_KEY", raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "FAST_API_KEY" in err[0] and "0.0.0.0" in err[0]


def test_release_switch_while_requests_run(service, parties):
    party = _first(parties, lambda p: p["source_ids"] == ["us_dhs_uflpa"])
    query = {"q": {"schema": "Company", "properties": {"name": [party["party_name"]]}}}
    before = service.get("/-/release").json()["version"]
    newer = before + ".2" if before.count(".") == 2 else before[: before.rindex(".")] + ".9"
    stop = threading.Event()
    outcomes: Counter = Counter()
    seen: set[str] = set()
    lock = threading.Lock()

    def fire():
        while not stop.is_set():
            try:
                r = match(service, query)
                ok = r.status_code == 200 and r.json()["responses"]["q"]["results"][0]["id"] == party["party_id"]
                with lock:
                    outcomes["ok" if ok else f"bad {r.status_code}"] += 1
                    seen.add(r.json()["release"])
            except Exception as exc:  # a refused or dropped connection is a failed request too
                with lock:
                    outcomes[f"error {type(exc).__name__}"] += 1

    threads = [threading.Thread(target=fire) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        import time

        time.sleep(1.0)
        service.publish(newer)
        deadline = time.monotonic() + 30
        while service.get("/-/release").json()["version"] != newer and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert service.get("/-/release").json()["version"] == newer
    assert set(outcomes) == {"ok"}, outcomes
    assert outcomes["ok"] > 10 and seen == {before, newer}, (outcomes, seen)
