"""Requests an attacker would send, against `mentormatch serve` in the production configuration
(MENTORMATCH_ENV=production, PostgreSQL, Redis): fragments, variables, limits, malformed transport and
websocket frames. Every answer is a 4xx or a GraphQL error with a code, nothing runs past a limit, no
answer leaks internals or suggests a name, and the server stays up."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.api.test_fuzz_graphql import INTERNALS, running_api
from tests.api.test_websocket_auth import PROTOCOL, closed_with
from tests.auth_world import World, build_world
from tests.conftest import Backend, truncate_all

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


class Api:
    def __init__(self, base: str, world: World) -> None:
        self.base = base
        self.world = world


@pytest.fixture(scope="module")
async def api(backend: Backend) -> AsyncIterator[Api]:
    assert backend.is_postgres  # running_api then runs the production configuration
    await truncate_all(backend)
    world = await build_world()
    with running_api(backend) as base:
        yield Api(base, world)


def nested_inline(depth: int, inner: str) -> str:
    return "{ " + "... on Query { " * depth + inner + " }" * depth + " }"


BIG = "mentors(first: 100) { edges { node { name students(first: 100) { edges { node { name mentor { name email } } } } } } }"
UPDATE = "mutation($input: UpdateMentorInput!) { updateMentor(input: $input) { __typename } }"


def exponential(levels: int) -> str:
    spreads = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    return "{ ...F0 } " + spreads + f" fragment F{levels} on Query {{ paths(first: 1) {{ totalCount }} }}"


def deep_fragments(levels: int) -> str:
    chain = " ".join(
        f"fragment D{i} on Mentor {{ students(first: 1) {{ edges {{ node {{ mentor {{ ...D{i + 1} }} }} }} }} }}"
        for i in range(levels)
    )
    return (
        "{ mentors(first: 1) { edges { node { ...D0 } } } } "
        + chain
        + f" fragment D{levels} on Mentor {{ name }}"
    )


GRAPHQL_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "inline-fragments-66": ({"query": nested_inline(66, BIG)}, "COST_LIMIT"),
    "variable-default-page": (
        {
            "query": "query($n: Int = 100) { "
            + BIG.replace("mentors(first: 100)", "mentors(first: $n)")
            + " }"
        },
        "COST_LIMIT",
    ),
    "fragments-2^40": ({"query": exponential(40)}, "COST_LIMIT"),
    "fragment-cycle": (
        {"query": "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "unknown-fragment": ({"query": "{ ...Nope }"}, "GRAPHQL_VALIDATION_FAILED"),
    "aliases": (
        {"query": "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(20)) + " }"},
        "ALIAS_LIMIT",
    ),
    "aliases-in-spread-fragments": (
        {
            "query": "{ ...A ...A ...A } fragment A on Query { "
            + " ".join(f"a{i}: viewer {{ role }}" for i in range(6))
            + " }"
        },
        "ALIAS_LIMIT",
    ),
    "depth-through-fragments": ({"query": deep_fragments(5)}, "DEPTH_LIMIT"),
    "tokens": ({"query": "{ viewer { " + " ".join(["role"] * 2500) + " } }"}, "GRAPHQL_PARSE_FAILED"),
    "syntax": ({"query": "{ viewer { role }"}, "GRAPHQL_PARSE_FAILED"),
    "introspection": ({"query": "{ __schema { types { name } } }"}, "GRAPHQL_VALIDATION_FAILED"),
    "typo-field": ({"query": "{ mentorz { totalCount } }"}, "GRAPHQL_VALIDATION_FAILED"),
    "typo-enum": (
        {"query": "mutation { updateMentor(input: {id: 1, status: ACTIV}) { __typename } }"},
        "GRAPHQL_VALIDATION_FAILED",
    ),
    "missing-variable": ({"query": "query($id: Int!) { path(id: $id) { name } }"}, "BAD_USER_INPUT"),
    "capacity-six": (
        {"query": UPDATE, "variables": {"input": {"id": 1, "capacity": "six"}}},
        "BAD_USER_INPUT",
    ),
    "missing-input-field": ({"query": UPDATE, "variables": {"input": {"capacity": 2}}}, "BAD_USER_INPUT"),
    "february-30": (
        {"query": UPDATE, "variables": {"input": {"id": 1, "startDate": "2026-02-30"}}},
        "BAD_USER_INPUT",
    ),
    "bad-uuid": (
        {"query": "query($id: UUID!) { matchingRun(id: $id) { id } }", "variables": {"id": "x"}},
        "BAD_USER_INPUT",
    ),
    "typo-enum-variable": (
        {"query": UPDATE, "variables": {"input": {"id": 1, "status": "ACTIV"}}},
        "BAD_USER_INPUT",
    ),
}


def assert_clean(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 500, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    for marker in (*INTERNALS, "Internal server error", "Did you mean"):
        assert marker not in response.text, (marker, response.text[:300])
    body: dict[str, Any] = response.json()
    assert body["errors"] and all(e["extensions"]["code"] for e in body["errors"])
    return body


@pytest.mark.parametrize("case", list(GRAPHQL_CASES))
async def test_adversarial_operations_get_coded_errors(api: Api, case: str) -> None:
    payload, code = GRAPHQL_CASES[case]
    token = api.world.tokens["staff"]
    async with httpx.AsyncClient(base_url=api.base, timeout=30) as http:
        response = await http.post("/graphql", json=payload, headers={"authorization": f"Bearer {token}"})
    body = assert_clean(response)
    assert response.status_code == 200
    assert body["data"] is None or all(v is None for v in body["data"].values())
    assert body["errors"][0]["extensions"]["code"] == code, body["errors"][0]


TRANSPORT_CASES: dict[str, tuple[dict[str, Any], int, str]] = {
    "json-nested-40000": (
        {"content": b'{"query": "{ viewer { role } }", "v": ' + b"[" * 40_000 + b"]" * 40_000 + b"}"},
        400,
        "BAD_REQUEST",
    ),
    "invalid-utf8": ({"content": b'{"query": "{ viewer { role } }\xff"}'}, 400, "BAD_REQUEST"),
    "truncated-json": ({"content": b'{"query": "{ vie'}, 400, "BAD_REQUEST"),
    "json-array": ({"content": b"[]"}, 400, "BAD_REQUEST"),
    "json-number": ({"content": b"42"}, 400, "BAD_REQUEST"),
    "query-not-a-string": ({"content": b'{"query": 5}'}, 400, "BAD_REQUEST"),
    "no-query": ({"content": b'{"variables": {}}'}, 400, "BAD_REQUEST"),
    "variables-not-an-object": (
        {"content": b'{"query": "{ viewer { role } }", "variables": [1]}'},
        400,
        "BAD_REQUEST",
    ),
    "unknown-operation-name": (
        {"content": b'{"query": "query A { viewer { role } }", "operationName": "B"}'},
        400,
        "BAD_REQUEST",
    ),
    "too-large": (
        {"content": b'{"query": "' + b" " * 200_000 + b'{ viewer { role } }"}'},
        413,
        "BODY_TOO_LARGE",
    ),
    "text-plain": ({"content": b"{ viewer { role } }", "headers": {"content-type": "text/plain"}}, 415, ""),
    "garbage-token": (
        {"content": b'{"query": "{ viewer { role } }"}', "headers": {"authorization": "Bearer mm_x"}},
        401,
        "UNAUTHENTICATED",
    ),
    "scheme-only": (
        {"content": b'{"query": "{ viewer { role } }"}', "headers": {"authorization": "Bearer"}},
        401,
        "UNAUTHENTICATED",
    ),
}


@pytest.mark.parametrize("case", list(TRANSPORT_CASES))
async def test_malformed_transport_gets_a_coded_4xx(api: Api, case: str) -> None:
    send, status, code = TRANSPORT_CASES[case]
    headers = {"content-type": "application/json", **send.get("headers", {})}
    async with httpx.AsyncClient(base_url=api.base, timeout=30) as http:
        response = await http.post("/graphql", content=send["content"], headers=headers)
    body = assert_clean(response)
    assert response.status_code in ((status,) if status != 415 else (400, 415))
    if code:
        assert body["errors"][0]["extensions"]["code"] == code


@pytest.mark.parametrize(
    "frame",
    ["[]", "[1]", "7", '"x"', "null", "{}", '{"type": []}', "[" * 50_000 + "]" * 50_000, "{"],
    ids=["array", "array-1", "number", "string", "null", "no-type", "type-list", "deep", "truncated"],
)
async def test_websocket_frames_that_are_not_messages_close_4400(api: Api, frame: str) -> None:
    url = api.base.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=[PROTOCOL], max_size=None) as ws:
        await ws.send(frame)
        assert await closed_with(ws) == 4400


async def test_websocket_with_a_garbage_token_closes_4401(api: Api) -> None:
    url = api.base.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer mm_nope"}}))
        assert await closed_with(ws) == 4401


async def test_the_server_is_still_up_and_answers(api: Api) -> None:
    token = api.world.tokens["mentor_a"]
    async with httpx.AsyncClient(base_url=api.base, timeout=30) as http:
        ready = await http.get("/health/ready")
        who = await http.post(
            "/graphql",
            json={"query": "{ viewer { mentorId } }"},
            headers={"authorization": f"Bearer {token}"},
        )
    assert ready.status_code == 200
    assert who.json()["data"] == {"viewer": {"mentorId": api.world.mentor_a.id}}
    await asyncio.sleep(0)
