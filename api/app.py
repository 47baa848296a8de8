"""The Starlette application: GraphQL over HTTP and websocket on one path, health endpoints, lifespan."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

import strawberry
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ErrorMessage
from strawberry.types.unset import UNSET, UnsetType
from tortoise import Tortoise

from api import feeds, metrics
from api.limits import (
    BODY_TIMEOUT_S,
    GraphQLLimits,
    JsonClientErrors,
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    principal_key,
    rate_limited,
)
from domain.services.tokens import bearer, identify, still_valid
from infra import connections
from infra.settings import Settings
from jobs import lifecycle as jobs_lifecycle
from schema.build import build_schema
from schema.context import Context, Principals

log = logging.getLogger(__name__)


class WSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with: a 4400 close for any frame that is not a JSON object with a string
    ``type`` (arrays, numbers, strings, nesting too deep); 4401 for a presented token that does not
    authenticate; every operation counted by the rate limit; and the token watcher ended with the socket,
    whoever closes it."""

    view: MentormatchGraphQL
    watcher: asyncio.Task[None] | None = None

    async def handle_message(self, message: Any) -> None:
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.handle_invalid_message("a message must be a JSON object with a string type")
            return
        kind = message["type"]
        if kind == "connection_init":
            await self._connection_init(message)
            return
        if kind == "subscribe":
            payload = message.get("payload")
            if (
                not isinstance(message.get("id"), str)
                or not isinstance(payload, dict)
                or not isinstance(payload.get("query"), str)
                or not isinstance(payload.get("variables") or {}, dict)
                or not isinstance(payload.get("operationName") or "", str)
            ):
                await self.handle_invalid_message("subscribe needs a string id and a payload with a query")
                return
            if self.connection_acknowledged and not await self._within_rate_limit(message["id"]):
                return
        elif kind == "complete" and not isinstance(message.get("id"), str):
            await self.handle_invalid_message("complete needs a string id")
            return
        await super().handle_message(message)  # type: ignore[arg-type]

    async def _connection_init(self, message: dict[str, Any]) -> None:
        payload = message.get("payload")
        header = (
            (payload.get("authorization") or payload.get("Authorization"))
            if isinstance(payload, dict)
            else None
        )
        if header is not None and not self.connection_init_received:
            viewer = await identify(bearer(header) if isinstance(header, str) else None)
            if viewer is None:
                if self.connection_init_timeout_task:
                    self.connection_init_timeout_task.cancel()
                await self.websocket.close(code=4401, reason="token invalid, expired or revoked")
                return
            self.context.viewer = viewer
        await super().handle_message(message)  # type: ignore[arg-type]
        if self.connection_acknowledged and self.watcher is None:
            self.watcher = asyncio.create_task(self._close_when_token_ends(self.context.viewer.token_id))

    async def _within_rate_limit(self, operation_id: str) -> bool:
        token_id = self.context.viewer.token_id
        if token_id is None:
            return True
        retry_after = await self.view.limiter.hit(principal_key(token_id))
        if retry_after is None:
            return True
        errors: Any = rate_limited(retry_after)["errors"]
        await self.send_message(ErrorMessage(id=operation_id, type="error", payload=errors))
        return False

    async def _close_when_token_ends(self, token_id: int | None) -> None:
        """Close the socket (4403) once its token expires or is revoked; cancelled when the socket ends."""
        try:
            while True:
                await asyncio.sleep(self.view.settings.token_check_interval_s)
                if token_id is None or not await still_valid(token_id):
                    await self.websocket.close(code=4403, reason="token expired or revoked")
                    return
        except asyncio.CancelledError:
            raise
        except Exception:  # the socket went away under us: nothing left to close
            log.debug("token watcher ended", exc_info=True)

    async def shutdown(self) -> None:
        if self.watcher is not None:
            self.watcher.cancel()
            with suppress(asyncio.CancelledError):
                await self.watcher
        await super().shutdown()


