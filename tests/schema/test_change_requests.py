"""R7 through the GraphQL API (both databases, jobs in-process): the student or the mentor of a pair ends
it without reason; anyone else is told the pair does not exist and nothing changes; staff say on whose
behalf; the ended pair is never proposed again; a replacement run places the student alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from tortoise import Tortoise

from domain.enums import MentorshipEndReason, PairingAction, PairingCause
from domain.models import MatchingRun, Mentorship, PairingChange
from domain.paris_time import paris_today, week_monday
from tests.auth_world import build_world
from tests.conftest import Backend, GraphQLClient, post_as
from tests.jobs.helpers import fresh_jobs, run_finished

__all__ = ["fresh_jobs"]

NEXT_WEEK = week_monday(paris_today()) + timedelta(days=7)

CHANGE = """
mutation($input: RequestMentorChangeInput!) {
  requestMentorChange(input: $input) {
    __typename
    ... on ChangePayload {
      mentorship { id endedOn endReason }
      replacementRun { id status scope options }
    }
    ... on UserError { code field message }
  }
}"""

RUN = """
query($id: UUID!) {
  matchingRun(id: $id) {
    id status error
    proposal { pairs { studentId mentorId } unplaced { studentId reason } }
  }
}"""

START = """
mutation($input: StartRunInput!) {
  startRun(input: $input) { __typename ... on RunPayload { run { id } } ... on UserError { code message } }
}"""

PUBLISH = """
mutation($input: PublishRunInput!) {
  publishRun(input: $input) {
    __typename
    ... on PublishPayload { created { mentor { id } student { id } } }
    ... on UserError { code field message }
  }
}"""

TABLES = ["mentorship", "session", "pairing_change", "matching_run", "mentor", "student"]


async def as_token(
    client: httpx.AsyncClient, token: str | None, query: str, variables: dict[str, Any]
) -> Any:
    assert token is not None
    return (await post_as(client, token, query, variables, expect_ok=True))["data"]


async def tables() -> list[Any]:
    conn = Tortoise.get_connection("default")
    return [await conn.execute_query_dict(f'SELECT * FROM "{t}" ORDER BY 1') for t in TABLES]


async def finished(gql: GraphQLClient, run_id: str) -> dict[str, Any]:
    return await run_finished(gql, run_id, RUN)


async def test_the_student_asks_without_reason(db: Backend, client: httpx.AsyncClient) -> None:
    world = await build_world()
    token = world.tokens["student_a"]
    answer = (await as_token(client, token, CHANGE, {"input": {"mentorshipId": world.pair_a.id}}))[
        "requestMentorChange"
    ]
    assert answer["__typename"] == "ChangePayload", answer
    assert answer["mentorship"]["endReason"] == "CHANGE_REQUESTED_BY_STUDENT"
    # The student no longer sees their former mentor (only a current one): the pair is over.
    assert answer["mentorship"]["id"] == world.pair_a.id
    assert answer["replacementRun"] is None
    audit = await PairingChange.get(mentorship_id=world.pair_a.id, action=PairingAction.ENDED)
    assert (audit.cause, audit.actor, audit.reason) == (
        PairingCause.REQUEST,
        f"student:{world.student_a.id}",
        "",
    )
    # Asking again: the pair has ended.
    again = (await as_token(client, token, CHANGE, {"input": {"mentorshipId": world.pair_a.id}}))[
        "requestMentorChange"
    ]
    assert (again["__typename"], again["code"]) == ("ConflictError", "CONFLICT")


async def test_the_mentor_asks_and_may_say_why(db: Backend, client: httpx.AsyncClient) -> None:
    world = await build_world()
    variables = {"input": {"mentorshipId": world.pair_b.id, "reason": "we do not get along"}}
    answer = (await as_token(client, world.tokens["mentor_b"], CHANGE, variables))["requestMentorChange"]
    assert answer["mentorship"]["endReason"] == "CHANGE_REQUESTED_BY_MENTOR"
    audit = await PairingChange.get(mentorship_id=world.pair_b.id, action=PairingAction.ENDED)
    assert (audit.actor, audit.reason) == (f"mentor:{world.mentor_b.id}", "we do not get along")
    # A student cannot speak for the mentor.
    lying = {"input": {"mentorshipId": world.pair_a.id, "requestedBy": "MENTOR"}}
    refused = (await as_token(client, world.tokens["student_a"], CHANGE, lying))["requestMentorChange"]
    assert (refused["code"], refused["field"]) == ("VALIDATION", "requestedBy")
    assert (await Mentorship.get(id=world.pair_a.id)).ended_on is None


async def test_nobody_else_may_end_a_pair(db: Backend, client: httpx.AsyncClient) -> None:
    world = await build_world()
    before = await tables()
    for role in ("mentor_b", "student_b"):
        variables = {"input": {"mentorshipId": world.pair_a.id, "proposeReplacement": True}}
        answer = (await as_token(client, world.tokens[role], CHANGE, variables))["requestMentorChange"]
        assert (answer["__typename"], answer["code"]) == ("NotFoundError", "NOT_FOUND"), role
    missing = (await as_token(client, world.tokens["student_a"], CHANGE, {"input": {"mentorshipId": 999}}))[
        "requestMentorChange"
    ]
    assert missing["code"] == "NOT_FOUND"
    assert await tables() == before


async def test_staff_say_on_whose_behalf_and_a_replacement_is_proposed(
    db: Backend, gql: GraphQLClient
) -> None:
    world = await build_world()
    unsaid = (await gql(CHANGE, {"input": {"mentorshipId": world.pair_a.id}}))["requestMentorChange"]
    assert (unsaid["code"], unsaid["field"]) == ("VALIDATION", "requestedBy")
    assert (await Mentorship.get(id=world.pair_a.id)).ended_on is None
    variables = {
        "input": {"mentorshipId": world.pair_a.id, "requestedBy": "STUDENT", "proposeReplacement": True}
    }
    answer = (await gql(CHANGE, variables))["requestMentorChange"]
    assert answer["mentorship"]["endReason"] == "CHANGE_REQUESTED_BY_STUDENT"
    replacement = answer["replacementRun"]
    assert replacement["scope"] == {"kind": "students", "studentIds": [world.student_a.id]}
    assert replacement["options"]["week"] == NEXT_WEEK.isoformat()
    run = await finished(gql, replacement["id"])
    assert run["status"] == "SUCCEEDED", run["error"]
    # Never the former mentor: the other one.
    assert run["proposal"]["pairs"] == [{"studentId": world.student_a.id, "mentorId": world.mentor_b.id}]
    published = (await gql(PUBLISH, {"input": {"runId": replacement["id"]}}))["publishRun"]
    assert published["created"] == [
        {"mentor": {"id": world.mentor_b.id}, "student": {"id": world.student_a.id}}
    ]


async def test_a_later_run_never_proposes_the_ended_pair(db: Backend, gql: GraphQLClient) -> None:
    world = await build_world()
    for pair, side in ((world.pair_a, "STUDENT"), (world.pair_b, "MENTOR")):
        variables = {"input": {"mentorshipId": pair.id, "requestedBy": side}}
        assert (await gql(CHANGE, variables))["requestMentorChange"]["__typename"] == "ChangePayload"
    started = await gql(START, {"input": {"timeLimitS": 10, "week": NEXT_WEEK.isoformat()}})
    run = await finished(gql, started["startRun"]["run"]["id"])
    assert run["status"] == "SUCCEEDED", run["error"]
    proposed = {(p["studentId"], p["mentorId"]) for p in run["proposal"]["pairs"]}
    assert (world.student_a.id, world.mentor_a.id) not in proposed
    assert (world.student_b.id, world.mentor_b.id) not in proposed
    # Each student is placed with the other mentor instead.
    assert {(world.student_a.id, world.mentor_b.id), (world.student_b.id, world.mentor_a.id)} <= proposed
    ended = await Mentorship.filter(id__in=[world.pair_a.id, world.pair_b.id]).order_by("id")
    assert [m.end_reason for m in ended] == [
        MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT,
        MentorshipEndReason.CHANGE_REQUESTED_BY_MENTOR,
    ]
    assert await MatchingRun.all().count() == 1
