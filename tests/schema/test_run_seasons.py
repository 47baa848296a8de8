"""A run's slots for people abroad hold in every season (R4, R13), through the API.

Every session is booked in Paris time (R4) and must lie inside both people's weekly availability (R13,
checked at each booking). Someone in Dakar (no summer time) sees a Paris slot move an hour earlier on their
own clock from the end of March: a slot chosen in a winter week only may leave their windows all summer,
and the pair's weekly series then skips those weeks. Found on the 26-week term (62 of 467 current pairs
left someone's windows in summer or in the weeks between the American and the European changes).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from domain.models import Mentorship, Student
from domain.paris_time import WeeklyWindow, paris_today
from domain.services import availability
from tests.conftest import Backend, GraphQLClient
from tests.factories import catalogue, mentor, student
from tests.jobs.helpers import fresh_jobs
from tests.schema.operations import CREATE_MENTORSHIP as CREATE
from tests.schema.test_runs import START, WEEK, _finished

__all__ = ["fresh_jobs"]

MONDAY = 0


async def test_a_run_gives_a_student_in_dakar_a_slot_inside_their_windows_in_summer_too(
    db: Backend, gql: GraphQLClient
) -> None:
    path, projects = await catalogue(1)
    # Two Paris mentors with one seat each, on Monday evenings (Paris time).
    early = await mentor(projects, n=1, capacity=1)
    late = await mentor(projects, n=2, capacity=1)
    await availability.set_mentor_availability(early.id, [WeeklyWindow(MONDAY, 19 * 60, 20 * 60 + 30)])
    await availability.set_mentor_availability(late.id, [WeeklyWindow(MONDAY, 20 * 60, 21 * 60)])
    # Two students in Dakar, free on Monday 18:00-20:00 on their own clock: 19:00-21:00 Paris in winter,
    # 20:00-22:00 Paris in summer; 20:00-21:00 Paris all year. Sessions of 45 minutes.
    learners = [await student(path, projects[0], n=i) for i in (1, 2)]
    for s in learners:
        await Student.filter(id=s.id).update(timezone="Africa/Dakar")
        await availability.set_student_availability(s.id, [WeeklyWindow(MONDAY, 18 * 60, 20 * 60)])

    started = await gql(START, {"input": {"timeLimitS": 5, "week": WEEK}})  # a winter week
    run = await _finished(gql, started["startRun"]["run"]["id"])
    assert run["status"] == "SUCCEEDED", run["error"]
    proposal = run["proposal"]
    # The early mentor shares 19:00-20:30 with them in winter, but only 20:00-20:30 all year: no room for
    # 45 minutes. Before, one student went to them at 19:00-19:45 Paris, 17:00-17:45 in Dakar in summer.
    assert [(p["mentorId"], p["slot"]["weekday"]) for p in proposal["pairs"]] == [(late.id, MONDAY)], proposal
    assert proposal["pairs"][0]["slot"]["start"] in ("20:00", "20:15"), proposal["pairs"][0]
    assert proposal["placed"] == 1 and len(proposal["unplaced"]) == 1


async def test_a_pair_made_by_hand_takes_a_weekly_slot_that_holds_in_every_season(
    db: Backend, gql: GraphQLClient
) -> None:
    """Manual pairing obeys the run's rule: the first session's week is not enough, the weekly slot taken
    from it must stay inside a Dakar student's windows in summer too."""
    path, projects = await catalogue(1)
    m = await mentor(projects, n=1, capacity=2)
    await availability.set_mentor_availability(m.id, [WeeklyWindow(MONDAY, 19 * 60, 21 * 60)])
    learners = [await student(path, projects[0], n=i) for i in (1, 2)]
    for s in learners:
        await Student.filter(id=s.id).update(timezone="Africa/Dakar")
        await availability.set_student_availability(s.id, [WeeklyWindow(MONDAY, 18 * 60, 20 * 60)])
    # A winter Monday ahead, whatever today is: the first Monday of next January.
    january = date(paris_today().year + 1, 1, 1)
    monday = january + timedelta(days=(7 - january.weekday()) % 7)

    async def pair(s: Student, hour: int) -> dict[str, Any]:
        at = datetime.combine(monday, time(hour)).isoformat()
        answer = await gql(CREATE, {"input": {"studentId": s.id, "mentorId": m.id, "firstSessionAt": at}})
        result: dict[str, Any] = answer["createMentorship"]
        return result

    # 19:00 Paris is 18:00 in Dakar that winter week (inside), but 17:00 there from the end of March.
    refused = await pair(learners[0], 19)
    assert refused["__typename"] == "ValidationError" and refused["field"] == "firstSessionAt", refused
    assert "student's weekly availability in some weeks of the year" in refused["message"], refused
    assert not await Mentorship.filter(student_id=learners[0].id).exists()
    # 20:00 Paris is inside all year (19:00 in Dakar in winter, 18:00 in summer).
    accepted = await pair(learners[1], 20)
    assert accepted["__typename"] == "MentorshipPayload", accepted
