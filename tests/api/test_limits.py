"""Limits checked before execution (0 resolver calls, 0 SQL), CSRF, rate limit, masking, production."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
from strawberry.extensions import SchemaExtension

from api.app import create_app
from domain.models import Path
from infra.settings import Environment
from schema.build import build_schema
from tests.conftest import Backend, count_queries

calls: list[str] = []


class CountResolvers(SchemaExtension):
    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(info.field_name)
        return _next(root, info, *args, **kwargs)


class Explode(SchemaExtension):
    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        if info.field_name == "paths":
            raise RuntimeError("connection to postgres://admin:secret@db/prod failed in SELECT * FROM path")
        return _next(root, info, *args, **kwargs)


@asynccontextmanager
async def client_for(
    db: Backend, token: str | None = None, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    settings = replace(db.settings, **overrides)
    schema = build_schema(settings, extra_extensions=[CountResolvers, Explode])
    app = create_app(settings, manage_database=False, schema=schema)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t", headers=headers
        ) as http:
            yield http
    finally:
        await app.state.limiter.aclose()


DEEP = "{ mentors(first: 1) { edges { node { students(first: 1) { edges { node { mentor { students(first: 1) { edges { node { mentor { students(first: 1) { edges { node { name } } } } } } } } } } } } } } }"
ALIASES = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(20)) + " }"
COSTLY = "{ mentors(first: 100) { edges { node { students(first: 100) { edges { node { sessions { id } availability { start } } } } } } } }"
TOKENS = "{ viewer { " + " ".join(["role"] * 2500) + " } }"


@pytest.mark.parametrize(
    ("query", "code_or_text"),
    [
        (DEEP, "exceeds maximum operation depth"),
        (ALIASES, "aliases"),
        (COSTLY, "COST_LIMIT"),
        (TOKENS, "token"),
    ],
    ids=["depth", "aliases", "cost", "tokens"],
)
async def test_over_limit_requests_run_no_resolver_and_no_sql(
    db: Backend, staff_token: str, query: str, code_or_text: str
) -> None:
    calls.clear()
    async with client_for(db, staff_token) as http:
        with count_queries() as counter:
            response = await http.post("/graphql", json={"query": query})
    body = response.json()
    assert body["data"] is None
    error = body["errors"][0]
    assert code_or_text in error["message"] or error.get("extensions", {}).get("code") == code_or_text
    assert calls == []
    assert counter.statements == []


async def test_cost_is_reported_and_computed_from_page_sizes(db: Backend, staff_token: str) -> None:
    async with client_for(db, staff_token) as http:
        small = (
            await http.post(
                "/graphql", json={"query": "{ mentors(first: 2) { edges { node { id name } } } }"}
            )
        ).json()
        big = (
            await http.post(
                "/graphql", json={"query": "{ mentors(first: 50) { edges { node { id name } } } }"}
            )
        ).json()
    # mentors(1) + first x (edges 1 + node 1 + 2 scalars)
    assert small["extensions"]["cost"]["requested"] == 1 + 2 * 4
    assert big["extensions"]["cost"]["requested"] == 1 + 50 * 4


async def test_oversized_body_gets_413_before_anything_runs(db: Backend, staff_token: str) -> None:
    calls.clear()
    async with client_for(db, staff_token, max_body_bytes=1000) as http:
        with count_queries() as counter:
            response = await http.post("/graphql", json={"query": "{ viewer { role } }", "pad": "x" * 2000})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"
    assert calls == [] and counter.statements == []


CREATE_PATH = 'mutation { createPath(input: {name: "Forged"}) { __typename } }'


@pytest.mark.parametrize(
    "send",
    [
        {"data": {"query": CREATE_PATH}},
        {"files": {"query": (None, CREATE_PATH)}},
        {"content": CREATE_PATH, "headers": {"content-type": "text/plain"}},
        {
            "content": '{"query": "' + CREATE_PATH.replace('"', '\\"') + '"}',
            "headers": {"content-type": "text/plain"},
        },
    ],
    ids=["form", "multipart", "text-plain", "text-plain-json"],
)
async def test_csrf_shaped_posts_are_refused(db: Backend, staff_token: str, send: dict[str, Any]) -> None:
    async with client_for(db, staff_token) as http:
        response = await http.post("/graphql", **send)
    assert response.status_code in (400, 415)
    assert await Path.all().count() == 0


async def test_mutation_by_get_is_refused(db: Backend, staff_token: str) -> None:
    async with client_for(db, staff_token) as http:
        response = await http.get("/graphql", params={"query": CREATE_PATH})
    assert response.status_code in (400, 405)
    assert await Path.all().count() == 0


async def _flush_redis() -> None:
    from redis.asyncio import Redis

    from tests.conftest import REDIS_URL

    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    await client.aclose()


VIEWER = {"query": "{ viewer { role } }"}


@pytest.mark.parametrize("redis", [False, True], ids=["memory", "redis"])
async def test_rate_limit_per_principal_with_retry_after(db: Backend, staff_token: str, redis: bool) -> None:
    from tests.conftest import REDIS_URL

    if redis:
        await _flush_redis()
    overrides: dict[str, Any] = {"rate_limit_per_minute": 5, "redis_url": REDIS_URL if redis else None}
    signed_in = {"authorization": f"Bearer {staff_token}"}
    async with client_for(db, None, **overrides) as http:
        # The token's first request counts for the client address (the token is not known yet); from
        # then on its own budget of 5 counts, whatever the address.
        statuses = [
            (await http.post("/graphql", json=VIEWER, headers=signed_in)).status_code for _ in range(7)
        ]
        limited = await http.post("/graphql", json=VIEWER, headers=signed_in)
        anonymous = await http.post("/graphql", json=VIEWER)
    assert statuses == [200] * 6 + [429]
    body = limited.json()["errors"][0]
    assert body["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= body["extensions"]["retryAfter"] <= 61
    assert limited.headers["retry-after"] == str(body["extensions"]["retryAfter"])
    assert anonymous.status_code == 200, "another caller (here: the address) has its own budget"


@pytest.mark.parametrize("redis", [False, True], ids=["memory", "redis"])
async def test_another_spelling_of_the_header_gets_no_fresh_quota(
    db: Backend, staff_token: str, redis: bool
) -> None:
    from tests.conftest import REDIS_URL

    if redis:
        await _flush_redis()
    overrides: dict[str, Any] = {"rate_limit_per_minute": 3, "redis_url": REDIS_URL if redis else None}
    spellings = [
        f"Bearer {staff_token}",
        f"bearer {staff_token}",
        f"BEARER  {staff_token}",
        f" Bearer {staff_token} ",
    ]
    async with client_for(db, None, **overrides) as http:
        learn = await http.post("/graphql", json=VIEWER, headers={"authorization": spellings[0]})
        statuses = [
            (await http.post("/graphql", json=VIEWER, headers={"authorization": s})).status_code
            for s in spellings
        ]
    assert learn.status_code == 200
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize("redis", [False, True], ids=["memory", "redis"])
async def test_made_up_tokens_count_against_the_client_address(db: Backend, redis: bool) -> None:
    from tests.conftest import REDIS_URL

    if redis:
        await _flush_redis()
    overrides: dict[str, Any] = {"rate_limit_per_minute": 4, "redis_url": REDIS_URL if redis else None}
    async with client_for(db, None, **overrides) as http:
        statuses = [
            (
                await http.post("/graphql", json=VIEWER, headers={"authorization": f"Bearer mm_fake{i}"})
            ).status_code
            for i in range(3)
        ]
        statuses.append(
            (await http.post("/graphql", json=VIEWER, headers={"authorization": "bearer"})).status_code
        )
        statuses.append((await http.post("/graphql", json=VIEWER)).status_code)
    assert statuses == [401, 401, 401, 401, 429]


async def test_unexpected_errors_are_masked(db: Backend, staff_token: str) -> None:
    async with client_for(db, staff_token) as http:
        body = (await http.post("/graphql", json={"query": "{ paths { totalCount } }"})).json()
    text = str(body)
    assert body["errors"][0]["message"] == "Internal server error"
    for secret in ("secret", "postgres://", "SELECT", "Traceback", "RuntimeError"):
        assert secret not in text


async def test_production_hides_introspection_and_suggestions(db: Backend, staff_token: str) -> None:
    async with client_for(db, staff_token, environment=Environment.PRODUCTION) as http:
        intro = (await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
        typo = (await http.post("/graphql", json={"query": "{ mentorz { totalCount } }"})).json()
    assert intro["data"] is None and "introspection" in intro["errors"][0]["message"].lower()
    assert "Did you mean" not in typo["errors"][0]["message"]
    async with client_for(db, staff_token) as http:
        dev_typo = (await http.post("/graphql", json={"query": "{ mentorz { totalCount } }"})).json()
    assert "Did you mean" in dev_typo["errors"][0]["message"]


@pytest.mark.parametrize("body", ['"{ viewer { role } }"', "42", "null"])
async def test_a_json_body_that_is_not_an_object_is_a_bad_request(db: Backend, body: str) -> None:
    async with client_for(db) as http:
        response = await http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_subscription_posted_over_http_is_a_typed_bad_request(db: Backend, staff_token: str) -> None:
    async with client_for(db, staff_token) as http:
        body = (
            await http.post(
                "/graphql", json={"query": "subscription { mentorAssignments(mentorId: 1) { eventId } }"}
            )
        ).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "websocket" in body["errors"][0]["message"]
