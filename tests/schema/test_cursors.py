"""Cursors and counts never speak of rows the viewer may not read: a student reading their mentor's
``students`` sees themself only (it used to give the other students' ids in its cursors)."""

from __future__ import annotations

import base64
from datetime import datetime

import httpx

from api.app import create_app
from domain.enums import Role
from domain.services.tokens import issue_token
from tests import factories
from tests.conftest import Backend, GraphQLClient

PAGE = """query($m: Int!, $after: String) { mentor(id: $m) { students(first: 1, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } } }"""


def ids_in(page: dict[str, object]) -> set[int]:
    cursors = [e["cursor"] for e in page["edges"]]
    end = page["pageInfo"]["endCursor"]
    cursors += [end] if end else []
    return {int(base64.urlsafe_b64decode(c).decode().partition(":")[2]) for c in cursors}


async def walk(gql: GraphQLClient, mentor_id: int) -> tuple[int, set[int], set[int]]:
    """Every page of the mentor's students: (totalCount, ids of the nodes, ids in any cursor)."""
    nodes: set[int] = set()
    named: set[int] = set()
    after = None
    while True:
        page = (await gql(PAGE, {"m": mentor_id, "after": after}))["mentor"]["students"]
        nodes |= {int(e["node"]["id"]) for e in page["edges"]}
        named |= ids_in(page)
        if not page["pageInfo"]["hasNextPage"]:
            return page["totalCount"], nodes, named
        after = page["pageInfo"]["endCursor"]


async def test_a_student_learns_no_other_student_from_their_mentors_list(db: Backend) -> None:
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    students = [await factories.student(path, projects[0], n=i) for i in range(4)]
    for i, s in enumerate(students):
        await factories.pair(s, mentor, datetime(2026, 11, 23 + i, 19, 0))
    everyone = {s.id for s in students}
    app = create_app(db.settings, manage_database=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        for role, kwargs, seen in [
            (Role.STAFF, {}, everyone),
            (Role.MENTOR, {"mentor_id": mentor.id}, everyone),
            (Role.STUDENT, {"student_id": students[2].id}, {students[2].id}),
            (Role.STUDENT, {"student_id": students[0].id}, {students[0].id}),
        ]:
            token, _ = await issue_token(role, **kwargs)
            http.headers["authorization"] = f"Bearer {token}"
            total, nodes, named = await walk(GraphQLClient(http), mentor.id)
            assert (total, nodes, named) == (len(seen), seen, seen), role
