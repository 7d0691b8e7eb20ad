"""The HTTP service (FastAPI): routes, errors, auth and metrics around an `Engine`; no model logic.

    app = create_app(Engine(load_bundle("bundles/sasrec"), SqliteStore("state.sqlite")))
    uvicorn.run(app, host="127.0.0.1", port=8000)     # what `pretrec serve` does

Every error is JSON `{"detail": "..."}` naming what was wrong: unknown user or item 404, a
malformed body, a wrong type or k out of range 422, a body over `max_body_bytes` 413, a write
without the configured token 401. Recommendations go through the micro-batcher; writes to the
index and explanations run on the same model thread, events on the server's thread pool (the
SQLite commit must not hold up model calls).
"""

from __future__ import annotations

import hmac
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

from pretrec.errors import PretrecError, UnknownId
from pretrec.serve import schemas
from pretrec.serve.batching import MicroBatcher
from pretrec.serve.engine import MAX_K, Engine
from pretrec.serve.guard import BodyLimit

LATENCY_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0)


def create_app(engine: Engine, token: str | None = None, max_body_bytes: int = 1 << 20,
               max_batch: int = 64, max_wait_ms: float = 2.0) -> FastAPI:
    """The service of `engine`; `token` (when given) guards the write endpoints."""
    batcher: MicroBatcher[Any, Any] = MicroBatcher(engine.recommend, max_batch, max_wait_ms)
    metrics = _Metrics(engine, batcher)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await batcher.close()

    app = FastAPI(title="pretrec", version="1", lifespan=lifespan,
                  description=f"Recommendations from a {engine.bundle.model_name} bundle.")
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes, observe=metrics.observe)
    _add_error_handlers(app)

    def authorised(request: Request) -> None:
        if token is None:
            return
        given = request.headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(value.encode(), token.encode()):
            raise _Unauthorised()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page() -> str:
        return files("pretrec.serve").joinpath("static/index.html").read_text(encoding="utf-8")

    @app.post("/recommend", response_model=schemas.ItemList)
    async def recommend(body: schemas.RecommendRequest) -> dict[str, Any]:
        query = engine.query(body.user_id, body.history, body.k, body.exclude_seen, body.exclude)
        return _items(await batcher.submit(query))

    @app.post("/events", response_model=schemas.EventAck, dependencies=[Depends(authorised)])
    async def events(body: schemas.EventRequest) -> dict[str, Any]:
        seq = await run_in_threadpool(engine.add_event, body.user_id, body.item_id,
                                      body.timestamp)
        return {"seq": seq, "user_id": body.user_id,
                "history_length": len(engine.history(body.user_id))}

    @app.post("/items", response_model=schemas.ItemAck, dependencies=[Depends(authorised)])
    async def items(body: schemas.ItemRequest) -> dict[str, Any]:
        await batcher.run(lambda: engine.add_item(body.item_id, dict(body.text)))
        return {"item_id": body.item_id, "n_items": engine.n_items}

    @app.get("/users/{user_id:path}", response_model=schemas.UserHistoryOut)
    async def user(user_id: str) -> dict[str, Any]:
        return {"user_id": user_id, "history": [engine.item_ids[i]
                                                for i in engine.history(user_id)]}

    @app.get("/items/{item_id:path}/similar", response_model=schemas.ItemList)
    async def similar(item_id: str, k: int = Query(10, ge=1, le=MAX_K)) -> dict[str, Any]:
        return _items(await batcher.run(lambda: engine.similar(item_id, k)))

    @app.post("/explain", response_model=schemas.Explanation)
    async def explain(body: schemas.ExplainRequest) -> dict[str, Any]:
        query = engine.query(body.user_id, body.history, 1, exclude_seen=False)
        score, parts = await batcher.run(lambda: engine.explain(query, body.item_id))
        return {"item_id": body.item_id, "score": score, "method": "occlusion",
                "contributions": [{"item_id": i, "contribution": c} for i, c in parts]}

    @app.get("/health", response_model=schemas.Health)
    async def health() -> dict[str, Any]:
        return {"status": "ok", "model": engine.bundle.model_name, "n_items": engine.n_items,
                "n_training_users": len(engine.bundle.recommender.users),
                "index": engine.index.kind if engine.index is not None else "full scoring"}

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app.state.engine, app.state.batcher = engine, batcher
    return app


def _items(pairs: list[tuple[str, float]]) -> dict[str, Any]:
    return {"items": [{"item_id": item, "score": score} for item, score in pairs]}


class _Unauthorised(Exception):
    pass


def _add_error_handlers(app: FastAPI) -> None:
    def reply(status: int, detail: str, **headers: str) -> JSONResponse:
        return JSONResponse({"detail": detail}, status_code=status, headers=headers or None)

    async def invalid(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems = []
        for problem in error.errors():
            if problem.get("type") == "json_invalid":
                problems.append(f"body: malformed JSON ({problem.get('ctx', {}).get('error', '')}"
                                f" at character {problem.get('loc', ('', '?'))[-1]})")
                continue
            where = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
            problems.append(f"{where or 'body'}: {problem.get('msg', 'invalid')}")
        return reply(422, "; ".join(problems) or "invalid request")

    async def unknown(_: Request, error: Exception) -> JSONResponse:
        return reply(404, str(error))

    async def refused(_: Request, error: Exception) -> JSONResponse:
        return reply(422, str(error))

    async def unauthorised(_: Request, __: Exception) -> JSONResponse:
        return reply(401, "a write needs the header 'Authorization: Bearer TOKEN'",
                     **{"WWW-Authenticate": "Bearer"})

    handlers: dict[Any, Callable[[Request, Exception], Awaitable[JSONResponse]]] = {
        RequestValidationError: invalid, UnknownId: unknown, PretrecError: refused,
        _Unauthorised: unauthorised}
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)


class _Metrics:
    """Prometheus series of one app, in its own registry (no global state)."""

    def __init__(self, engine: Engine, batcher: MicroBatcher[Any, Any]):
        self.registry = CollectorRegistry()
        self.requests = Counter("pretrec_requests", "HTTP requests answered",
                                ["endpoint", "status"], registry=self.registry)
        self.latency = Histogram("pretrec_request_seconds", "time to answer a request",
                                 ["endpoint"], buckets=LATENCY_BUCKETS, registry=self.registry)
        Gauge("pretrec_catalogue_items", "items the service can recommend",
              registry=self.registry).set_function(lambda: engine.n_items)
        Gauge("pretrec_index_items", "vectors in the item index", registry=self.registry
              ).set_function(lambda: len(engine.index) if engine.index is not None else 0)
        Gauge("pretrec_last_batch_size", "requests in the latest model call",
              registry=self.registry).set_function(
                  lambda: batcher.batch_sizes[-1] if batcher.batch_sizes else 0)

    def observe(self, endpoint: str, status: int, started: float) -> None:
        self.requests.labels(endpoint, str(status)).inc()
        self.latency.labels(endpoint).observe(time.perf_counter() - started)