class MentormatchGraphQL(GraphQL[Context, None]):
    """GraphQL over HTTP (JSON POST only: no GET, no form posts, no multipart) and over websocket
    (graphql-transport-ws only), with bearer-token authentication on both."""

    graphql_transport_ws_handler_class = WSHandler

    def __init__(
        self,
        settings: Settings,
        schema: strawberry.Schema | None = None,
        *,
        limiter: RateLimiter | None = None,
        principals: Principals | None = None,
    ) -> None:
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
        self.limiter: RateLimiter = limiter or MemoryRateLimiter(settings.rate_limit_per_minute)
        self.principals = principals or Principals()

    def decode_json(self, data: str | bytes) -> object:
        """Bodies and frames that are not UTF-8 or nest deeper than the parser can go are malformed JSON
        (400 over HTTP, 4400 on the websocket), not a server error."""
        try:
            return json.loads(data)
        except (RecursionError, UnicodeDecodeError) as exc:
            raise json.JSONDecodeError(f"malformed JSON: {type(exc).__name__}", "", 0) from exc

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL bundled with the console (console/graphiql), never scripts from a CDN."""
        page = console_dir() / "graphiql" / "index.html"
        if page.is_file():
            return HTMLResponse(page.read_text())
        return HTMLResponse(NOT_BUILT.format(what="GraphiQL"), status_code=503)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context(
            settings=self.settings, request=request, response=response, principals=self.principals
        )
        if isinstance(request, Request):
            header = request.headers.get("authorization")
            context.credentials_presented = header is not None
            context.token = bearer(header)
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """Websocket clients authenticate in connection_init: {"authorization": "Bearer <token>"}
        (looked up by WSHandler; a presented token that does not authenticate closes 4401 there)."""
        if not context.viewer.is_authenticated:
            raise ConnectionRejectionError({"reason": "a valid bearer token is required"})
        context.token, context._authenticated = None, True
        ack: UnsetType = UNSET
        return ack


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
    settings: Settings | None = None,
    *,
    manage_database: bool = True,
    schema: strawberry.Schema | None = None,
    body_timeout_s: float = BODY_TIMEOUT_S,
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
                await connections.check_redis(settings)
                checks["redis"] = "ok"
            except connections.ServiceUnavailable as exc:
                checks["redis"] = f"unreachable: {type(exc.__cause__).__name__}"
        healthy = all(v == "ok" for v in checks.values())
        return JSONResponse({"status": "ok" if healthy else "degraded", **checks}, 200 if healthy else 503)

    principals = Principals()
    limiter: RateLimiter = (
        RedisRateLimiter(Redis.from_url(settings.redis_url), settings.rate_limit_per_minute)
        if settings.redis_url
        else MemoryRateLimiter(settings.rate_limit_per_minute)
    )

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Any]]:
        if manage_database:
            await connections.connect_database(settings)
            await connections.check_redis(settings)
            pending = await connections.pending_migrations()
            if pending:
                await connections.disconnect()
                raise connections.ServiceUnavailable(
                    f"the database lacks migrations {', '.join(pending)}: run `mentormatch migrate`"
                )
            await jobs_lifecycle.start(settings)  # embedded setup: resume runs a previous process left
        try:
            yield {}
        finally:
            await jobs_lifecycle.stop()
            await limiter.aclose()
            if manage_database:
                await connections.disconnect()

    graphql = MentormatchGraphQL(settings, schema, limiter=limiter, principals=principals)
    app = Starlette(
        middleware=[
            Middleware(JsonClientErrors),
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.allowed_origins),
                allow_methods=["POST"],
                allow_headers=["authorization", "content-type"],
                allow_credentials=True,
                max_age=600,
            ),
            Middleware(
                GraphQLLimits,
                path="/graphql",
                max_body_bytes=settings.max_body_bytes,
                limiter=limiter,
                principals=principals,
                body_timeout_s=body_timeout_s,
            ),
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
