"""R5 through the GraphQL API on SQLite and PostgreSQL: a mentor records a short absence (sessions inside it
cancelled without penalty, bookings inside it refused, catch-ups the week after), the refusals with their
codes and nothing stored, who may record, cancel and read; a long absence end to end (the hand-over run
solved in-process, published, the daily step gives the students back); the subscriptions carry the
absence events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import httpx

from domain.enums import (
    HandoverStatus,
    MentorshipEndReason,
    PairingAction,
    PairingCause,
    Role,
    SessionStatus,
)
from domain.models import (
    Event,
    Handover,
    MatchingRun,
    Mentor,
    MentorAbsence,
    Mentorship,
    PairingChange,
    Session,
    Student,
)
from domain.paris_time import PARIS, week_monday
from domain.services import absences, events, sessions
from domain.services.tokens import issue_token
from tests.conftest import Backend, GraphQLClient
from tests.factories import catalogue, mentor, pair, student
from tests.jobs.helpers import eventually, fresh_jobs
from tests.schema.test_subscriptions import connected

__all__ = ["fresh_jobs"]

TODAY = datetime.now(PARIS).date()
W1 = week_monday(TODAY) + timedelta(days=7)
W2 = W1 + timedelta(days=7)
LONG_END = W2 + timedelta(days=20)
BACK = LONG_END + timedelta(days=1)

RECORD = """
mutation($input: RecordAbsenceInput!) {
  recordAbsence(input: $input) {
    __typename
    ... on AbsencePayload {
      cancelledSessions
      handoverRun { id status scope options }
      absence { id mentorId startsOn endsOn long reason cancelledAt returnedAt handovers { studentId status } }
    }
    ... on UserError { code field message }
  }
}"""

CANCEL = """
mutation($id: Int!) {
  cancelAbsence(id: $id) {
    __typename
    ... on AbsenceCancelledPayload { absence { id cancelledAt } }
    ... on UserError { code field message }
  }
}"""

ABSENCES = """
query($m: Int!) {
  mentorAbsences(mentorId: $m) {
    id startsOn endsOn long cancelledAt returnedAt
    handovers {
      studentId status originalMentorshipId substituteMentorshipId returnedMentorshipId note
    }
  }
}"""

BOOK = """
mutation($input: BookSessionInput!) {
  bookSession(input: $input) {
    __typename
    ... on SessionPayload { session { id catchUp status } }
    ... on UserError { code field message }
  }
}"""

RUN = """
query($id: UUID!) {
  matchingRun(id: $id) { id status error proposal { pairs { studentId mentorId } } }
}"""

PUBLISH = """
mutation($input: PublishRunInput!) {
  publishRun(input: $input) {
    __typename
    ... on PublishPayload { run { status } created { id } ended { id endReason } }
    ... on UserError { code field message }
  }
}"""

MENTOR_SUB = """
subscription($mentorId: Int!, $after: Int) {
  mentorAssignments(mentorId: $mentorId, afterEventId: $after) {
    eventId change mentorshipId studentId cause absenceId absenceStartsOn absenceEndsOn
  }
}"""


def at(day: date, hour: int = 19) -> str:
    return datetime.combine(day, time(hour, 0)).isoformat(timespec="minutes")


async def call(client: httpx.AsyncClient, token: str, query: str, variables: dict[str, Any]) -> Any:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def world() -> tuple[Mentor, Mentor, list[Student], list[Mentorship]]:
    path, projects = await catalogue(2)
    away = await mentor(projects[:1], n=1, capacity=3)
    substitute = await mentor(projects, n=2, capacity=5)
    students = [await student(path, projects[0], n=i) for i in range(2)]
    pairs = [
        await pair(s, away, datetime.combine(W1 + timedelta(days=i), time(19)))
        for i, s in enumerate(students)
    ]
    return away, substitute, students, pairs


async def tokens(away: Mentor, other: Mentor, s: Student) -> dict[str, str]:
    return {
        "mentor": (await issue_token(Role.MENTOR, mentor_id=away.id))[0],
        "other": (await issue_token(Role.MENTOR, mentor_id=other.id))[0],
        "student": (await issue_token(Role.STUDENT, student_id=s.id))[0],
    }


async def test_a_mentor_records_a_short_absence_and_catches_up_the_week_after(
    db: Backend, client: httpx.AsyncClient
) -> None:
    away, other, students, pairs = await world()
    who = await tokens(away, other, students[0])
    inside = await sessions.book_session(
        sessions.BookingInput(pairs[0].id, datetime.combine(W2 + timedelta(days=1), time(19)))
    )
    answer = await call(
        client,
        who["mentor"],
        RECORD,
        {
            "input": {
                "mentorId": away.id,
                "startsOn": W2.isoformat(),
                "endsOn": (W2 + timedelta(days=6)).isoformat(),
                "reason": "holidays",
            }
        },
    )
    assert "errors" not in answer, answer
    payload = answer["data"]["recordAbsence"]
    assert payload["__typename"] == "AbsencePayload"
    assert payload["cancelledSessions"] == 1 and payload["handoverRun"] is None
    absence = payload["absence"]
    assert (absence["mentorId"], absence["startsOn"], absence["long"], absence["reason"]) == (
        away.id,
        W2.isoformat(),
        False,
        "holidays",
    )
    assert absence["handovers"] == []
    cancelled = await Session.get(id=inside.id)
    assert cancelled.status is SessionStatus.CANCELLED and cancelled.billed_amount == Decimal("0")
    assert (await MentorAbsence.get(id=absence["id"])).recorded_by == f"mentor:{away.id}"

    # Booking inside the absence is refused, with nothing stored.
    count = await Session.all().count()
    inside_again = await call(
        client,
        who["mentor"],
        BOOK,
        {"input": {"mentorshipId": pairs[1].id, "startsAt": at(W2 + timedelta(days=3))}},
    )
    refusal = inside_again["data"]["bookSession"]
    assert (refusal["__typename"], refusal["code"], refusal["field"]) == (
        "ConflictError",
        "MENTOR_AWAY",
        "startsAt",
    )
    assert await Session.all().count() == count

    # The week after: a regular session and two catch-ups for the same student.
    week_after = W2 + timedelta(days=7)
    booked = [
        await call(
            client, who["mentor"], BOOK, {"input": {"mentorshipId": pairs[0].id, "startsAt": at(week_after)}}
        )
    ] + [
        await call(
            client,
            who["mentor"],
            BOOK,
            {
                "input": {
                    "mentorshipId": pairs[0].id,
                    "startsAt": at(week_after + timedelta(days=d)),
                    "catchUp": True,
                    "catchUpReason": f"absence from {W2.isoformat()}",
                }
            },
        )
        for d in (1, 2)
    ]
    assert [b["data"]["bookSession"]["__typename"] for b in booked] == ["SessionPayload"] * 3
    assert [b["data"]["bookSession"]["session"]["catchUp"] for b in booked] == [False, True, True]

    # Reading: the mentor sees their absences, another mentor and a student see none.
    mine = await call(client, who["mentor"], ABSENCES, {"m": away.id})
    assert [a["id"] for a in mine["data"]["mentorAbsences"]] == [absence["id"]]
    for reader in ("other", "student"):
        theirs = await call(client, who[reader], ABSENCES, {"m": away.id})
        assert theirs["data"]["mentorAbsences"] == []


async def test_refusals_have_their_codes_and_store_nothing(
    db: Backend, client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    away, other, students, _ = await world()
    who = await tokens(away, other, students[0])
    first = await gql(
        RECORD,
        {
            "input": {
                "mentorId": away.id,
                "startsOn": W2.isoformat(),
                "endsOn": (W2 + timedelta(days=4)).isoformat(),
            }
        },
    )
    assert first["recordAbsence"]["__typename"] == "AbsencePayload"
    state = (
        await MentorAbsence.all().count(),
        await Event.all().count(),
        (await Mentor.get(id=away.id)).version,
    )
    cases = [
        (away.id, W2, W2 - timedelta(days=1), ("ValidationError", "VALIDATION", "endsOn")),
        (away.id, TODAY - timedelta(days=1), W2, ("ValidationError", "VALIDATION", "startsOn")),
        (away.id, W2, W2 + timedelta(days=200), ("ValidationError", "VALIDATION", "endsOn")),
        (away.id, W2 + timedelta(days=2), W2 + timedelta(days=30), ("ConflictError", "CONFLICT", "startsOn")),
        (999, W2, W2, ("NotFoundError", "NOT_FOUND", "mentorId")),
    ]
    for mentor_id, starts, ends, expected in cases:
        answer = await gql(
            RECORD,
            {"input": {"mentorId": mentor_id, "startsOn": starts.isoformat(), "endsOn": ends.isoformat()}},
        )
        got = answer["recordAbsence"]
        assert (got["__typename"], got["code"], got["field"]) == expected, got
    # Another mentor and a student may not record the mentor's absence: it looks like a missing object.
    for intruder in ("other", "student"):
        answer = await call(
            client,
            who[intruder],
            RECORD,
            {
                "input": {
                    "mentorId": away.id,
                    "startsOn": (W2 + timedelta(days=40)).isoformat(),
                    "endsOn": (W2 + timedelta(days=41)).isoformat(),
                }
            },
        )
        assert answer["data"]["recordAbsence"]["__typename"] == "NotFoundError"
    after = (
        await MentorAbsence.all().count(),
        await Event.all().count(),
        (await Mentor.get(id=away.id)).version,
    )
    assert after == state


async def test_only_the_mentor_or_staff_cancel_and_only_before_it_starts(
    db: Backend, client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    away, other, students, _ = await world()
    who = await tokens(away, other, students[0])
    recorded = await absences.record_absence(away.id, W2, W2 + timedelta(days=2), today=TODAY)
    absence_id = recorded.absence.id
    for intruder in ("other", "student"):
        answer = await call(client, who[intruder], CANCEL, {"id": absence_id})
        assert answer["data"]["cancelAbsence"]["__typename"] == "NotFoundError"
        assert (await MentorAbsence.get(id=absence_id)).cancelled_at is None
    done = await call(client, who["mentor"], CANCEL, {"id": absence_id})
    assert done["data"]["cancelAbsence"]["absence"]["cancelledAt"] is not None
    again = await gql(CANCEL, {"id": absence_id})
    assert (again["cancelAbsence"]["__typename"], again["cancelAbsence"]["code"]) == (
        "ConflictError",
        "CONFLICT",
    )
    missing = await gql(CANCEL, {"id": 999})
    assert missing["cancelAbsence"]["__typename"] == "NotFoundError"
    # Started already: refused (the absence starts today).
    today_absence = await absences.record_absence(away.id, TODAY, TODAY, today=TODAY)
    started = await gql(CANCEL, {"id": today_absence.absence.id})
    assert (started["cancelAbsence"]["code"], started["cancelAbsence"]["field"]) == ("VALIDATION", "id")
    assert (await MentorAbsence.get(id=today_absence.absence.id)).cancelled_at is None


async def test_a_long_absence_hands_the_students_over_and_back(db: Backend, gql: GraphQLClient) -> None:
    away, substitute, students, pairs = await world()
    answer = await gql(
        RECORD,
        {
            "input": {
                "mentorId": away.id,
                "startsOn": W2.isoformat(),
                "endsOn": LONG_END.isoformat(),
                "reason": "leave",
            }
        },
    )
    payload = answer["recordAbsence"]
    assert payload["__typename"] == "AbsencePayload" and payload["absence"]["long"] is True
    run = payload["handoverRun"]
    assert run["status"] == "QUEUED"
    assert run["scope"] == {"kind": "students", "studentIds": sorted(s.id for s in students)}
    assert run["options"]["week"] == W2.isoformat()
    assert {h["status"] for h in payload["absence"]["handovers"]} == {"WAITING"}
    absence_id = payload["absence"]["id"]

    seen: dict[str, Any] = {}

    async def done() -> bool:
        seen.update((await gql(RUN, {"id": run["id"]}))["matchingRun"])
        return seen["status"] not in ("QUEUED", "RUNNING")

    await eventually(done, what="the hand-over run ends")
    assert seen["status"] == "SUCCEEDED", seen["error"]
    assert {p["mentorId"] for p in seen["proposal"]["pairs"]} == {substitute.id}  # never the absent mentor
    published = (await gql(PUBLISH, {"input": {"runId": run["id"]}}))["publishRun"]
    assert published["__typename"] == "PublishPayload", published
    assert len(published["created"]) == 2
    assert {e["endReason"] for e in published["ended"]} == {"ABSENCE_HANDOVER"}

    listed = (await gql(ABSENCES, {"m": away.id}))["mentorAbsences"][0]
    assert {h["status"] for h in listed["handovers"]} == {"SUBSTITUTED"}
    assert {h["substituteMentorshipId"] for h in listed["handovers"]} == {
        c["id"] for c in published["created"]
    }
    assert {h["originalMentorshipId"] for h in listed["handovers"]} == {p.id for p in pairs}
    audit = await PairingChange.filter(cause=PairingCause.ABSENCE).order_by("id")
    assert len(audit) == 4 and {c.cause_ref for c in audit} == {str(absence_id)}
    assert all(c.actor.startswith("staff:") for c in audit)
    for s in students:
        kinds = {e.kind for e in await Event.filter(topic=events.student_topic(s.id))}
        assert {"absence_recorded", "mentorship_ended", "mentorship_started"} <= kinds
    assert await Event.filter(topic=events.mentor_topic(away.id), kind="mentorship_ended").count() == 2
    assert (
        await Event.filter(topic=events.mentor_topic(substitute.id), kind="mentorship_started").count() == 2
    )

    # The daily step, the day after the last day.
    assert await absences.apply_due(BACK) == {"absences": 1, "returned": 2, "notReturned": 0}
    listed = (await gql(ABSENCES, {"m": away.id}))["mentorAbsences"][0]
    assert listed["returnedAt"] is not None
    assert {h["status"] for h in listed["handovers"]} == {"RETURNED"}
    for h in listed["handovers"]:
        back = await Mentorship.get(id=h["returnedMentorshipId"])
        original = await Mentorship.get(id=h["originalMentorshipId"])
        assert (back.mentor_id, back.slot_weekday, back.slot_start_minute, back.started_on) == (
            away.id,
            original.slot_weekday,
            original.slot_start_minute,
            BACK,
        )
        sub = await Mentorship.get(id=h["substituteMentorshipId"])
        assert (sub.ended_on, sub.end_reason) == (LONG_END, MentorshipEndReason.ABSENCE_OVER)
    returns = await PairingChange.filter(cause=PairingCause.RETURN)
    assert sorted(c.action for c in returns) == [PairingAction.ENDED] * 2 + [PairingAction.STARTED] * 2
    assert {h.status for h in await Handover.all()} == {HandoverStatus.RETURNED}


async def test_the_assignment_subscriptions_carry_absence_events(db: Backend) -> None:
    away, _, _, pairs = await world()
    token = (await issue_token(Role.MENTOR, mentor_id=away.id))[0]
    recorded = await absences.record_absence(away.id, W2, W2 + timedelta(days=6), today=TODAY)
    latest = await Event.filter(topic=events.mentor_topic(away.id)).order_by("-id").first()
    assert latest is not None
    async with connected(db, token) as client:
        await client.subscribe(MENTOR_SUB, {"mentorId": away.id, "after": 0})
        got = []
        while not got or got[-1]["eventId"] < latest.id:
            got.append(await client.data("mentorAssignments"))
    absence_events = [e for e in got if e["change"] == "ABSENCE_RECORDED"]
    assert [(e["mentorshipId"], e["studentId"]) for e in absence_events] == [
        (p.id, p.student_id) for p in pairs
    ]
    assert {
        (e["absenceId"], e["absenceStartsOn"], e["absenceEndsOn"], e["cause"]) for e in absence_events
    } == {(recorded.absence.id, W2.isoformat(), (W2 + timedelta(days=6)).isoformat(), "ABSENCE")}
    assert {e["change"] for e in got} == {"STARTED", "ABSENCE_RECORDED"}


async def test_a_mentor_recording_a_long_absence_does_not_see_the_hand_over_run(
    db: Backend, client: httpx.AsyncClient
) -> None:
    """The run is queued all the same, but its proposal names other people: staff only."""
    away, other, students, _pairs = await world()
    who = await tokens(away, other, students[0])
    period = {"mentorId": away.id, "startsOn": W2.isoformat(), "endsOn": LONG_END.isoformat()}

    answer = await call(client, who["mentor"], RECORD, {"input": period})

    payload = answer["data"]["recordAbsence"]
    assert payload["__typename"] == "AbsencePayload" and payload["absence"]["long"] is True
    assert payload["handoverRun"] is None
    assert await MatchingRun.filter(scope_key__startswith="students:").count() == 1
