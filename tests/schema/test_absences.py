"""R5 through the GraphQL API on SQLite and PostgreSQL: a mentor records a short absence (sessions inside it
cancelled without penalty, bookings inside it refused, catch-ups the week after), the refusals with their
codes and nothing stored, who may record, cancel and read; a long absence end to end (the hand-over run
solved in-process, published, the daily step gives the students back); the subscriptions carry the
absence events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import httpx

from domain import outbox
from domain.enums import (
    MentorshipEndReason,
    PairingCause,
    Role,
    SessionStatus,
)
from domain.invariants import check_all, format_report
from domain.models import (
    Event,
    MatchingRun,
    Mentor,
    MentorAbsence,
    Mentorship,
    PairingChange,
    Path,
    Project,
    Session,
    Student,
)
from domain.paris_time import PARIS, week_monday
from domain.services import absences, events, sessions
from domain.services.tokens import issue_token
from infra.settings import DEFAULT_RATES
from jobs import daily, effects
from tests.conftest import Backend, GraphQLClient, post_as
from tests.factories import catalogue, mentor, pair, student
from tests.jobs.helpers import eventually, fresh_jobs
from tests.schema.operations import CREATE_MENTORSHIP as PAIR
from tests.schema.test_subscriptions import connected

__all__ = ["fresh_jobs"]

call = partial(post_as, expect_ok=True)  # the status is 200, the body as answered

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


SERIES = """
mutation($input: ScheduleSeriesInput!) {
  scheduleSeries(input: $input) { __typename ... on SeriesPayload { created { id } } }
}"""

STUDENT_MENTOR = """
query($id: Int!) { student(id: $id) { mentor { id } mentorship { id startedOn } } }"""

PLANS = """
query($m: Int!) {
  mentorAbsences(mentorId: $m) {
    handovers {
      studentId status originalMentorshipId substituteMentorshipId returnedMentorshipId
      plannedMentorId plannedStartsOn plannedWeekday plannedStartMinute note
    }
  }
}"""


async def mentor_of(gql: GraphQLClient, student_id: int) -> int | None:
    found = (await gql(STUDENT_MENTOR, {"id": student_id}))["student"]["mentor"]
    return None if found is None else int(found["id"])


async def no_violations(today: date) -> None:
    """``mentormatch check``'s checker over the whole database, as of the Paris date ``today``."""
    report = await check_all(today=today, rates=DEFAULT_RATES)
    assert report.total == 0, format_report(report)


async def _long_absence_published(
    gql: GraphQLClient,
    away: Mentor,
    substitute: Mentor,
    students: list[Student],
    starts_on: date = W2,
    ends_on: date = LONG_END,
) -> tuple[int, dict[str, Any]]:
    """Record the long absence through the API, let the hand-over run solve, publish it."""
    payload = await _record(gql, away.id, starts_on, ends_on, "leave")
    assert payload["absence"]["long"] is True
    run = payload["handoverRun"]
    assert run["status"] == "QUEUED"
    assert run["scope"] == {"kind": "students", "studentIds": sorted(s.id for s in students)}
    assert run["options"]["week"] == week_monday(starts_on).isoformat()
    assert {h["status"] for h in payload["absence"]["handovers"]} == {"WAITING"}
    seen = await _run_ended(gql, run["id"], "the hand-over run ends")
    assert seen["status"] == "SUCCEEDED", seen["error"]
    assert {p["mentorId"] for p in seen["proposal"]["pairs"]} == {substitute.id}  # never the absent mentor
    published = (await gql(PUBLISH, {"input": {"runId": run["id"]}}))["publishRun"]
    assert published["__typename"] == "PublishPayload", published
    return int(payload["absence"]["id"]), published


