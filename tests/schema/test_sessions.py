"""Sessions through the GraphQL API on SQLite and PostgreSQL: concurrent bookings of one slot (real
concurrency on PostgreSQL's connection pool), typed errors, statuses, notes, series and statements."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from domain.models import Mentorship, Session
from tests import factories
from tests.conftest import Backend, GraphQLClient

# Hard-coded programme dates (December 2026, 2027): run at the instant they were written for.
pytestmark = pytest.mark.usefixtures("programme_clock")

BOOK = """
mutation($input: BookSessionInput!) {
  bookSession(input: $input) {
    __typename
    ... on SessionPayload { session { id startsAtParis durationMinutes kind catchUp } }
    ... on UserError { code field message }
  }
}
"""


async def two_students_one_mentor() -> tuple[Mentorship, Mentorship]:
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    a = await factories.pair(await factories.student(path, projects[0], n=1), mentor)
    b = await factories.pair(
        await factories.student(path, projects[0], n=2), mentor, datetime(2026, 11, 24, 19, 30)
    )
    return a, b


async def book_many(gql: GraphQLClient, inputs: list[dict[str, Any]]) -> Counter[str]:
    """Send every booking at once; count the outcomes. A server error fails the test (gql asserts)."""
    results = await asyncio.gather(*(gql(BOOK, {"input": i}) for i in inputs))
    return Counter(
        r["bookSession"]["__typename"]
        + (":" + r["bookSession"]["code"] if "code" in r["bookSession"] else "")
        for r in results
    )


async def test_50_concurrent_bookings_of_one_mentor_slot(db: Backend, gql: GraphQLClient) -> None:
    a, b = await two_students_one_mentor()
    inputs = [
        {
            "mentorshipId": (a if k % 2 else b).id,
            "startsAt": "2026-12-01T19:00",
        }
        for k in range(50)
    ]
    outcomes = await book_many(gql, inputs)
    assert outcomes == {"SessionPayload": 1, "SlotTaken:SLOT_TAKEN": 49}
    assert await Session.filter(starts_at__gte=datetime(2026, 12, 1, tzinfo=UTC)).count() == 1


async def test_50_concurrent_partially_overlapping_bookings(db: Backend, gql: GraphQLClient) -> None:
    """Starts one minute apart, 60 minutes long: every pair overlaps, none is identical."""
    a, _ = await two_students_one_mentor()
    inputs = [
        {"mentorshipId": a.id, "startsAt": f"2026-12-01T18:{k:02d}", "durationMinutes": 60} for k in range(50)
    ]
    outcomes = await book_many(gql, inputs)
    assert outcomes == {"SessionPayload": 1, "SlotTaken:SLOT_TAKEN": 49}
    assert await Session.filter(mentorship_id=a.id, kind="regular").count() == 1


async def test_one_student_with_two_mentors_at_once(db: Backend, gql: GraphQLClient) -> None:
    """A student handed over to a substitute (R5) has sessions with both mentors in the hand-over weeks:
    concurrent bookings with either mentor at the same time still give the student one session."""
    path, projects = await factories.catalogue(1)
    usual = await factories.mentor(projects, n=1)
    substitute = await factories.mentor(projects, n=2)
    student = await factories.student(path, projects[0])
    first = await factories.pair(student, usual)
    await Mentorship.filter(id=first.id).update(ended_on=date(2026, 12, 31), end_reason="absence_handover")
    second = await factories.pair(student, substitute, datetime(2026, 11, 25, 19, 0))
    inputs = [
        {
            "mentorshipId": (first if k % 2 else second).id,
            "startsAt": "2026-12-08T19:15",
        }
        for k in range(50)
    ]
    outcomes = await book_many(gql, inputs)
    assert outcomes == {"SessionPayload": 1, "SlotTaken:SLOT_TAKEN": 49}
    assert await Session.filter(student_id=student.id, kind="regular").count() == 1


async def test_typed_errors_for_paris_times_and_the_weekly_rule(db: Backend, gql: GraphQLClient) -> None:
    a, _ = await two_students_one_mentor()

    async def outcome(**fields: Any) -> tuple[str, str | None]:
        r = (await gql(BOOK, {"input": {"mentorshipId": a.id, **fields}}))["bookSession"]
        return r["__typename"], r.get("code")

    assert await outcome(startsAt="2027-03-28T02:30") == ("ValidationError", "NONEXISTENT_LOCAL_TIME")
    assert await outcome(startsAt="2026-10-25T02:30") == ("ValidationError", "AMBIGUOUS_LOCAL_TIME")
    assert await outcome(startsAt="2026-12-01T19:00+01:00") == ("ValidationError", "VALIDATION")
    assert await outcome(startsAt="2026-12-01T19:00") == ("SessionPayload", None)
    assert await outcome(startsAt="2026-12-03T19:00") == ("ConflictError", "WEEK_TAKEN")
    assert await outcome(startsAt="2026-12-03T19:00", catchUp=True) == ("ValidationError", "VALIDATION")
    # The mentor was never away: no catch-up (R5).
    assert await outcome(startsAt="2026-12-03T19:00", catchUp=True, catchUpReason="away") == (
        "ValidationError",
        "VALIDATION",
    )
    assert await Session.filter(mentorship_id=a.id).count() == 2


SESSION_FIELDS = "id status sequence endedAt billedLevel billedAmount notes privateComment"


async def test_status_end_and_notes_through_the_api(db: Backend, gql: GraphQLClient) -> None:
    a, _ = await two_students_one_mentor()
    booked = await gql(BOOK, {"input": {"mentorshipId": a.id, "startsAt": "2025-01-07T19:00"}})
    # 2025-01-07 is before the discovery session (2026-11-24): refused.
    assert booked["bookSession"]["field"] == "kind"
    past = await Session.get(mentorship_id=a.id)  # the discovery session, 2026-11-24 19:00
    end = f"""mutation($input: EndSessionInput!) {{ endSession(input: $input) {{
        __typename ... on EndSessionPayload {{ session {{ {SESSION_FIELDS} }} nextSession {{ startsAtParis }} }}
        ... on UserError {{ code field }} }} }}"""
    refused = await gql(end, {"input": {"id": past.id}})
    assert refused["endSession"] == {
        "__typename": "ValidationError",
        "code": "STATUS_REQUIRED",
        "field": "status",
    }
    ended = await gql(
        end,
        {
            "input": {
                "id": past.id,
                "status": "COMPLETED",
                "notes": "good start",
                "privateComment": "shy",
                "nextStartsAt": "2026-12-01T19:00",
            }
        },
    )
    payload = ended["endSession"]
    assert payload["session"]["status"] == "COMPLETED"
    assert (payload["session"]["billedLevel"], payload["session"]["billedAmount"]) == (1, "30.00")
    assert payload["session"]["privateComment"] == "shy"
    assert payload["nextSession"] == {"startsAtParis": "2026-12-01T19:00+01:00"}
    statement = await gql(
        """query($m: Int!) { mentorStatement(mentorId: $m, month: "2026-11") {
             total billableSessions groups { level status sessions amount } csv } }""",
        {"m": a.mentor_id},
    )
    s = statement["mentorStatement"]
    assert s["total"] == "30.00" and s["billableSessions"] == 1
    assert s["groups"] == [{"level": 1, "status": "COMPLETED", "sessions": 1, "amount": "30.00"}]
    assert ",discovery,completed,1,30.00" in s["csv"]


async def test_series_through_the_api_reports_dst_adjustments(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    student = await factories.student(path, projects[0])
    await factories.open_all_week(mentor_id=mentor.id, student_id=student.id)
    # A Sunday 02:30 slot: skipped by the spring change, repeated by the autumn one.
    m = await factories.pair(student, mentor, datetime(2027, 1, 3, 2, 30))
    result = await gql(
        """mutation($input: ScheduleSeriesInput!) { scheduleSeries(input: $input) {
             __typename ... on SeriesPayload { created { id }
               adjusted { week wallTime startsAtParis adjustment }
               skipped { week reason } } } }""",
        {
            "input": {
                "mentorshipId": m.id,
                "firstWeek": "2027-01-04",
                "weeks": 52,
                "absentWeeks": ["2027-08-11"],
            }
        },
    )
    payload = result["scheduleSeries"]
    assert len(payload["created"]) == 51
    assert payload["skipped"] == [{"week": "2027-08-09", "reason": "mentor_absent"}]
    assert payload["adjusted"] == [
        {
            "week": "2027-03-22",
            "wallTime": "2027-03-28T02:30",
            "startsAtParis": "2027-03-28T03:00+02:00",
            "adjustment": "gap_moved",
        },
        {
            "week": "2027-10-25",
            "wallTime": "2027-10-31T02:30",
            "startsAtParis": "2027-10-31T02:30+02:00",
            "adjustment": "ambiguous_first",
        },
    ]
    starts = [
        s.starts_at for s in await Session.filter(mentorship_id=m.id, kind="regular").order_by("starts_at")
    ]
    assert all(b - a >= timedelta(days=6) for a, b in itertools.pairwise(starts))
