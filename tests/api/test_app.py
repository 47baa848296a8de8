from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from infra import connections
from infra.settings import Environment, Settings
from tests.conftest import REDIS_URL, Backend


async def test_health_endpoints(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    ready = await client.get("/health/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ok", "database": "ok"}


async def test_readiness_reports_redis(db: Backend) -> None:
    for url, status in ((REDIS_URL, 200), ("redis://127.0.0.1:1/0", 503)):
        settings = Settings(database_url=db.url, redis_url=url, service_timeout_s=1)
        app = create_app(settings, manage_database=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            response = await http.get("/health/ready")
        assert response.status_code == status, response.text


async def test_graphiql_in_development_only(db: Backend) -> None:
    for environment, expected in ((Environment.DEVELOPMENT, 200), (Environment.PRODUCTION, 404)):
        settings = Settings(database_url=db.url, environment=environment)
        app = create_app(settings, manage_database=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            page = await http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == expected
        if expected == 200:
            assert "graphiql" in page.text.lower()


async def test_startup_fails_fast_when_redis_is_unreachable(db: Backend) -> None:
    settings = Settings(database_url=db.url, redis_url="redis://127.0.0.1:1/0", service_timeout_s=1)
    app = create_app(settings)
    with pytest.raises(
        connections.ServiceUnavailable, match=r"Redis redis://127\.0\.0\.1:1/0 is unreachable"
    ):
        async with app.router.lifespan_context(app):
            pass
    # The failed start closed its connections: reconnect for the rest of the session.
    await connections.connect_database(db.settings)