async def test_a_long_absence_hands_the_students_over_at_its_start_and_back_at_the_return(
    db: Backend, gql: GraphQLClient
) -> None:
    away, substitute, students, pairs = await world()
    # The first pair's series: weeks W2 .. W2+35; the three after the return stay the pair's.
    series = await gql(
        SERIES, {"input": {"mentorshipId": pairs[0].id, "firstWeek": W2.isoformat(), "weeks": 6}}
    )
    assert len(series["scheduleSeries"]["created"]) == 6, series
    absence_id, published = await _long_absence_published(gql, away, substitute, students)
    # Publishing plans the substitutes; nobody changes mentor weeks before the absence.
    assert published["created"] == [] and published["ended"] == []
    plans = (await gql(PLANS, {"m": away.id}))["mentorAbsences"][0]["handovers"]
    assert {(h["status"], h["plannedMentorId"]) for h in plans} == {("PLANNED", substitute.id)}
    assert all(W2 <= date.fromisoformat(h["plannedStartsOn"]) <= W2 + timedelta(days=6) for h in plans)
    for s in students:
        assert await mentor_of(gql, s.id) == away.id
    await no_violations(TODAY)
    # The daily step the day before the absence changes nothing.
    await daily.apply_due(W2 - timedelta(days=1))
    for s in students:
        assert await mentor_of(gql, s.id) == away.id
    await no_violations(W2 - timedelta(days=1))

    # The absence's first day: the daily step hands the students to the planned substitute.
    assert (await daily.apply_due(W2))["substituted"] == 2
    for s in students:
        assert await mentor_of(gql, s.id) == substitute.id
    listed = (await gql(PLANS, {"m": away.id}))["mentorAbsences"][0]["handovers"]
    assert {h["status"] for h in listed} == {"SUBSTITUTED"}
    assert {h["originalMentorshipId"] for h in listed} == {p.id for p in pairs}
    for p in pairs:
        old = await Mentorship.get(id=p.id)
        assert (old.ended_on, old.end_reason) == (
            W2 - timedelta(days=1),
            MentorshipEndReason.ABSENCE_HANDOVER,
        )
    audit = await PairingChange.filter(cause=PairingCause.ABSENCE).order_by("id")
    assert len(audit) == 4 and {c.cause_ref for c in audit} == {str(absence_id)}
    assert await Event.filter(topic=events.mentor_topic(substitute.id), kind="handover_planned").count() == 2
    assert (
        await Event.filter(topic=events.mentor_topic(substitute.id), kind="mentorship_started").count() == 2
    )
    await no_violations(W2)
    assert (await daily.apply_due(W2))["substituted"] == 0  # twice: nothing more
    await no_violations(LONG_END)

    # The return: the daily step gives the students back to their mentor at the same slot.
    assert (await daily.apply_due(BACK))["returned"] == 2
    for s in students:
        assert await mentor_of(gql, s.id) == away.id
    listed = (await gql(PLANS, {"m": away.id}))["mentorAbsences"][0]["handovers"]
    assert {h["status"] for h in listed} == {"RETURNED"}
    for h in listed:
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
    # The series after the return belongs to the restored pair, and (R14) the pair needs no new discovery
    # session: the mentor and the student have met.
    restored = await Mentorship.get(student_id=students[0].id, ended_on__isnull=True)
    kept = await Session.filter(mentorship_id=restored.id, status=SessionStatus.SCHEDULED)
    assert len(kept) == 3
    later = await gql(
        BOOK, {"input": {"mentorshipId": restored.id, "startsAt": at(BACK + timedelta(days=21))}}
    )
    assert later["bookSession"]["__typename"] == "SessionPayload", later
    more = await gql(
        SERIES,
        {
            "input": {
                "mentorshipId": restored.id,
                "firstWeek": (BACK + timedelta(days=28)).isoformat(),
                "weeks": 2,
            }
        },
    )
    assert len(more["scheduleSeries"]["created"]) == 2, more
    other = await Mentorship.get(student_id=students[1].id, ended_on__isnull=True)
    discovery = await gql(
        BOOK,
        {"input": {"mentorshipId": other.id, "startsAt": at(BACK + timedelta(days=1)), "kind": "DISCOVERY"}},
    )
    assert discovery["bookSession"]["code"] == "CONFLICT", discovery  # they had theirs
    await no_violations(BACK)


async def test_a_hand_over_run_published_once_the_absence_has_started_switches_at_once(
    db: Backend, gql: GraphQLClient
) -> None:
    """Found by the random operations: the run of an absence starting today is published after its start;
    the students go to the substitute then, not at the next daily step."""
    away, substitute, students, _pairs = await world()
    _absence_id, published = await _long_absence_published(
        gql, away, substitute, students, TODAY, TODAY + timedelta(days=20)
    )
    assert len(published["created"]) == 2
    assert [e["endReason"] for e in published["ended"]] == ["ABSENCE_HANDOVER"] * 2
    for s in students:
        assert await mentor_of(gql, s.id) == substitute.id
    listed = (await gql(PLANS, {"m": away.id}))["mentorAbsences"][0]["handovers"]
    assert {h["status"] for h in listed} == {"SUBSTITUTED"}
    await no_violations(TODAY)


