"""The Starlette application: GraphQL over HTTP and websocket on one path, health endpoints, lifespan."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import strawberry
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType
from tortoise import Tortoise

from api import feeds, metrics, services
from api.limits import GraphQLLimits, MemoryRateLimiter, RateLimiter, RedisRateLimiter
from api.settings import Settings
from domain.services.tokens import authenticate, bearer, still_valid
from jobs import lifecycle as jobs_lifecycle
from schema.build import build_schema
from schema.context import Context

log = logging.getLogger(__name__)


class MentormatchGraphQL(GraphQL[Context, None]):
    """GraphQL over HTTP (JSON POST only: no GET, no form posts, no multipart) and over websocket
    (graphql-transport-ws only), with bearer-token authentication on both."""

    def __init__(self, settings: Settings, schema: strawberry.Schema | None = None) -> None:
        super().__init__(
            schema or build_schema(settings),
            graphql_ide="graphiql" if settings.is_development else None,
            allow_queries_via_get=False,
            multipart_uploads_enabled=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_s),
            max_subscriptions_per_connection=settings.max_subscriptions_per_socket,
            allowed_origins=settings.allowed_origins,
        )
        self.settings = settings

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL bundled with the console (console/graphiql), never scripts from a CDN."""
        page = console_dir() / "graphiql" / "index.html"
        if page.is_file():
            return HTMLResponse(page.read_text())
        return HTMLResponse(NOT_BUILT.format(what="GraphiQL"), status_code=503)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context(settings=self.settings, request=request, response=response)
        if isinstance(request, Request):
            context.token = bearer(request.headers.get("authorization"))
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Websocket clients authenticate in connection_init: {"authorization": "Bearer <token>"}."""
        params = context.connection_params or {}
        header = params.get("authorization") or params.get("Authorization")
        viewer = await authenticate(bearer(header) if isinstance(header, str) else None)
        if not viewer.is_authenticated:
            raise ConnectionRejectionError({"reason": "a valid bearer token is required"})
        context.viewer = viewer
        context.token, context._authenticated = None, True
        websocket = context.request
        assert isinstance(websocket, WebSocket)
        watcher = asyncio.create_task(self._close_when_token_ends(websocket, viewer.token_id))
        _watchers.add(watcher)
        watcher.add_done_callback(_watchers.discard)
        ack: UnsetType = UNSET
        return ack

    async def _close_when_token_ends(self, websocket: WebSocket, token_id: int | None) -> None:
        """Close the socket (4403) once its token expires or is revoked."""
        try:
            while websocket.application_state is WebSocketState.CONNECTED:
                await asyncio.sleep(self.settings.token_check_interval_s)
                if websocket.application_state is not WebSocketState.CONNECTED:
                    return
                if token_id is None or not await still_valid(token_id):
                    await websocket.close(code=4403, reason="token expired or revoked")
                    return
        except Exception:  # the socket went away under us: nothing left to close
            log.debug("token watcher ended", exc_info=True)


_watchers: set[asyncio.Task[None]] = set()

NOT_BUILT = (
    "<!doctype html><html lang=en><title>Mentormatch: not built</title><main><h1>{what} is not built</h1>"
    "<p>The browser console (and the GraphiQL it bundles) is built from <code>console/</code> by "
    "<code>scripts/console-setup</code> (run by <code>scripts/bootstrap</code> and "
    "<code>scripts/demo</code>).</p></main></html>"
)


def console_dir() -> Path:
    """The console's built assets: MENTORMATCH_CONSOLE_DIR, or console/dist in the checkout."""
    configured = os.environ.get("MENTORMATCH_CONSOLE_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / "console" / "dist"


class _SinglePageFiles(StaticFiles):
    """Static files with the single-page app's fallback: an unknown path that is not an asset gets
    index.html, so that a deep link or a reload of a console page works."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or path.startswith("assets"):
                raise
            return await super().get_response("index.html", scope)


class Console:
    """The console at /console: its built assets when they exist (checked on each request, so a build
    after the start is served), otherwise a page that says how to build it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files: StaticFiles | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (self.directory / "index.html").is_file():
            await HTMLResponse(NOT_BUILT.format(what="The console"), status_code=503)(scope, receive, send)
            return
        if self.files is None:
            self.files = _SinglePageFiles(directory=self.directory, html=True)
        await self.files(scope, receive, send)


async def live(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(
    settings: Settings | None = None, *, manage_database: bool = True, schema: strawberry.Schema | None = None
) -> Starlette:
    """Build the app. ``manage_database=False`` lets a caller (the tests) own the Tortoise connection."""
    settings = settings or Settings.from_env()

    async def ready(_request: Request) -> Response:
        checks: dict[str, str] = {}
        try:
            await Tortoise.get_connection("default").execute_query("SELECT 1")
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unreachable: {type(exc).__name__}"
        if settings.uses_redis:
            try:
                await services.check_redis(settings)
                checks["redis"] = "ok"
            except services.ServiceUnavailable as exc:
                checks["redis"] = f"unreachable: {type(exc.__cause__).__name__}"
        healthy = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ok" if healthy else "degraded", **checks}, 200 if healthy else 503)

    limiter: RateLimiter = (
        RedisRateLimiter(Redis.from_url(settings.redis_url), settings.rate_limit_per_minute)
        if settings.redis_url
        else MemoryRateLimiter(settings.rate_limit_per_minute)
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Any]]:
        if manage_database:
            await services.connect_database(settings)
            await services.check_redis(settings)
            pending = await services.pending_migrations()
            if pending:
                await services.disconnect()
                raise services.ServiceUnavailable(
                    f"the database lacks migrations {', '.join(pending)}: run `mentormatch migrate`"
                )
            await jobs_lifecycle.start(settings)  # embedded setup: resume runs a previous process left
        try:
            yield {}
        finally:
            await jobs_lifecycle.stop()
            await limiter.aclose()
            if manage_database:
                await services.disconnect()

    graphql = MentormatchGraphQL(settings, schema)
    app = Starlette(
        middleware=[
            Middleware(
                GraphQLLimits, path="/graphql", max_body_bytes=settings.max_body_bytes, limiter=limiter
            )
        ],
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/health/live", live),
            Route("/health/ready", ready),
            *feeds.routes,
            Mount("/console", app=Console(console_dir()), name="console"),
        ],
        lifespan=lifespan,
    )
    app.state.limiter = limiter
    metrics.install(app, settings)  # `/`, `/metrics`, request metrics (api/metrics.py)
    return app
