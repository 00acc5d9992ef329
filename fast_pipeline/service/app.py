"""The FastAPI app: routes, limits, the API key, and errors as 4xx JSON that say what was wrong.

Every request takes `holder.current` once, so it is answered from one release even while a switch happens.
"""

from __future__ import annotations

import hmac
import json
import tempfile
from functools import partial
from pathlib import Path
from typing import Annotated

import orjson
from fastapi import FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import Field
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from fast_pipeline.screening.engine import DEFAULT_THRESHOLD
from fast_pipeline.screening.engine import Query as EngineQuery
from fast_pipeline.service import yente
from fast_pipeline.service.models import (
    Entity,
    EntityQuery,
    ErrorBody,
    Health,
    MatchRequest,
    MatchResponse,
    SearchResponse,
    ServedRelease,
)
from fast_pipeline.service.releases import ReleaseHolder, Served

MAX_BODY_BYTES = 1 << 20  # a JSON request body
MAX_BATCH = 100  # queries in one /match request
MAX_LIMIT = 100
DEFAULT_LIMIT = 5
MAX_UPLOAD_BYTES = 5 << 20
MAX_UPLOAD_ROWS = 10_000
STATIC = Path(__file__).with_name("static")
# A request with up to this many queries is screened on the event loop (a few ms at most): no hop to the
# thread pool, whose threads would only take turns at the GIL. Larger batches go to the pool so that they do
# not hold up the small requests behind them.
INLINE_QUERIES = 8


class FastJSON(JSONResponse):
    """JSON rendered by orjson, straight from the route's dict (FastAPI's encoder walks it again first)."""

    def render(self, content) -> bytes:
        return orjson.dumps(content)


def _errors(*codes: int) -> dict:
    """The error answers a route documents (every 4xx body is an `ErrorBody`; 422 replaces FastAPI's own)."""
    why = {
        400: "a value the engine cannot use (unknown algorithm or schema, invalid tax ID, a query with no name)",
        404: "no such dataset or party",
        413: "body, batch, upload or rows over their caps",
        422: "the request does not match this document",
    }
    return {code: {"model": ErrorBody, "description": why[code]} for code in codes}


class BodyLimit:
    """ASGI middleware: a request body over the cap gets a 413 before it is read whole (uploads have their own,
    larger cap)."""

    def __init__(self, app, max_bytes: int, upload_bytes: int):
        self.app, self.max_bytes, self.upload_bytes = app, max_bytes, upload_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cap = self.upload_bytes if scope["path"] == "/screen" else self.max_bytes
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > cap:
            return await _send_error(send, 413, f"request body over {cap} bytes")
        seen, answered = 0, False

        async def guarded_send(message):
            if not answered:
                await send(message)

        async def limited():  # a body without Content-Length (chunked) is counted as it arrives
            nonlocal seen, answered
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap and not answered:
                    answered = True
                    await _send_error(send, 413, f"request body over {cap} bytes")
                    return {"type": "http.disconnect"}
            return message

        try:
            await self.app(scope, limited, guarded_send)
        except Exception:
            if not answered:
                raise


class ApiKey:
    """ASGI middleware: every request must carry the key (`Authorization: ApiKey KEY`, yente's form, or
    `X-API-Key: KEY`)."""

    def __init__(self, app, key: str):
        self.app, self.key = app, key.encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-api-key") or b""
        auth = headers.get(b"authorization", b"")
        if auth.lower().startswith((b"apikey ", b"bearer ")):
            given = auth.split(b" ", 1)[1].strip()
        if not hmac.compare_digest(given, self.key):
            return await _send_error(send, 401, "an API key is required (Authorization: ApiKey KEY)")
        await self.app(scope, receive, send)


