"""Queries: cursor pagination with a cap, the filters an SPA needs, and a fixed SQL count per nesting."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests import factories
from tests.conftest import Backend, GraphQLClient, count_queries

MENTORS_PAGE = """
query($first: Int, $after: String, $projectId: Int, $pathId: Int) {
  mentors(first: $first, after: $after, projectId: $projectId, pathId: $pathId) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id } }
  }
}"""


async def test_cursor_pagination_walks_every_mentor_once(gql: GraphQLClient) -> None:
    _, projects = await factories.catalogue()
    ids = [(await factories.mentor(projects[:1], n=n)).id for n in range(7)]
    seen: list[int] = []
    after = None
    while True:
        page = (await gql(MENTORS_PAGE, {"first": 3, "after": after}))["mentors"]
        assert page["totalCount"] == 7
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ids


async def test_page_size_cap_and_bad_cursor_are_typed_errors(gql: GraphQLClient) -> None:
    too_big = await gql.raw(MENTORS_PAGE, {"first": 51})
    assert too_big["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "first"}
    bad = await gql.raw(MENTORS_PAGE, {"after": "bm90LWEtY3Vyc29y"})
    assert bad["errors"][0]["extensions"] == {"code": "VALIDATION", "field": "after"}


async def test_filters_mentors_by_project_and_path_and_students_without_mentor(gql: GraphQLClient) -> None:
    path, projects = await factories.catalogue()
    m0 = await factories.mentor(projects[:1], n=0)
    m1 = await factories.mentor(projects[1:], n=1)
    by_project = (await gql(MENTORS_PAGE, {"projectId": projects[2].id}))["mentors"]
    assert [e["node"]["id"] for e in by_project["edges"]] == [m1.id]
    by_path = (await gql(MENTORS_PAGE, {"pathId": path.id}))["mentors"]
    assert [e["node"]["id"] for e in by_path["edges"]] == [m0.id, m1.id] and by_path["totalCount"] == 2
    s1 = await factories.student(path, projects[0], n=1)
    s2 = await factories.student(path, projects[0], n=2)
    await factories.pair(s1, m0)
    waiting = await gql(
        "{ students(withoutMentor: true) { totalCount edges { node { id mentor { id } } } } }"
    )
    assert waiting["students"] == {"totalCount": 1, "edges": [{"node": {"id": s2.id, "mentor": None}}]}
    paired = await gql("{ students(withoutMentor: false) { edges { node { id mentor { id } } } } }")
    assert paired["students"]["edges"] == [{"node": {"id": s1.id, "mentor": {"id": m0.id}}}]


async def test_sessions_of_a_paris_week(gql: GraphQLClient) -> None:
    path, projects = await factories.catalogue()
    mentor = await factories.mentor(projects)
    first = await factories.student(path, projects[0], n=1)
    second = await factories.student(path, projects[0], n=2)
    for s in (first, second):
        await factories.open_all_week(mentor_id=mentor.id, student_id=s.id)  # around midnight
    # Sunday 23:30 Paris is Sunday 22:30 UTC: it belongs to the Paris week of Monday 23 November.
    await factories.pair(first, mentor, datetime(2026, 11, 29, 23, 30))
    await factories.pair(second, mentor, datetime(2026, 11, 30, 0, 30))
    week = await gql('{ sessions(week: "2026-11-25") { edges { node { startsAtParis kind } } } }')
    assert week["sessions"]["edges"] == [
        {"node": {"startsAtParis": "2026-11-29T23:30+01:00", "kind": "DISCOVERY"}}
    ]
    mine = await gql(f'{{ sessions(week: "2026-12-01", mentorId: {mentor.id}) {{ totalCount }} }}')
    assert mine["sessions"]["totalCount"] == 1


DASHBOARD = """
query($first: Int!) {
  mentors(first: $first) {
    edges { node {
      name capacity load
      projects { name level }
      availability { weekday start end }
      students(first: 20) { edges { node {
        name
        currentProject { name level path { name } }
        mentorship { slot { weekday start } }
        sessions(week: "2026-11-25") { startsAt status }
      } } }
    } }
  }
}"""


async def _programme(mentors: int, students_each: int) -> None:
    path, projects = await factories.catalogue()
    n = 0
    for m in range(mentors):
        mentor = await factories.mentor(projects, n=m, capacity=20)
        for _ in range(students_each):
            n += 1
            student = await factories.student(path, projects[n % len(projects)], n=n)
            await factories.pair(student, mentor, datetime(2026, 11, 23 + n % 5, 18 + n % 4, 0))


@pytest.mark.parametrize("first", [1, 4])
async def test_nested_dashboard_issues_a_fixed_number_of_queries(
    gql: GraphQLClient, db: Backend, first: int
) -> None:
    await _programme(mentors=4, students_each=5)
    with count_queries() as counter:
        data = await gql(DASHBOARD, {"first": first})
    edges = data["mentors"]["edges"]
    assert len(edges) == first
    assert all(len(e["node"]["students"]["edges"]) == 5 for e in edges)
    assert all(len(s["node"]["sessions"]) == 1 for e in edges for s in e["node"]["students"]["edges"])
    # token, mentors page, project ids, projects (+their paths), windows, current mentorships (+students),
    # sessions of the week (whose pairs are the current ones, already read): whatever the page size. The
    # projects of students are cached with the mentors' projects.
    assert len(counter.statements) == 7, "\n".join(counter.statements)
