"""Parsing and validation of a query text already seen come from bounded per-process caches; the depth,
alias and introspection rules and the query cost still apply to every request."""

from __future__ import annotations

from strawberry.extensions.parser_cache import _get_parse_cache

from infra.settings import Environment, Settings
from schema.build import QUERY_CACHE_SIZE, build_schema
from tests.conftest import Backend, GraphQLClient


async def test_a_repeated_query_is_parsed_once(gql: GraphQLClient) -> None:
    query = "query Repeated { paths(first: 3) { totalCount } }"
    parse = _get_parse_cache(QUERY_CACHE_SIZE)
    await gql(query)
    parsed = parse.cache_info().hits
    for _ in range(3):
        await gql(query)
    assert parse.cache_info().hits == parsed + 3
    # Validation of a valid document is cached by RequestValidation (tests/api/test_edge_http.py).


async def test_cached_queries_still_meet_every_limit(gql: GraphQLClient) -> None:
    deep = "{ paths(first: 1) { edges { node { projects { path { projects { path { projects { path { projects { path { projects { path { name } } } } } } } } } } } } } }"
    for _ in range(2):  # the second answer comes from the validation cache
        body = await gql.raw(deep)
        assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    paged = "query($n: Int) { paths(first: $n) { edges { node { projects { name } } } } }"
    small = await gql.raw(paged, {"n": 2})
    large = await gql.raw(paged, {"n": 40})  # same text, cached validation: the cost is computed again
    assert small["extensions"]["cost"]["requested"] < large["extensions"]["cost"]["requested"]


async def test_production_refuses_introspection_from_the_cache_too(db: Backend) -> None:
    schema = build_schema(
        Settings(database_url=db.url, environment=Environment.PRODUCTION, redis_url="redis://x")
    )
    for _ in range(2):
        result = await schema.execute("{ __schema { types { name } } }")
        assert result.errors and "introspection" in result.errors[0].message.lower()
