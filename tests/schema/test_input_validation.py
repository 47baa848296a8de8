"""Every bad input the database or the time conversions could not take gets a typed error naming the field,
and stores nothing: NUL characters and lone surrogates in any text, text longer than its column, numbers
outside a small-integer column, dates at year 1 or 9999, cursor ids outside 32 bits, page sizes below one
on nested pages, and bad months on the CSV statement route (a JSON 4xx)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from tortoise import Tortoise

from tests import factories
from tests.conftest import TABLES, Backend, GraphQLClient

UPDATE_STUDENT = """mutation($input: UpdateStudentInput!) { updateStudent(input: $input) {
  __typename ... on UserError { code field message } } }"""
CREATE_STUDENT = """mutation($input: CreateStudentInput!) { createStudent(input: $input) {
  __typename ... on UserError { code field message } } }"""
CREATE_PATH = """mutation($input: CreatePathInput!) { createPath(input: $input) {
  __typename ... on UserError { code field message } } }"""
UPDATE_PROJECT = """mutation($input: UpdateProjectInput!) { updateProject(input: $input) {
  __typename ... on UserError { code field message } } }"""
UPDATE_MENTOR = """mutation($input: UpdateMentorInput!) { updateMentor(input: $input) {
  __typename ... on UserError { code field message } } }"""
# 34 two-letter codes: 101 characters once joined by commas, over the 100 of the column.
LANGUAGES = [a + b for a in "abcdefghijklmnopqrstuvwxyz" for b in "ab"][:34]
BOOK = """mutation($input: BookSessionInput!) { bookSession(input: $input) {
  __typename ... on UserError { code field message } } }"""


async def snapshot() -> list[Any]:
    conn = Tortoise.get_connection("default")
    return [
        await conn.execute_query_dict(f'SELECT * FROM "{t}" ORDER BY 1') for t in TABLES if t != "api_token"
    ]


def cursor(kind: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{pk}".encode()).decode()


async def post(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    # json.dumps escapes a lone surrogate as \\ud800, which the server's JSON parser gives back as one.
    body = json.dumps({"query": query, "variables": variables})
    response = await http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


@pytest.fixture
async def world(db: Backend) -> dict[str, int]:
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    student = await factories.student(path, projects[0])
    pair = await factories.pair(student, mentor)
    return {
        "path": path.id,
        "project": projects[0].id,
        "mentor": mentor.id,
        "student": student.id,
        "pair": pair.id,
    }


async def test_mutations_refuse_text_dates_and_numbers_the_store_cannot_take(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    s, m = world["student"], world["mentor"]
    new_student = {"name": "Ada", "email": "ada@example.org", "pathId": world["path"]}
    new_student["currentProjectId"] = world["project"]
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("updateStudent", UPDATE_STUDENT, {"id": s, "name": "Ada\u0000Lovelace"}, "name"),
        ("updateStudent", UPDATE_STUDENT, {"id": s, "address": "1 rue \ud800"}, "address"),
        ("updateStudent", UPDATE_STUDENT, {"id": s, "trainingObjective": "x\udfff"}, "trainingObjective"),
        ("updateStudent", UPDATE_STUDENT, {"id": s, "languages": ["fr", "e\u0000"]}, "languages.1"),
        ("updateStudent", UPDATE_STUDENT, {"id": s, "phone": "+33" + "1" * 30}, "phone"),
        ("updateStudent", UPDATE_STUDENT, {"id": s, "languages": LANGUAGES}, "languages"),
        ("updateStudent", UPDATE_STUDENT, {"id": s, "photoUrl": "https://x.org/" + "p" * 490}, "photoUrl"),
        ("updateStudent", UPDATE_STUDENT, {"id": s, "latestDiploma": "D" * 201}, "latestDiploma"),
        ("createStudent", CREATE_STUDENT, new_student | {"phone": "0" * 33}, "phone"),
        ("createStudent", CREATE_STUDENT, new_student | {"name": "\ud83d"}, "name"),
        ("createPath", CREATE_PATH, {"name": "P" * 201}, "name"),
        ("createPath", CREATE_PATH, {"name": "Data", "description": "a\u0000b"}, "description"),
        ("updateProject", UPDATE_PROJECT, {"id": world["project"], "position": 40000}, "position"),
        ("updateMentor", UPDATE_MENTOR, {"id": m, "startDate": "0001-01-01"}, "startDate"),
        ("updateMentor", UPDATE_MENTOR, {"id": m, "startDate": "9999-12-31"}, "startDate"),
        ("bookSession", BOOK, {"mentorshipId": world["pair"], "startsAt": "9999-12-31T23:30"}, "startsAt"),
        ("bookSession", BOOK, {"mentorshipId": world["pair"], "startsAt": "0001-01-01T00:30"}, "startsAt"),
    ]
    wrong = []
    for name, document, given, field in cases:
        before = await snapshot()
        body = await post(client, document, {"input": given})
        answer = (body.get("data") or {}).get(name)
        if not (
            answer
            and answer["__typename"] == "ValidationError"
            and (answer["code"], answer["field"]) == ("VALIDATION", field)
            and await snapshot() == before
        ):
            wrong.append((name, field, body))
    assert not wrong, wrong


async def test_queries_refuse_dates_cursors_and_page_sizes_with_code_and_field(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    cases: list[tuple[str, dict[str, Any], str]] = [
        ('{ sessions(week: "0001-01-01") { totalCount } }', {}, "week"),
        ('{ sessions(week: "9999-12-31") { totalCount } }', {}, "week"),
        ('{ mentors { edges { node { parisAvailability(week: "9999-12-31") { notice } } } } }', {}, "week"),
        ('{ students { edges { node { parisAvailability(week: "0001-01-02") { notice } } } } }', {}, "week"),
        (
            '{ students { edges { node { sessions(week: "9999-12-31") { id } } } } }',
            {},
            "week",
        ),
        ('{ pairingChanges(since: "0001-01-01T00:30:00+01:00") { totalCount } }', {}, "since"),
        ('{ mentorStatement(mentorId: 1, month: "9999-12") { total } }', {}, "month"),
        ("query($a: String) { paths(after: $a) { totalCount } }", {"a": "\u0000"}, "after"),
        ("query($a: String) { paths(after: $a) { totalCount } }", {"a": cursor("Path", 2**31)}, "after"),
        ("query($a: String) { mentors(after: $a) { totalCount } }", {"a": cursor("Mentor", -1)}, "after"),
        ("query($a: String) { students(after: $a) { totalCount } }", {"a": cursor("Student", 0)}, "after"),
        (
            "query($a: String) { mentors { edges { node { students(after: $a) { totalCount } } } } }",
            {"a": cursor("Student", 2**40)},
            "after",
        ),
        ("{ mentors { edges { node { students(first: 0) { totalCount } } } } }", {}, "first"),
        ("{ mentors { edges { node { students(first: -5) { totalCount } } } } }", {}, "first"),
        ("{ mentors(first: 0) { totalCount } }", {}, "first"),
    ]
    wrong = []
    for query, variables, field in cases:
        body = await post(client, query, variables)
        errors = body.get("errors") or [{}]
        extensions = errors[0].get("extensions", {})
        if (extensions.get("code"), extensions.get("field")) != ("VALIDATION", field):
            wrong.append((query, body))
    assert not wrong, wrong


async def test_statement_route_answers_bad_months_and_ids_with_json_4xx(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    m = world["mentor"]
    cases = [
        (f"/statements/{m}/9999-12.csv", 400, "VALIDATION", "month"),
        (f"/statements/{m}/0001-01.csv", 400, "VALIDATION", "month"),
        (f"/statements/{m}/2026-13.csv", 400, "VALIDATION", "month"),
        (f"/statements/{m}/2026-00.csv", 400, "VALIDATION", "month"),
        (f"/statements/{m}/nope.csv", 400, "VALIDATION", "month"),
        (f"/statements/{2**31}/2026-11.csv", 404, "NOT_FOUND", "mentorId"),
        (f"/statements/{2**63}/2026-11.csv", 404, "NOT_FOUND", "mentorId"),
        ("/statements/999/2026-11.csv", 404, "NOT_FOUND", "mentorId"),
    ]
    for url, status, code, field in cases:
        response = await client.get(url)
        assert response.status_code == status, (url, response.text)
        assert response.headers["content-type"] == "application/json", url
        extensions = response.json()["errors"][0]["extensions"]
        assert (extensions["code"], extensions.get("field")) == (code, field), url
    anonymous = await client.get(f"/statements/{m}/2026-11.csv", headers={"authorization": ""})
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_valid_edge_values_still_pass(client: httpx.AsyncClient, world: dict[str, int]) -> None:
    """The bounds are the columns' and the supported dates': values at them are stored."""
    gql = GraphQLClient(client)
    given = {"id": world["student"], "phone": "+" + "3" * 31, "latestDiploma": "D" * 200, "name": "Zoë 🎓"}
    answer = await gql(UPDATE_STUDENT, {"input": given})
    assert answer["updateStudent"]["__typename"] == "StudentPayload"
    start = await gql(UPDATE_MENTOR, {"input": {"id": world["mentor"], "startDate": "1900-01-01"}})
    assert start["updateMentor"]["__typename"] == "MentorPayload"
    week = await gql('{ sessions(week: "2999-12-30") { totalCount } }')
    assert week["sessions"]["totalCount"] == 0


async def test_introspection_with_arguments_still_works(client: httpx.AsyncClient, db: Backend) -> None:
    body = await post(
        client, '{ __type(name: "Query") { name fields(includeDeprecated: true) { name } } }', {}
    )
    assert body["data"]["__type"]["name"] == "Query", body


async def test_negative_and_zero_ids_are_missing_objects(
    client: httpx.AsyncClient, world: dict[str, int]
) -> None:
    gql = GraphQLClient(client)
    assert await gql("{ mentor(id: -1) { id } student(id: 0) { id } }") == {"mentor": None, "student": None}
    before = await snapshot()
    for document in (
        'mutation { updateStudent(input: {id: -5, name: "x"}) { __typename } }',
        'mutation { bookSession(input: {mentorshipId: -1, startsAt: "2026-12-01T19:00"}) { __typename } }',
    ):
        answer = await gql(document)
        assert next(iter(answer.values()))["__typename"] == "NotFoundError", answer
    assert await snapshot() == before