async def _send_error(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _datasets(served: Served, dataset: str) -> frozenset[str] | None:
    if dataset == "default":
        return None
    if dataset not in served.source_ids:
        known = ", ".join(["default", *sorted(served.source_ids)])
        raise HTTPException(404, f"unknown dataset {dataset!r} (known: {known})")
    return frozenset({dataset})


def create_app(holder: ReleaseHolder, api_key: str | None = None) -> FastAPI:
    app = FastAPI(
        title="fast-pipeline screening service",
        description="Forced-labour lists: yente-compatible matching, search and party history.",
        version="1",
    )

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors()
        ]  # e.g. "body: JSON decode error", "query.limit: Input should be less than or equal to 100"
        return JSONResponse({"detail": "; ".join(problems) or "invalid request"}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.get("/healthz", response_model=Health)
    async def healthz() -> dict:
        return {"status": "ok", "release": holder.current.version}

    @app.get("/-/release", response_model=ServedRelease)
    async def served_release() -> dict:
        served = holder.current
        return {
            "version": served.version,
            "path": str(served.release.path),
            "checksums_sha256": served.release.checksums_sha256,
            "loaded_at": served.loaded_at,
            "parties": len(served.parties),
            "datasets": sorted(served.source_ids),
        }

    @app.post(
        "/match/{dataset}", response_model=MatchResponse, response_class=FastJSON, responses=_errors(400, 404, 413, 422)
    )
    async def match(
        dataset: str,
        body: MatchRequest,
        threshold: Annotated[float, Query(gt=0, le=1)] = DEFAULT_THRESHOLD,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
        algorithm: str = yente.DEFAULT_ALGORITHM,
    ) -> FastJSON:
        """Screen each query (yente's request and response shapes)."""
        if algorithm not in yente.ALGORITHMS:
            raise HTTPException(400, f"unknown algorithm {algorithm!r} (known: {', '.join(yente.ALGORITHMS)})")
        if len(body.queries) > MAX_BATCH:
            raise HTTPException(413, f"{len(body.queries)} queries in one request (at most {MAX_BATCH})")
        served = holder.current
        datasets = _datasets(served, dataset)
        screen = partial(_match_responses, served, body.queries, datasets, threshold, limit)
        responses = screen() if len(body.queries) <= INLINE_QUERIES else await run_in_threadpool(screen)
        return FastJSON({"responses": responses, "limit": limit, "release": served.version})

    @app.get("/search", response_model=SearchResponse, response_class=FastJSON, responses=_errors(400, 422))
    async def search(  # one engine query: on the event loop, like a small /match
        q: Annotated[str, Query(min_length=1, max_length=300)],
        schema: Annotated[str | None, Query(json_schema_extra={"enum": list(yente.QUERY_SCHEMATA)})] = None,
        countries: Annotated[
            list[Annotated[str, Field(min_length=1)]] | None,
            Query(description="ISO 3166 codes, repeated or comma-separated"),
        ] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    ) -> FastJSON:
        """Names, aliases and identifiers: the engine's blocking and scores, reported from its floor up."""
        served = holder.current
        kind = None
        if schema is not None:
            if schema not in yente.QUERY_SCHEMATA:
                raise HTTPException(400, f"unknown schema {schema!r} (known: {', '.join(yente.QUERY_SCHEMATA)})")
            kind = yente.QUERY_SCHEMATA[schema]
        wanted = _country_codes(countries or [])
        try:
            tax_id = yente.parse_tax_id(q)
        except yente.InvalidTaxId:
            tax_id = None
        query = EngineQuery("search", name=q, tax_id=tax_id if tax_id and tax_id.scheme != "OTHER" else None)
        hits = yente.best_hits(served.screener, [query], None)
        hits = [h for h in hits if (kind is None or h.party.kind == kind) and not h.excluded_by_identifier]
        if wanted:
            hits = [h for h in hits if wanted & h.party.countries]
        return FastJSON(
            {
                "total": {"value": len(hits), "relation": "eq"},
                "limit": limit,
                "results": [yente.result(h, DEFAULT_THRESHOLD) for h in hits[:limit]],
                "release": served.version,
            }
        )

    @app.get(
        "/entities/{party_id}",
        response_model=Entity,
        response_class=FastJSON,
        responses={**_errors(404, 422), 308: {"description": "a superseded ID"}},
    )
    def entity(party_id: str):
        """The party, every action with its history and provenance; a superseded ID redirects."""
        served = holder.current
        row = served.parties.get(party_id)
        if row is None:
            target = served.redirects.get(party_id)
            if target is not None and target in served.parties:
                return RedirectResponse(f"/entities/{target}", status_code=308)
            raise HTTPException(404, f"no party {party_id!r} in release {served.version}")
        schema = yente.schema_of(row["party_kind"])
        return FastJSON(
            {
                "id": party_id,
                "caption": row["party_name"],
                "schema": schema,
                "properties": yente.entity_properties(row, schema),
                "datasets": list(row["source_ids"] or []),
                "release": served.version,
                "actions": [_action(served, a) for a in row["action_ids"] or [] if a in served.screener.actions],
                "superseded_ids": sorted(old for old, new in served.redirects.items() if new == party_id),
            }
        )

    @app.post(
        "/screen",
        response_class=FileResponse,
        responses={200: {"content": {"text/csv": {}}, "description": "the screened CSV"}, **_errors(400, 413, 422)},
    )
    def screen_upload(file: Annotated[UploadFile, File(description="a counterparty CSV or XLSX")]):
        """The batch screen on an uploaded file; returns the output CSV."""
        from fast_pipeline.screening.counterparties import CounterpartyFileError
        from fast_pipeline.screening.run import screen_file

        served = holder.current
        suffix = Path(file.filename or "upload.csv").suffix.lower()
        if suffix not in (".csv", ".xlsx", ".txt"):
            raise HTTPException(400, f"{file.filename}: not a CSV or XLSX file")
        work = Path(tempfile.mkdtemp(prefix="fast-screen-"))
        source = work / f"counterparties{suffix}"
        source.write_bytes(file.file.read(MAX_UPLOAD_BYTES + 1))
        if source.stat().st_size > MAX_UPLOAD_BYTES:
            _remove(work)
            raise HTTPException(413, f"{file.filename}: over {MAX_UPLOAD_BYTES} bytes")
        output = work / "screened.csv"
        try:
            rows = _count_rows(source)
            if rows > MAX_UPLOAD_ROWS:
                raise HTTPException(413, f"{file.filename}: {rows} rows (at most {MAX_UPLOAD_ROWS})")
            screen_file(source, served.release.path, output, "csv", report=False)
        except CounterpartyFileError as exc:
            _remove(work)
            raise HTTPException(400, f"{file.filename}: {exc.reason}") from None
        except HTTPException:
            _remove(work)
            raise
        name = f"{Path(file.filename or 'upload').stem}.screened.csv"
        return FileResponse(output, media_type="text/csv", filename=name, background=BackgroundTask(_remove, work))

    app.mount("/", StaticFiles(directory=STATIC, html=True), name="web")
    wrapped = BodyLimit(app, MAX_BODY_BYTES, MAX_UPLOAD_BYTES)
    return ApiKey(wrapped, api_key) if api_key else wrapped


def _match_responses(
    served: Served, queries: dict[str, EntityQuery], datasets: frozenset[str] | None, threshold: float, limit: int
) -> dict:
    """yente's per-query responses, keyed by the client's IDs."""
    responses = {}
    for client_id, q in queries.items():
        properties = {k: v if isinstance(v, list) else [v] for k, v in q.properties.items()}
        try:
            engine_queries = yente.engine_queries(client_id, q.schema_, properties)
        except yente.QueryError as exc:
            raise HTTPException(400, f"query {client_id!r}: {exc}") from None
        hits = yente.best_hits(served.screener, engine_queries, datasets)
        responses[client_id] = {
            "status": 200,
            "results": [yente.result(h, threshold) for h in hits[:limit]],
            "total": {"value": len(hits), "relation": "eq"},
            "query": {"id": client_id, "schema": q.schema_, "properties": properties},
        }
    return responses


def _action(served: Served, action_id: str) -> dict:
    a = served.screener.actions[action_id]
    return {
        "action_id": action_id,
        "source_id": a["source_id"],
        "action_type": a["action_type"],
        "status": a["status"],
        "in_force": served.screener.history.in_force(action_id, None),
        "authority": a["authority"],
        "legal_basis": a["legal_basis"],
        "goods": a["goods"],
        "listed_date": _iso(a["listed_date"]),
        "ended_date": _iso(a["ended_date"]),
        "first_seen_edition": a["first_seen_edition"],
        "last_seen_edition": a["last_seen_edition"],
        "removed_in_edition": a["removed_in_edition"],
        "removed_date": _iso(a["removed_date"]),
        "provenance": {
            "source_url": a["source_url"],
            "source_sha256": a.get("source_sha256"),
            "locator": a["source_locator"],
        },
        "history": [
            {
                "version": v["version"],
                "valid_from_edition": v["valid_from_edition"],
                "valid_from_date": _iso(v["valid_from_date"]),
                "valid_to_edition": v["valid_to_edition"],
                "valid_to_date": _iso(v["valid_to_date"]),
                "opened_by": v["opened_by"],
                "closed_by": v["closed_by"],
            }
            for v in served.versions.get(action_id, [])
        ],
        "changes": [
            {k: c[k] for k in ("edition", "change", "field", "old_value", "new_value")}
            for c in served.changes.get(action_id, [])
        ],
    }


def _country_codes(values: list[str]) -> set[str]:
    """ISO alpha-2 codes from `countries=BR,CN&countries=us` (codes or names); an unknown one is a 400, not an
    empty result."""
    from fast_pipeline.screening.counterparties import country_code

    codes = set()
    for raw in (c.strip() for value in values for c in value.split(",")):
        if raw:
            code = country_code(raw)
            if code is None:
                raise HTTPException(400, f"unknown country {raw!r} (an ISO 3166 code such as BR, CN or US)")
            codes.add(code)
    return codes


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _count_rows(path: Path) -> int:
    from fast_pipeline.screening.counterparties import read_counterparties

    return len(read_counterparties(path).rows)


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
