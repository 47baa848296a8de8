"""The HTTP edge: query cost on the operation as executed, typed errors for malformed bodies and bad
variables (development and production alike), no schema hints in production, JSON 4xx bodies, CORS,
tokens that do not authenticate, one log line per client mistake."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from domain.models import Mentor, Path
from infra.settings import Environment
from tests import factories
from tests.api.test_limits import client_for
from tests.conftest import Backend, count_queries

ENVIRONMENTS = [Environment.DEVELOPMENT, Environment.PRODUCTION]


def nested_inline(depth: int, inner: str) -> str:
    return "{ " + "... on Query { " * depth + inner + " }" * depth + " }"


PAGE = "paths(first: 100) { edges { node { id name projects { id name } } } }"


# Finding 1: cost on the operation as executed.


async def test_nested_inline_fragments_cost_what_they_select(db: Backend, staff_token: str) -> None:
    async with client_for(db, staff_token, max_query_cost=1000) as http:
        flat = (await http.post("/graphql", json={"query": "{ " + PAGE + " }"})).json()
        wrapped = (await http.post("/graphql", json={"query": nested_inline(66, PAGE)})).json()
    assert flat["errors"][0]["extensions"]["code"] == "COST_LIMIT"
    assert wrapped["errors"][0]["extensions"]["code"] == "COST_LIMIT"
    assert wrapped["errors"][0]["extensions"]["cost"] == flat["errors"][0]["extensions"]["cost"]


async def test_named_fragments_are_expanded_and_counted_once_per_spread(
    db: Backend, staff_token: str
) -> None:
    fragments = (
        "fragment A on Query { ...B } fragment B on Query { paths(first: 5) { edges { node { id } } } }"
    )
    query = "{ ...A ...A } " + fragments
    async with client_for(db, staff_token) as http:
        body = (await http.post("/graphql", json={"query": query})).json()
    # mentors 1 + 5 x (edges 1 + node 1 + id 1) = 16, spread twice
    assert body["extensions"]["cost"]["requested"] == 2 * 16


async def test_fragments_spread_exponentially_cost_without_walking_each_copy(
    db: Backend, staff_token: str
) -> None:
    levels = 30
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels))
    query = (
        "{ ...F0 } " + fragments + f" fragment F{levels} on Query {{ mentors(first: 1) {{ totalCount }} }}"
    )
    async with client_for(db, staff_token, max_tokens=100_000) as http:
        body = (await http.post("/graphql", json={"query": query})).json()
    assert body["errors"][0]["extensions"]["code"] == "COST_LIMIT"
    assert body["errors"][0]["extensions"]["cost"] == 2**levels * 2


@pytest.mark.parametrize("environment", ENVIRONMENTS)
async def test_a_page_size_given_as_a_variable_default_is_counted(
    db: Backend, staff_token: str, environment: Environment
) -> None:
    query = "query($n: Int = 100) { mentors(first: $n) { edges { node { id name projects { id name } } } } }"
    async with client_for(db, staff_token, max_query_cost=1000, environment=environment) as http:
        with count_queries() as counter:
            defaulted = (await http.post("/graphql", json={"query": query})).json()
        sent = (await http.post("/graphql", json={"query": query, "variables": {"n": 2}})).json()
    assert defaulted["errors"][0]["extensions"]["code"] == "COST_LIMIT"
    assert defaulted["errors"][0]["extensions"]["cost"] > 1000
    assert counter.statements == []
    assert "errors" not in sent and sent["extensions"]["cost"]["requested"] < 1000


# Finding 4: malformed bodies and bad variables get typed errors, never "Internal server error".


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize(
    "body",
    [
        b'{"query": "{ viewer { role } }", "variables": ' + b"[" * 40_000 + b"]" * 40_000 + b"}",
        b'{"query": "{ viewer { role } }", "x": "\xff\xfe"}',
        b"\xff" * 10,
        b'{"query": ',
        b"[1, 2]",
    ],
    ids=["nested-40000", "invalid-utf8-in-string", "invalid-utf8", "truncated", "array"],
)
async def test_malformed_json_bodies_are_a_coded_400(
    db: Backend, environment: Environment, body: bytes
) -> None:
    async with client_for(db, max_body_bytes=200_000, environment=environment) as http:
        response = await http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


BAD_VARIABLES: list[tuple[str, dict[str, Any]]] = [
    ("query($id: Int!) { path(id: $id) { name } }", {}),
    ("query($id: Int!) { path(id: $id) { name } }", {"id": None}),
    (
        "mutation($input: UpdateMentorInput!) { updateMentor(input: $input) { __typename } }",
        {"input": {"id": 1, "capacity": "six"}},
    ),
    (
        "mutation($input: UpdateMentorInput!) { updateMentor(input: $input) { __typename } }",
        {"input": {"capacity": 3}},
    ),
    (
        "mutation($input: UpdateMentorInput!) { updateMentor(input: $input) { __typename } }",
        {"input": {"id": 1, "startDate": "2026-02-30"}},
    ),
    ("query($w: Date!) { sessions(week: $w) { totalCount } }", {"w": "2026-02-30"}),
    ("query($id: UUID!) { matchingRun(id: $id) { id } }", {"id": "not-a-uuid"}),
    ("query($id: UUID!) { matchingRun(id: $id) { id } }", {"id": 12}),
    ("query($id: Int!) { path(id: $id) { name } }", {"id": 2**40}),
    ("query($id: Int!) { path(id: $id) { name } }", {"id": [1]}),
]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize(
    ("query", "variables"),
    BAD_VARIABLES,
    ids=[
        "missing",
        "null",
        "capacity-six",
        "missing-input-field",
        "input-date-feb-30",
        "date-feb-30",
        "bad-uuid",
        "uuid-number",
        "int-overflow",
        "list-for-int",
    ],
)
async def test_variable_errors_are_typed_bad_user_input(
    db: Backend, staff_token: str, environment: Environment, query: str, variables: dict[str, Any]
) -> None:
    _, projects = await factories.catalogue()
    await factories.mentor(projects)
    capacity = (await Mentor.get()).capacity
    async with client_for(db, staff_token, environment=environment) as http:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["message"] != "Internal server error" and "$" in error["message"]
    assert (await Mentor.get()).capacity == capacity


@pytest.mark.parametrize("environment", ENVIRONMENTS)
async def test_a_body_that_is_not_json_is_a_coded_4xx(db: Backend, environment: Environment) -> None:
    async with client_for(db, environment=environment) as http:
        plain = await http.post(
            "/graphql", content=b"{ viewer { role } }", headers={"content-type": "text/plain"}
        )
        put = await http.put("/graphql", json={"query": "{ viewer { role } }"})
        missing = await http.get("/nowhere")
    for response in (plain, put, missing):
        assert 400 <= response.status_code < 500
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["errors"][0]["extensions"]["code"]


# Findings 5 and 14: no suggestions in production; every validation error has a code.

TYPOS = [
    "{ pathz { totalCount } }",  # field
    "{ paths(frist: 1) { totalCount } }",  # argument
    "query($id: Intt!) { path(id: $id) { name } }",  # type
    "{ students(withoutMentr: true) { totalCount } }",  # argument
    "mutation { updateMentor(input: {id: 1, status: ACTIV}) { __typename } }",  # enum value
    "mutation { updateMentor(input: {id: 1, capacty: 2}) { __typename } }",  # input field
]


@pytest.mark.parametrize(
    "query", TYPOS, ids=["field", "argument", "type", "argument-2", "enum", "input-field"]
)
async def test_production_gives_no_suggestions(db: Backend, staff_token: str, query: str) -> None:
    async with client_for(db, staff_token, environment=Environment.PRODUCTION) as http:
        body = (await http.post("/graphql", json={"query": query})).json()
    async with client_for(db, staff_token) as http:
        development = (await http.post("/graphql", json={"query": query})).json()
    assert body["errors"] and all("Did you mean" not in e["message"] for e in body["errors"])
    assert all(e["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED" for e in body["errors"])
    assert any("Did you mean" in e["message"] for e in development["errors"])


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (
            "mutation($s: MentorStatus) { updateMentor(input: {id: 1, status: $s}) { __typename } }",
            {"s": "ACTIV"},
        ),
        (
            "mutation($input: UpdateMentorInput!) { updateMentor(input: $input) { __typename } }",
            {"input": {"id": 1, "capacty": 2}},
        ),
    ],
    ids=["enum-value", "input-field"],
)
async def test_production_gives_no_suggestions_for_variables(
    db: Backend, staff_token: str, query: str, variables: dict[str, Any]
) -> None:
    async with client_for(db, staff_token, environment=Environment.PRODUCTION) as http:
        body = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    async with client_for(db, staff_token) as http:
        development = (await http.post("/graphql", json={"query": query, "variables": variables})).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Did you mean" not in body["errors"][0]["message"]
    assert "Did you mean" in development["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(20)) + " }", "ALIAS_LIMIT"),
        (
            "{ paths { edges { node { projects { path { projects { path { projects { path { projects { path { projects { path { name } } } } } } } } } } } } } }",
            "DEPTH_LIMIT",
        ),
        ("{ viewer { role }", "GRAPHQL_PARSE_FAILED"),
    ],
    ids=["aliases", "depth", "syntax"],
)
async def test_limit_and_parse_errors_have_a_code(
    db: Backend, staff_token: str, query: str, code: str
) -> None:
    async with client_for(db, staff_token) as http:
        body = (await http.post("/graphql", json={"query": query})).json()
    assert body["errors"][0]["extensions"]["code"] == code


async def test_client_mistakes_are_logged_as_one_line_without_traceback(
    db: Backend, staff_token: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with client_for(db, staff_token, environment=Environment.PRODUCTION) as http:
        await http.post(
            "/graphql",
            json={"query": "query($w: Date!) { sessions(week: $w) { totalCount } }", "variables": {"w": "x"}},
        )
        await http.post("/graphql", json={"query": "{ pathz }"})
        await http.post("/graphql", content=b"\xff", headers={"content-type": "application/json"})
    lines = [r for r in caplog.records if r.getMessage().startswith("client_error")]
    assert len(lines) == 3
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in lines)
    assert [json.loads(r.getMessage().split(" ", 1)[1])["code"] for r in lines] == [
        "BAD_USER_INPUT",
        "GRAPHQL_VALIDATION_FAILED",
        "BAD_REQUEST",
    ]
    assert not [r for r in caplog.records if r.exc_info is not None]


# Finding 10: CORS for the configured origins.

ORIGIN = "https://app.example"


async def test_cors_preflight_and_credentialed_request_from_an_allowed_origin(
    db: Backend, staff_token: str
) -> None:
    async with client_for(db, None, allowed_origins=(ORIGIN,)) as http:
        preflight = await http.options(
            "/graphql",
            headers={
                "origin": ORIGIN,
                "access-control-request-method": "POST",
                "access-control-request-headers": "authorization, content-type",
            },
        )
        request = await http.post(
            "/graphql",
            json={"query": "{ viewer { role } }"},
            headers={"origin": ORIGIN, "authorization": f"Bearer {staff_token}"},
        )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert request.json()["data"] == {"viewer": {"role": "staff"}}
    assert request.headers["access-control-allow-origin"] == ORIGIN
    assert request.headers["access-control-allow-credentials"] == "true"


async def test_cors_gives_nothing_to_another_origin(db: Backend, staff_token: str) -> None:
    evil = "https://evil.example"
    async with client_for(db, None, allowed_origins=(ORIGIN,)) as http:
        preflight = await http.options(
            "/graphql", headers={"origin": evil, "access-control-request-method": "POST"}
        )
        request = await http.post(
            "/graphql",
            json={"query": "{ viewer { role } }"},
            headers={"origin": evil, "authorization": f"Bearer {staff_token}"},
        )
    assert preflight.status_code == 400
    assert preflight.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    # Starlette still sends its fixed headers (methods, credentials), never the origin: without it the
    # browser refuses both the preflight and the response.
    for response in (preflight, request):
        assert "access-control-allow-origin" not in response.headers


# Finding 9: a presented token that does not authenticate is told so.


@pytest.mark.parametrize(
    "header",
    [
        "Bearer mm_garbage",
        "Bearer not-even-the-prefix",
        "bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "mm_" + "x" * 500,
    ],
)
async def test_a_token_that_does_not_authenticate_gets_401(db: Backend, header: str) -> None:
    async with client_for(db, None) as http:
        response = await http.post(
            "/graphql",
            json={"query": "{ viewer { role } matchingRuns { id } }"},
            headers={"authorization": header},
        )
        created = await http.post(
            "/graphql",
            json={"query": 'mutation { createPath(input: {name: "X"}) { __typename } }'},
            headers={"authorization": header},
        )
    assert response.status_code == 401 and created.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.json()["data"] is None
    assert await Path.all().count() == 0


async def test_no_token_is_still_anonymous(db: Backend) -> None:
    async with client_for(db, None) as http:
        response = await http.post("/graphql", json={"query": "{ viewer { role } }"})
    assert response.status_code == 200 and response.json()["data"] == {"viewer": {"role": None}}


def _client(http: httpx.AsyncClient) -> httpx.AsyncClient:
    return http


async def test_a_valid_document_is_validated_once_and_an_invalid_one_every_time(
    db: Backend, staff_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import schema.limits

    calls: list[str] = []
    original = schema.limits.validate

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append("validate")
        return original(*args, **kwargs)

    monkeypatch.setattr(schema.limits, "validate", counting)
    async with client_for(db, staff_token) as http:
        for _ in range(3):
            ok = (await http.post("/graphql", json={"query": "{ viewer { role } }"})).json()
            assert ok["data"] == {"viewer": {"role": "staff"}}
        valid_calls = len(calls)
        for _ in range(2):
            bad = (await http.post("/graphql", json={"query": "{ viewer { rolez } }"})).json()
            assert bad["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert valid_calls == 1
    assert len(calls) == 3