NOTICE = """
mutation($input: GiveNoticeInput!) {
  giveNotice(input: $input) { __typename ... on NoticePayload { rematchRun { id } } ... on UserError { code message } }
}"""


async def test_a_planned_substitute_who_gives_notice_is_replaced_before_the_absence(
    db: Backend, gql: GraphQLClient
) -> None:
    """R5, R6: the planned substitute leaves before the absence is over: the plan is dropped and the
    notice's re-matching run plans another substitute; the students still go at the start."""
    away, substitute, students, _pairs = await world()
    await _long_absence_published(gql, away, substitute, students)
    other = await mentor(
        [await Project.get(id=students[0].current_project_id)], n=3, capacity=5
    )  # another mentor of the project
    notice = await gql(
        NOTICE, {"input": {"mentorId": substitute.id, "lastDay": (W2 + timedelta(days=7)).isoformat()}}
    )
    payload = notice["giveNotice"]
    assert payload["__typename"] == "NoticePayload" and payload["rematchRun"] is not None, notice
    listed = (await gql(PLANS, {"m": away.id}))["mentorAbsences"][0]["handovers"]
    assert {(h["status"], h["plannedMentorId"]) for h in listed} == {("WAITING", substitute.id)}
    await no_violations(TODAY)
    run_id = payload["rematchRun"]["id"]
    await _run_ended(gql, run_id, "the re-matching run ends")
    published = (await gql(PUBLISH, {"input": {"runId": run_id}}))["publishRun"]
    assert published["__typename"] == "PublishPayload", published
    listed = (await gql(PLANS, {"m": away.id}))["mentorAbsences"][0]["handovers"]
    assert {(h["status"], h["plannedMentorId"]) for h in listed} == {("PLANNED", other.id)}
    for s in students:
        assert await mentor_of(gql, s.id) == away.id
    await no_violations(TODAY)
    assert (await daily.apply_due(W2))["substituted"] == 2
    for s in students:
        assert await mentor_of(gql, s.id) == other.id
    await no_violations(W2)


async def _run_ended(gql: GraphQLClient, run_id: str, what: str) -> dict[str, Any]:
    """The run through the API once it has ended."""
    seen: dict[str, Any] = {}

    async def done() -> bool:
        seen.update((await gql(RUN, {"id": run_id}))["matchingRun"])
        return seen["status"] not in ("QUEUED", "RUNNING")

    await eventually(done, what=what)
    return seen


async def _record(
    gql: GraphQLClient, mentor_id: int, starts_on: date, ends_on: date, reason: str
) -> dict[str, Any]:
    answer = await gql(
        RECORD,
        {
            "input": {
                "mentorId": mentor_id,
                "startsOn": starts_on.isoformat(),
                "endsOn": ends_on.isoformat(),
                "reason": reason,
            }
        },
    )
    payload: dict[str, Any] = answer["recordAbsence"]
    assert payload["__typename"] == "AbsencePayload", answer
    return payload


async def _replan_run_published(gql: GraphQLClient, before: set[object]) -> None:
    """The one run started since ``before`` (the runs' ids then) solves; publish it."""
    started = [r for r in await MatchingRun.all() if r.id not in before]
    assert len(started) == 1, started
    run_id = str(started[0].id)
    seen = await _run_ended(gql, run_id, "the hand-over run plans again")
    assert seen["status"] == "SUCCEEDED", seen["error"]
    published = (await gql(PUBLISH, {"input": {"runId": run_id}}))["publishRun"]
    assert published["__typename"] == "PublishPayload", published


