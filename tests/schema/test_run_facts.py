"""Unplaced students' facts are spelled like the rest of the API (camelCase) and documented."""

from __future__ import annotations

from datetime import date, timedelta

from domain.paris_time import week_monday
from domain.services import run_requests
from jobs.tasks import run_matching
from schema.build import build_schema
from tests.conftest import Backend, GraphQLClient
from tests.factories import catalogue, mentor, student

WEEK = week_monday(date.today()) + timedelta(days=7)
QUERY = """query($id: UUID!) { matchingRun(id: $id) { proposal { unplaced { studentId reason facts } } } }"""


async def test_unplaced_facts_are_camel_case(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue()
    await mentor(projects[:1], capacity=1)
    waiting = [await student(path, projects[0], n=i) for i in range(2)]  # one seat for two students
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=10, week=WEEK)
    )
    assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    unplaced = (await gql(QUERY, {"id": str(run.id)}))["matchingRun"]["proposal"]["unplaced"]
    assert [u["studentId"] for u in unplaced] != [] and {u["studentId"] for u in unplaced} <= {
        s.id for s in waiting
    }
    facts = unplaced[0]["facts"]
    assert {"mentorsForProject", "allowedMentors", "mentorsWithRoom", "allowedStarts"} <= set(facts)
    assert not any("_" in key for key in facts), facts


def test_facts_keys_are_documented() -> None:
    sdl = build_schema(Backend("sqlite", "sqlite://:memory:").settings).as_str()
    for key in ("mentorsForProject", "allowedMentors", "mentorsWithRoom", "allowedStarts", "seats"):
        assert key in sdl
