"""The Starlette application: GraphQL over HTTP and websocket on one path, health endpoints, lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from tortoise import Tortoise

from api import feeds, services
from api.settings import Settings
from jobs import lifecycle as jobs_lifecycle
from schema import schema
from schema.context import Context


class MentormatchGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.is_development else None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.settings = settings

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(settings=self.settings, request=request, response=response)


async def live(_request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
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
            if manage_database:
                await services.disconnect()

    graphql = MentormatchGraphQL(settings)
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/health/live", live),
            Route("/health/ready", ready),
            *feeds.routes,
        ],
        lifespan=lifespan,
    )