async def test_a_planned_substitute_who_records_a_long_absence_is_replaced_before_the_absence(
    db: Backend, gql: GraphQLClient
) -> None:
    """R5: the planned substitute will be away during the hand-over: their plans are dropped at once and a
    hand-over run plans another substitute; the students go to that one at the start."""
    away, substitute, students, _pairs = await world()
    await _long_absence_published(gql, away, substitute, students)
    other = await mentor([await Project.get(id=students[0].current_project_id)], n=3, capacity=5)
    before = {r.id for r in await MatchingRun.all()}
    await _record(gql, substitute.id, W2 + timedelta(days=3), W2 + timedelta(days=24), "leave")
    listed = (await gql(PLANS, {"m": away.id}))["mentorAbsences"][0]["handovers"]
    assert {h["status"] for h in listed} == {"WAITING"}
    assert all("planned substitute is away" in h["note"] for h in listed)
    await no_violations(TODAY)
    await _replan_run_published(gql, before)
    listed = (await gql(PLANS, {"m": away.id}))["mentorAbsences"][0]["handovers"]
    assert {(h["status"], h["plannedMentorId"]) for h in listed} == {("PLANNED", other.id)}
    assert (await daily.apply_due(W2))["substituted"] == 2
    for s in students:
        assert await mentor_of(gql, s.id) == other.id
    await no_violations(W2)


async def test_a_plan_that_no_longer_holds_at_the_start_is_planned_again(
    db: Backend, gql: GraphQLClient
) -> None:
    """A short absence of the planned substitute keeps the plan until the start (catch-ups would do for
    their own students), but it cannot start then: the daily step drops it and queues a hand-over run,
    whose publication switches the students to another substitute."""
    away, substitute, students, _pairs = await world()
    await _long_absence_published(gql, away, substitute, students)
    other = await mentor([await Project.get(id=students[0].current_project_id)], n=3, capacity=5)
    short = await _record(gql, substitute.id, W2, W2 + timedelta(days=4), "ill")
    assert short["absence"]["long"] is False, short
    listed = (await gql(PLANS, {"m": away.id}))["mentorAbsences"][0]["handovers"]
    assert {(h["status"], h["plannedMentorId"]) for h in listed} == {("PLANNED", substitute.id)}
    before = {r.id for r in await MatchingRun.all()}
    with outbox.using(effects.sink_for(None)):  # as the embedded daily loop runs it: its run is enqueued
        counts = await daily.apply_due(W2)
    assert (counts["substituted"], counts["planDropped"]) == (0, 2)
    await _replan_run_published(gql, before)
    assert (await daily.apply_due(W2))["substituted"] == 2
    for s in students:
        assert await mentor_of(gql, s.id) == other.id
    await no_violations(W2)


async def test_cancelling_the_absence_before_it_starts_drops_the_plan_and_frees_the_seat(
    db: Backend, gql: GraphQLClient
) -> None:
    away, substitute, students, pairs = await world()
    await Mentor.filter(id=substitute.id).update(capacity=2)
    _absence_id, published = await _long_absence_published(gql, away, substitute, students)
    assert published["created"] == []
    # The substitute's two seats are reserved: manual pairing of a third student is refused (R2).
    newcomer = await student(
        await Path.get(id=students[0].path_id), await Project.get(id=students[0].current_project_id), n=7
    )
    attempt = {
        "studentId": newcomer.id,
        "mentorId": substitute.id,
        "firstSessionAt": at(W1 + timedelta(days=3)),
    }
    refused = (await gql(PAIR, {"input": attempt}))["createMentorship"]
    assert refused["code"] == "CONFLICT" and "capacity" in refused["message"], refused
    await no_violations(TODAY)
    cancelled = await gql(CANCEL, {"id": (await MentorAbsence.get(mentor_id=away.id)).id})
    assert cancelled["cancelAbsence"]["__typename"] == "AbsenceCancelledPayload", cancelled
    listed = (await gql(PLANS, {"m": away.id}))["mentorAbsences"][0]["handovers"]
    assert {h["status"] for h in listed} == {"CANCELLED"}
    assert {h["returnedMentorshipId"] for h in listed} == {p.id for p in pairs}  # the pairs went on
    # The start date passes: nobody is handed over.
    assert (await daily.apply_due(W2))["substituted"] == 0
    for s in students:
        assert await mentor_of(gql, s.id) == away.id
    assert {m.id for m in await Mentorship.filter(ended_on__isnull=True)} == {p.id for p in pairs}
    # The seats are free again.
    paired = (await gql(PAIR, {"input": attempt}))["createMentorship"]
    assert paired["__typename"] == "MentorshipPayload", paired
    await no_violations(W2)


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
