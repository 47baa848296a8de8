"""Pairing rules through the GraphQL API (both databases): a capacity never below the current load (R2),
and the reasons a run gives for each unplaced student, with the closest mentors."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.enums import Funding, PairingAction, SessionKind, SessionStatus
from domain.models import Event, Mentor, Mentorship, PairingChange, Path, Project, Session, Student
from domain.paris_time import PARIS, WeeklyWindow
from domain.services import events, students
from tests.conftest import Backend, GraphQLClient
from tests.factories import catalogue, mentor, student
from tests.jobs.helpers import fresh_jobs
from tests.schema.operations import CREATE_MENTORSHIP as CREATE
from tests.schema.test_runs import START, WEEK, _finished

__all__ = ["fresh_jobs"]

NEXT_MONDAY = datetime.fromisoformat(WEEK)

UPDATE = """
mutation($id: Int!, $capacity: Int!) {
  updateMentor(input: {id: $id, capacity: $capacity}) {
    __typename
    ... on MentorPayload { mentor { capacity } }
    ... on UserError { code field message }
  }
}"""


async def _pair(gql: GraphQLClient, s: Student, m: Mentor, day: int, hour: int = 19) -> dict[str, Any]:
    at = NEXT_MONDAY + timedelta(days=day, hours=hour)
    answer = await gql(
        CREATE, {"input": {"studentId": s.id, "mentorId": m.id, "firstSessionAt": at.isoformat()}}
    )
    result: dict[str, Any] = answer["createMentorship"]
    return result


async def test_capacity_is_never_lowered_below_the_current_load(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue()
    m = await mentor(projects[:1], n=1, capacity=5)
    for i in range(3):
        paired = await _pair(gql, await student(path, projects[0], n=i), m, day=i)
        assert paired["__typename"] == "MentorshipPayload", paired
    refused = (await gql(UPDATE, {"id": m.id, "capacity": 2}))["updateMentor"]
    assert (refused["code"], refused["field"]) == ("CAPACITY_BELOW_LOAD", "capacity"), refused
    assert (await Mentor.get(id=m.id)).capacity == 5
    accepted = (await gql(UPDATE, {"id": m.id, "capacity": 3}))["updateMentor"]
    assert accepted["mentor"]["capacity"] == 3
    # The load is 3 = capacity: a fourth student is refused by the same capacity rule.
    fourth = await _pair(gql, await student(path, projects[0], n=9), m, day=3)
    assert fourth["code"] == "CONFLICT" and "R2" in fourth["message"]


async def _student_at(path: Path, project: Project, n: int, windows: list[WeeklyWindow]) -> Student:
    return await students.create_student(
        students.StudentInput(
            name=f"Student {n}",
            email=f"student{n}@example.org",
            path_id=path.id,
            current_project_id=project.id,
            availability=windows,
        )
    )


async def test_each_unplaced_student_gets_its_reason_and_closest_mentors(
    db: Backend, gql: GraphQLClient
) -> None:
    path, projects = await catalogue()
    # Project 0: its only mentor is full (one seat, one current student).
    full = await mentor(projects[:1], n=1, capacity=1)
    assert (await _pair(gql, await student(path, projects[0], n=0), full, day=0))["__typename"] == (
        "MentorshipPayload"
    )
    wants_full = await student(path, projects[0], n=1)
    # Project 1: one seat, taken in this run by an evening student; a Saturday-morning student shares no
    # slot with the mentor at all.
    await mentor(projects[1:2], n=2, capacity=1)
    await student(path, projects[1], n=2)
    saturday = await _student_at(path, projects[1], 3, [WeeklyWindow(5, 9 * 60, 12 * 60)])
    started = await gql(START, {"input": {"scope": {"pathId": path.id}, "timeLimitS": 10, "week": WEEK}})
    run = await _finished(gql, started["startRun"]["run"]["id"])
    assert run["status"] == "SUCCEEDED", run["error"]
    unplaced = {u["studentId"]: u for u in run["proposal"]["unplaced"]}
    assert set(unplaced) == {wants_full.id, saturday.id}
    assert unplaced[wants_full.id]["reason"] == "ALL_MENTORS_FULL", unplaced[wants_full.id]
    assert unplaced[wants_full.id]["facts"]["mentorsForProject"] == 1
    assert unplaced[wants_full.id]["closestMentorIds"] == [full.id]
    assert unplaced[saturday.id]["reason"] == "NO_COMMON_SLOT", unplaced[saturday.id]


SERIES = """
mutation($input: ScheduleSeriesInput!) {
  scheduleSeries(input: $input) {
    __typename ... on SeriesPayload { created { id } } ... on UserError { code field message }
  }
}"""

SET_AVAILABILITY = """
mutation($id: Int!, $windows: [AvailabilityWindowInput!]!) {
  setMentorAvailability(mentorId: $id, windows: $windows) { __typename }
}"""

PUBLISH_MOVED = """
mutation($input: PublishRunInput!) {
  publishRun(input: $input) {
    __typename
    ... on PublishPayload { created { id } ended { id } moved { id slot { weekday start } } }
    ... on UserError { code field message }
  }
}"""


async def test_a_moved_slot_keeps_the_pair_and_moves_its_series(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue()
    m = await mentor(projects[:1], n=1, capacity=3)
    s = await student(path, projects[0], n=1)
    paired = await _pair(gql, s, m, day=1)  # discovery next Tuesday 19:00: the weekly slot
    mentorship_id = int(paired["mentorship"]["id"])
    later = (NEXT_MONDAY + timedelta(days=7)).date().isoformat()
    series = await gql(SERIES, {"input": {"mentorshipId": mentorship_id, "firstWeek": later, "weeks": 3}})
    assert len(series["scheduleSeries"]["created"]) == 3, series
    # The mentor no longer has Tuesdays: a run for the student keeps the mentor at another slot.
    windows = [{"weekday": d, "start": "18:00", "end": "22:00"} for d in (2, 3)]
    await gql(SET_AVAILABILITY, {"id": m.id, "windows": windows})
    started = await gql(START, {"input": {"scope": {"studentIds": [s.id]}, "timeLimitS": 5, "week": WEEK}})
    run = await _finished(gql, started["startRun"]["run"]["id"])
    assert run["status"] == "SUCCEEDED", run["error"]
    (proposed,) = run["proposal"]["pairs"]
    assert proposed["change"] == "MOVED" and proposed["mentorId"] == m.id
    published = (await gql(PUBLISH_MOVED, {"input": {"runId": run["id"]}}))["publishRun"]
    assert published["__typename"] == "PublishPayload", published
    assert published["created"] == [] and published["ended"] == []
    assert [int(p["id"]) for p in published["moved"]] == [mentorship_id]
    pair_row = await Mentorship.get(id=mentorship_id)
    assert pair_row.ended_on is None and pair_row.slot_weekday == proposed["slot"]["weekday"]
    assert await Mentorship.filter(student_id=s.id).count() == 1  # no new pair
    regular = await Session.filter(mentorship_id=mentorship_id, kind=SessionKind.REGULAR)
    assert len(regular) == 3
    assert all(x.status is SessionStatus.SCHEDULED for x in regular)
    assert {x.starts_at.astimezone(PARIS).weekday() for x in regular} == {proposed["slot"]["weekday"]}
    assert await Session.filter(student_id=s.id, kind=SessionKind.DISCOVERY).count() == 1
    assert await PairingChange.filter(mentorship_id=mentorship_id, action=PairingAction.MOVED).count() == 1
    assert not await PairingChange.filter(mentorship_id=mentorship_id, action=PairingAction.ENDED).exists()
    kinds = {e.kind for e in await Event.filter(topic=events.student_topic(s.id))}
    assert "mentorship_moved" in kinds


CHANGE = """
mutation($id: Int!) {
  requestMentorChange(input: {mentorshipId: $id, requestedBy: STUDENT}) { __typename }
}"""

NOTICE = """
mutation($id: Int!, $day: Date!) { giveNotice(input: {mentorId: $id, lastDay: $day}) { __typename } }
"""

ABSENCE = """
mutation($id: Int!, $first: Date!, $last: Date!) {
  recordAbsence(input: {mentorId: $id, startsOn: $first, endsOn: $last}) { __typename }
}"""


async def test_manual_pairing_asks_the_eligibility_rules(db: Backend, gql: GraphQLClient) -> None:
    path, projects = await catalogue()
    m = await mentor(projects[:1], n=1, capacity=5)
    # R7: a pair ended at the student's request is not formed again by hand either.
    s = await student(path, projects[0], n=1)
    first = await _pair(gql, s, m, day=1)
    changed = await gql(CHANGE, {"id": int(first["mentorship"]["id"])})
    assert changed["requestMentorChange"]["__typename"] != "ConflictError", changed
    again = await _pair(gql, s, m, day=2)
    assert (again["code"], again["field"]) == ("CONFLICT", "mentorId") and "R7" in again["message"], again
    # R11: an employer-funded student has no weekend slot.
    funded = await students.create_student(
        students.StudentInput(
            name="Funded",
            email="funded@example.org",
            path_id=path.id,
            current_project_id=projects[0].id,
            funding=Funding.EMPLOYER,
        )
    )
    saturday = await _pair(gql, funded, m, day=5, hour=10)
    assert (saturday["code"], saturday["field"]) == ("VALIDATION", "firstSessionAt"), saturday
    assert "R11" in saturday["message"]
    # R5: not on a day the mentor is away.
    away_from = (NEXT_MONDAY + timedelta(days=14)).date()
    recorded = await gql(
        ABSENCE,
        {"id": m.id, "first": away_from.isoformat(), "last": (away_from + timedelta(days=3)).isoformat()},
    )
    assert recorded["recordAbsence"]["__typename"] == "AbsencePayload", recorded
    during = await _pair(gql, funded, m, day=15)
    assert (during["code"], during["field"]) == ("MENTOR_AWAY", "firstSessionAt"), during
    # R6: a mentor under notice takes no new student.
    last_day = (NEXT_MONDAY + timedelta(days=30)).date()
    assert (await gql(NOTICE, {"id": m.id, "day": last_day.isoformat()}))["giveNotice"]["__typename"] == (
        "NoticePayload"
    )
    leaving = await _pair(gql, funded, m, day=2)
    assert (leaving["code"], leaving["field"]) == ("VALIDATION", "mentorId") and "R6" in leaving["message"]
    assert await Mentorship.filter(student_id=funded.id).count() == 0


FINISH = """
mutation($s: Int!) {
  finishProject(input: {studentId: $s}) { __typename ... on UserError { code field message } }
}"""


async def test_a_student_who_completed_their_path_is_never_paired_again(
    db: Backend, gql: GraphQLClient
) -> None:
    """R9: once the last project of the path is finished, the student waits for the final panel: no manual
    pairing (and, through the same eligibility rule, no publish and no return from a hand-over)."""
    path, _projects = await catalogue()
    last = await Project.filter(path_id=path.id).order_by("-position", "-id").first()
    assert last is not None
    m = await mentor([last], n=1, capacity=5)
    s = await student(path, last, n=1)
    finished = await gql(FINISH, {"s": s.id})
    assert finished["finishProject"]["__typename"] != "ValidationError", finished
    refused = await _pair(gql, s, m, day=1)
    assert (refused["code"], refused["field"]) == ("VALIDATION", "studentId"), refused
    assert "R9" in refused["message"]
    assert await Mentorship.filter(student_id=s.id, ended_on__isnull=True).count() == 0


async def test_a_mentor_with_a_long_absence_ahead_takes_no_new_student(
    db: Backend, gql: GraphQLClient
) -> None:
    """R5/R8: once a long absence is recorded, its students go to substitutes; a student paired with the
    mentor in the weeks before it would have no hand-over (found by the random operations): refused until
    the return."""
    path, projects = await catalogue()
    m = await mentor(projects[:1], n=1, capacity=5)
    away_from = (NEXT_MONDAY + timedelta(days=21)).date()
    recorded = await gql(
        ABSENCE,
        {"id": m.id, "first": away_from.isoformat(), "last": (away_from + timedelta(days=20)).isoformat()},
    )
    assert recorded["recordAbsence"]["__typename"] == "AbsencePayload", recorded
    before = await _pair(gql, await student(path, projects[0], n=1), m, day=2)
    assert (before["code"], before["field"]) == ("MENTOR_AWAY", "mentorId") and "R5" in before["message"], (
        before
    )
    assert await Mentorship.filter(mentor_id=m.id).count() == 0
