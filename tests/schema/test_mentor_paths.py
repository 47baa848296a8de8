"""R3 through the GraphQL API (both databases): a new mentor on one path, projects only of the mentor's
paths, addMentorPath after three months of mentoring or by a recorded staff override; the refusals store
nothing. The exact month-end edges are in tests/domain/test_mentor_paths.py (they need a chosen today)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import httpx

from domain.enums import Role
from domain.models import ApiToken, Mentor, MentorPath, Path, Project
from domain.paris_time import paris_today
from domain.services import paths
from domain.services.tokens import issue_token
from tests import factories
from tests.conftest import Backend, GraphQLClient, count_queries, post_as

as_token = partial(post_as, expect_ok=True)  # the status is 200, the body as answered

ADD = """
mutation($input: AddMentorPathInput!) {
  addMentorPath(input: $input) {
    __typename
    ... on MentorPathPayload {
      mentor { id paths { path { id name } addedOn addedBy override overrideReason } }
      path { path { id } addedOn addedBy override overrideReason }
    }
    ... on UserError { code field message }
  }
}"""

CREATE_MENTOR = """
mutation($input: CreateMentorInput!) {
  createMentor(input: $input) {
    __typename
    ... on MentorPayload { mentor { id paths { path { id } addedOn addedBy override } } }
    ... on UserError { code field message }
  }
}"""

UPDATE_MENTOR = """
mutation($input: UpdateMentorInput!) {
  updateMentor(input: $input) {
    __typename
    ... on MentorPayload { mentor { projects { id } } }
    ... on UserError { code field message }
  }
}"""


async def staff_actor() -> str:
    token = await ApiToken.get(role=Role.STAFF)
    return f"staff:{token.id}"


async def second_path() -> tuple[Path, Project]:
    path = await paths.create_path(paths.PathInput(name="Data Analyst"))
    project = await paths.create_project(paths.ProjectInput(path.id, "Clean a data set", level=2))
    return path, project


async def paired_since(path: Path, projects: list[Project], day: date, n: int) -> Mentor:
    """A mentor on ``path`` whose first pair started on ``day``."""
    mentor = await factories.mentor(projects, n=n)
    student = await factories.student(path, projects[0], n=n)
    await factories.pair(student, mentor, datetime(day.year, day.month, day.day, 19, 0))
    return mentor


def mentor_input(project_ids: list[int]) -> dict[str, Any]:
    return {
        "name": "Ada",
        "email": "ada@example.org",
        "capacity": 4,
        "projectIds": project_ids,
        "startDate": "2026-01-05",
    }


async def test_create_mentor_records_the_first_path_and_refuses_two(gql: GraphQLClient) -> None:
    path, projects = await factories.catalogue(2)
    _, other = await second_path()
    refused = (await gql(CREATE_MENTOR, {"input": mentor_input([projects[0].id, other.id])}))["createMentor"]
    assert (refused["__typename"], refused["code"], refused["field"]) == (
        "ValidationError",
        "PATH_NOT_ALLOWED_YET",
        "projectIds",
    )
    assert await Mentor.all().count() == 0 and await MentorPath.all().count() == 0
    created = (await gql(CREATE_MENTOR, {"input": mentor_input([p.id for p in projects])}))["createMentor"]
    assert created["mentor"]["paths"] == [
        {"path": {"id": path.id}, "addedOn": "2026-01-05", "addedBy": await staff_actor(), "override": False}
    ]


async def test_update_mentor_refuses_projects_of_another_path(gql: GraphQLClient) -> None:
    _, projects = await factories.catalogue(2)
    mentor = await factories.mentor(projects[:1])
    _, other = await second_path()
    refused = (await gql(UPDATE_MENTOR, {"input": {"id": mentor.id, "projectIds": [other.id]}}))[
        "updateMentor"
    ]
    assert (refused["code"], refused["field"]) == ("PATH_NOT_ALLOWED_YET", "projectIds")
    stored = await Mentor.get(id=mentor.id).prefetch_related("projects")
    assert [p.id for p in stored.projects] == [projects[0].id]
    same_path = await gql(UPDATE_MENTOR, {"input": {"id": mentor.id, "projectIds": [projects[1].id]}})
    assert same_path["updateMentor"]["mentor"]["projects"] == [{"id": projects[1].id}]


async def test_a_mentor_asks_too_early_then_after_three_months(
    db: Backend, client: httpx.AsyncClient
) -> None:
    today = paris_today()
    first_path, projects = await factories.catalogue(1)
    recent = await paired_since(first_path, projects, today - timedelta(days=20), n=1)
    senior = await paired_since(first_path, projects, today - timedelta(days=125), n=2)
    other_path, _ = await second_path()
    token, _ = await issue_token(Role.MENTOR, mentor_id=recent.id)
    body = await as_token(client, token, ADD, {"input": {"mentorId": recent.id, "pathId": other_path.id}})
    refused = body["data"]["addMentorPath"]
    assert (refused["__typename"], refused["code"], refused["field"]) == (
        "ValidationError",
        "PATH_NOT_ALLOWED_YET",
        "pathId",
    )
    assert "possible from" in refused["message"]
    assert await MentorPath.filter(mentor_id=recent.id).count() == 1
    # Four months of mentoring: the mentor adds the path themself.
    token, _ = await issue_token(Role.MENTOR, mentor_id=senior.id)
    body = await as_token(client, token, ADD, {"input": {"mentorId": senior.id, "pathId": other_path.id}})
    added = body["data"]["addMentorPath"]
    assert added["__typename"] == "MentorPathPayload", added
    assert added["path"] == {
        "path": {"id": other_path.id},
        "addedOn": today.isoformat(),
        "addedBy": f"mentor:{senior.id}",
        "override": False,
        "overrideReason": "",
    }
    assert [p["path"]["id"] for p in added["mentor"]["paths"]] == [first_path.id, other_path.id]
    again = await as_token(client, token, ADD, {"input": {"mentorId": senior.id, "pathId": other_path.id}})
    assert again["data"]["addMentorPath"]["code"] == "CONFLICT"
    assert await MentorPath.filter(mentor_id=senior.id).count() == 2


async def test_staff_override_is_recorded_and_needs_a_reason(gql: GraphQLClient) -> None:
    _, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    other_path, _ = await second_path()
    no_reason = (
        await gql(ADD, {"input": {"mentorId": mentor.id, "pathId": other_path.id, "override": True}})
    )["addMentorPath"]
    assert (no_reason["code"], no_reason["field"]) == ("VALIDATION", "overrideReason")
    assert await MentorPath.filter(mentor_id=mentor.id).count() == 1
    variables = {
        "input": {
            "mentorId": mentor.id,
            "pathId": other_path.id,
            "override": True,
            "overrideReason": "ten years as a data engineer",
        }
    }
    added = (await gql(ADD, variables))["addMentorPath"]
    assert added["path"] == {
        "path": {"id": other_path.id},
        "addedOn": paris_today().isoformat(),
        "addedBy": await staff_actor(),
        "override": True,
        "overrideReason": "ten years as a data engineer",
    }
    row = await MentorPath.get(mentor_id=mentor.id, path_id=other_path.id)
    assert (row.override, row.override_reason, row.added_by) == (
        True,
        "ten years as a data engineer",
        await staff_actor(),
    )


async def test_a_mentor_cannot_override_nor_add_a_path_to_another_mentor(
    db: Backend, client: httpx.AsyncClient
) -> None:
    _, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects, n=1)
    someone = await factories.mentor(projects, n=2)
    other_path, _ = await second_path()
    token, _ = await issue_token(Role.MENTOR, mentor_id=mentor.id)
    override = {
        "input": {
            "mentorId": mentor.id,
            "pathId": other_path.id,
            "override": True,
            "overrideReason": "please",
        }
    }
    refused = (await as_token(client, token, ADD, override))["data"]["addMentorPath"]
    assert (refused["__typename"], refused["code"], refused["field"]) == (
        "ValidationError",
        "VALIDATION",
        "override",
    )
    foreign = {"input": {"mentorId": someone.id, "pathId": other_path.id}}
    hidden = (await as_token(client, token, ADD, foreign))["data"]["addMentorPath"]
    assert (hidden["__typename"], hidden["code"]) == ("NotFoundError", "NOT_FOUND")
    assert await MentorPath.all().count() == 2  # the two first paths only


async def test_mentor_paths_of_a_page_cost_the_same_queries_whatever_its_size(gql: GraphQLClient) -> None:
    _, projects = await factories.catalogue(1)
    for n in range(6):
        await factories.mentor(projects, n=n)
    query = "{ mentors(first: 6) { edges { node { id paths { addedOn path { id name } } } } } }"
    await gql("{ viewer { role } }")  # the token is read once, then trusted for a moment (token_cache_s)
    with count_queries() as few:
        await gql(query.replace("6", "2"))
    with count_queries() as many:
        data = await gql(query)
    assert all(len(e["node"]["paths"]) == 1 for e in data["mentors"]["edges"])
    assert len(many.statements) == len(few.statements), "\n".join(many.statements)
