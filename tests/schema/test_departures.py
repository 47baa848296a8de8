"""R6 through the GraphQL API (both databases, jobs in-process): giveNotice refuses less than 14 days,
queues the re-matching run of the mentor's students, which staff publish; withdrawNotice; who may do it;
after the last day nothing is assigned to the mentor."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx

from domain.enums import MentorshipEndReason, MentorStatus, PairingAction, PairingCause
from domain.models import Event, MatchingRun, Mentor, Mentorship, PairingChange
from domain.paris_time import PARIS, week_monday
from domain.services import departures
from jobs.queue import InProcessQueue, queue_for
from tests.auth_world import World, build_world
from tests.conftest import Backend, GraphQLClient, post_as
from tests.jobs.helpers import fresh_jobs, run_finished

__all__ = ["fresh_jobs"]

as_token = partial(post_as, expect_ok=True)  # the status is 200, the body as answered

TODAY = datetime.now(PARIS).date()
NEXT_WEEK = week_monday(TODAY) + timedelta(days=7)

GIVE = """
mutation($input: GiveNoticeInput!) {
  giveNotice(input: $input) {
    __typename
    ... on NoticePayload {
      mentor { id status lastDay noticeGivenOn }
      rematchRun { id status scope options }
    }
    ... on UserError { code field message }
  }
}"""

WITHDRAW = """
mutation($id: Int!) {
  withdrawNotice(mentorId: $id) {
    __typename
    ... on NoticePayload { mentor { id lastDay noticeGivenOn } rematchRun { id } }
    ... on UserError { code field message }
  }
}"""

RUN = """
query($id: UUID!) {
  matchingRun(id: $id) { id status error proposal { pairs { studentId mentorId change currentMentorId } } }
}"""

PUBLISH = """
mutation($input: PublishRunInput!) {
  publishRun(input: $input) {
    __typename
    ... on PublishPayload {
      run { status }
      created { id mentor { id } student { id } }
      ended { id endReason }
    }
    ... on UserError { code field message }
  }
}"""

CREATE_PAIR = """
mutation($input: CreateMentorshipInput!) {
  createMentorship(input: $input) { __typename ... on UserError { code field message } }
}"""


async def finished(gql: GraphQLClient, run_id: str) -> dict[str, Any]:
    return await run_finished(gql, run_id, RUN)


async def jobs_done() -> None:
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    await queue.wait()


def notice_input(mentor_id: int, days: int) -> dict[str, Any]:
    return {"input": {"mentorId": mentor_id, "lastDay": (TODAY + timedelta(days=days)).isoformat()}}


async def test_13_days_are_refused_with_a_typed_error(db: Backend, gql: GraphQLClient) -> None:
    world = await build_world()
    version = (await Mentor.get(id=world.mentor_a.id)).version
    answer = (await gql(GIVE, notice_input(world.mentor_a.id, 13)))["giveNotice"]
    assert answer["__typename"] == "ValidationError"
    assert (answer["code"], answer["field"]) == ("NOTICE_TOO_SHORT", "lastDay")
    stored = await Mentor.get(id=world.mentor_a.id)
    assert (stored.last_day, stored.notice_given_on, stored.version) == (None, None, version)
    assert await MatchingRun.all().count() == 0
    missing = (await gql(GIVE, notice_input(9999, 20)))["giveNotice"]
    assert (missing["code"], missing["field"]) == ("NOT_FOUND", "mentorId")


async def test_notice_rematch_and_publish(db: Backend, gql: GraphQLClient) -> None:
    world: World = await build_world()
    leaving, staying = world.mentor_a, world.mentor_b
    answer = (await gql(GIVE, notice_input(leaving.id, 14)))["giveNotice"]
    assert answer["__typename"] == "NoticePayload"
    last_day = (TODAY + timedelta(days=14)).isoformat()
    assert answer["mentor"] == {
        "id": leaving.id,
        "status": "ACTIVE",
        "lastDay": last_day,
        "noticeGivenOn": TODAY.isoformat(),
    }
    rematch = answer["rematchRun"]
    assert rematch["scope"] == {"kind": "students", "studentIds": [world.student_a.id]}
    assert rematch["options"]["week"] == NEXT_WEEK.isoformat()
    run = await finished(gql, rematch["id"])
    assert run["status"] == "SUCCEEDED", run["error"]
    # The leaving mentor is no candidate: the student is placed with the other mentor.
    assert [(p["studentId"], p["mentorId"]) for p in run["proposal"]["pairs"]] == [
        (world.student_a.id, staying.id)
    ]
    published = (await gql(PUBLISH, {"input": {"runId": rematch["id"]}}))["publishRun"]
    assert published["__typename"] == "PublishPayload", published
    assert [(c["student"]["id"], c["mentor"]["id"]) for c in published["created"]] == [
        (world.student_a.id, staying.id)
    ]
    assert [e["endReason"] for e in published["ended"]] == ["MENTOR_LEFT"]
    old = await Mentorship.get(id=world.pair_a.id)
    assert old.end_reason is MentorshipEndReason.MENTOR_LEFT
    assert await PairingChange.filter(
        mentorship_id=old.id, action=PairingAction.ENDED, cause=PairingCause.RUN
    ).exists()
    for topic in (f"mentor:{leaving.id}", f"student:{world.student_a.id}"):
        assert await Event.filter(topic=topic, kind="mentorship_ended").exists()
    for topic in (f"mentor:{staying.id}", f"student:{world.student_a.id}"):
        assert await Event.filter(topic=topic, kind="mentorship_started").exists()
    # student_b stays with mentor_b as before (stability).
    assert (await Mentorship.get(id=world.pair_b.id)).ended_on is None
    # After the last day the daily step marks the mentor as gone; nothing is assigned to them any more.
    await departures.apply_due(TODAY + timedelta(days=15))
    assert (await Mentor.get(id=leaving.id)).status is MentorStatus.LEFT
    refused = (
        await gql(
            CREATE_PAIR,
            {
                "input": {
                    "studentId": world.waiting.id,
                    "mentorId": leaving.id,
                    "firstSessionAt": f"{(TODAY + timedelta(days=2)).isoformat()}T10:00",
                }
            },
        )
    )["createMentorship"]
    assert (refused["__typename"], refused["field"]) == ("ValidationError", "mentorId")
    again = (await gql(GIVE, notice_input(leaving.id, 30)))["giveNotice"]
    assert again["code"] == "CONFLICT"


async def test_a_mentor_gives_and_withdraws_their_own_notice(db: Backend, client: httpx.AsyncClient) -> None:
    world = await build_world()
    mine = world.tokens["mentor_a"]
    answer = (await as_token(client, mine, GIVE, notice_input(world.mentor_a.id, 21)))["data"]["giveNotice"]
    assert answer["__typename"] == "NoticePayload"
    assert answer["mentor"]["lastDay"] == (TODAY + timedelta(days=21)).isoformat()
    # The run is queued for staff; its details are theirs to see.
    assert answer["rematchRun"] is None
    run = await MatchingRun.get()
    assert run.requested_by == f"mentor:{world.mentor_a.id}"
    await jobs_done()
    withdrawn = (await as_token(client, mine, WITHDRAW, {"id": world.mentor_a.id}))["data"]["withdrawNotice"]
    assert withdrawn["mentor"] == {"id": world.mentor_a.id, "lastDay": None, "noticeGivenOn": None}
    again = (await as_token(client, mine, WITHDRAW, {"id": world.mentor_a.id}))["data"]["withdrawNotice"]
    assert again["code"] == "CONFLICT"


async def test_others_may_not_give_or_withdraw_a_mentors_notice(
    db: Backend, client: httpx.AsyncClient
) -> None:
    world = await build_world()
    await departures.give_notice(world.mentor_b.id, TODAY + timedelta(days=20))
    await jobs_done()
    before = [(m.id, m.last_day, m.version) for m in await Mentor.all().order_by("id")]
    runs_before = await MatchingRun.all().count()
    for role in ("mentor_b", "student_a", "student_b"):  # anonymous: see test_write_matrix
        token = world.tokens[role]
        body = await as_token(client, token, GIVE, notice_input(world.mentor_a.id, 20))
        assert body["data"]["giveNotice"]["code"] == "NOT_FOUND", (role, body)
    for role in ("mentor_a", "student_b"):
        body = await as_token(client, world.tokens[role], WITHDRAW, {"id": world.mentor_b.id})
        assert body["data"]["withdrawNotice"]["code"] == "NOT_FOUND", (role, body)
    assert [(m.id, m.last_day, m.version) for m in await Mentor.all().order_by("id")] == before
    assert await MatchingRun.all().count() == runs_before
