"""R5 and R6 in time, through the GraphQL API (both databases): a hand-over covers its own absence (of
two), sessions after the return stay the mentor's, presentations the absent mentor assesses inside the
absence lose their assessor, and after a cancelled absence and a notice no session with the leaving
mentor outlives their last day."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from domain.enums import AssessmentStatus, SessionKind, SessionStatus
from domain.invariants import check_all, format_report
from domain.models import Assessment, Handover, Mentor, Mentorship, Path, Project, Session
from domain.paris_time import PARIS
from domain.services import absences
from infra.settings import DEFAULT_RATES
from jobs import daily
from tests.conftest import Backend, GraphQLClient
from tests.factories import student
from tests.jobs.helpers import eventually, fresh_jobs
from tests.schema.test_absences import CANCEL, PUBLISH, RECORD, RUN, W2, world

__all__ = ["fresh_jobs"]

SERIES = """
mutation($input: ScheduleSeriesInput!) {
  scheduleSeries(input: $input) { __typename ... on SeriesPayload { created { id } } }
}"""

NOTICE = """
mutation($input: GiveNoticeInput!) {
  giveNotice(input: $input) { __typename ... on NoticePayload { rematchRun { id } } ... on UserError { code message } }
}"""


async def _record(gql: GraphQLClient, mentor_id: int, first: int, last: int) -> dict[str, Any]:
    answer = await gql(
        RECORD,
        {
            "input": {
                "mentorId": mentor_id,
                "startsOn": (W2 + timedelta(days=first)).isoformat(),
                "endsOn": (W2 + timedelta(days=last)).isoformat(),
            }
        },
    )
    payload: dict[str, Any] = answer["recordAbsence"]
    assert payload["__typename"] == "AbsencePayload", payload
    return payload


async def _publish(gql: GraphQLClient, run_id: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def done() -> bool:
        seen.update((await gql(RUN, {"id": run_id}))["matchingRun"])
        return seen["status"] not in ("QUEUED", "RUNNING")

    await eventually(done, what="the run ends")
    assert seen["status"] == "SUCCEEDED", seen["error"]
    published: dict[str, Any] = (await gql(PUBLISH, {"input": {"runId": run_id}}))["publishRun"]
    assert published["__typename"] == "PublishPayload", published
    return published


async def _series(gql: GraphQLClient, mentorship_id: int, weeks: int) -> None:
    answer = await gql(
        SERIES, {"input": {"mentorshipId": mentorship_id, "firstWeek": W2.isoformat(), "weeks": weeks}}
    )
    assert len(answer["scheduleSeries"]["created"]) == weeks, answer


async def test_a_hand_over_covers_its_own_absence_and_the_sessions_after_it_stay(
    db: Backend, gql: GraphQLClient
) -> None:
    away, _substitute, students, pairs = await world()
    await _series(gql, pairs[0].id, 6)  # weeks W2 .. W2+35
    # A presentation the absent mentor assesses inside the first absence (another path's student).
    path = await Path.get(id=students[0].path_id)
    project = await Project.get(id=students[0].current_project_id)
    other = await student(path, project, n=9)
    inside = datetime.combine(W2 + timedelta(days=3), time(17), PARIS)
    assessment = await Assessment.create(
        student_id=other.id,
        project_id=project.id,
        assessor_id=away.id,
        status=AssessmentStatus.SCHEDULED,
        starts_at=inside,
    )
    first = await _record(gql, away.id, 0, 20)  # W2 .. W2+20, back on W2+21
    run_id = first["handoverRun"]["id"]
    stored = await Assessment.get(id=assessment.id)
    assert (stored.assessor_id, stored.status) == (None, AssessmentStatus.AWAITING_ASSESSOR)
    published = await _publish(gql, run_id)
    assert published["created"] == []  # planned: the students go to the substitute at the start
    second = await _record(gql, away.id, 56, 80)  # a second long absence, later
    assert (await daily.apply_due(W2))["substituted"] == 2
    first_id = int(first["absence"]["id"])
    created = [
        await Mentorship.get(id=h.substitute_id)
        for h in await Handover.filter(absence_id=first_id).order_by("student_id")
        if h.substitute_id is not None
    ]
    assert len(created) == 2
    for pair in created:  # the substitute covers the first absence, not the second
        assert W2 <= pair.started_on <= W2 + timedelta(days=20), pair.started_on
    original = await Mentorship.get(id=pairs[0].id)
    assert original.ended_on == W2 - timedelta(days=1)
    back_on = W2 + timedelta(days=21)
    after = await Session.filter(
        mentor_id=away.id, student_id=students[0].id, kind=SessionKind.REGULAR
    ).order_by("starts_at")
    kept = [s for s in after if s.starts_at.astimezone(PARIS).date() >= back_on]
    assert len(kept) == 3 and {s.status for s in kept} == {SessionStatus.SCHEDULED}
    await absences.apply_due(back_on)
    returned = await Mentorship.get(student_id=students[0].id, mentor_id=away.id, ended_on__isnull=True)
    assert {s.mentorship_id for s in await Session.filter(id__in=[s.id for s in kept])} == {returned.id}
    # The second absence's hand-over follows the restored pair.
    later = await Handover.get(absence_id=int(second["absence"]["id"]), student_id=students[0].id)
    assert later.original_id == returned.id
    report = await check_all(today=back_on, rates=DEFAULT_RATES)
    assert report.total == 0, format_report(report)


async def test_after_a_cancelled_absence_and_a_notice_no_session_outlives_the_last_day(
    db: Backend, gql: GraphQLClient
) -> None:
    away, _substitute, students, pairs = await world()
    await _series(gql, pairs[0].id, 8)  # weeks W2 .. W2+49
    absence = await _record(gql, away.id, 35, 55)
    await _publish(gql, absence["handoverRun"]["id"])
    cancelled = await gql(CANCEL, {"id": absence["absence"]["id"]})
    assert cancelled["cancelAbsence"]["__typename"] == "AbsenceCancelledPayload", cancelled
    last_day = W2 + timedelta(days=7)
    notice = (await gql(NOTICE, {"input": {"mentorId": away.id, "lastDay": last_day.isoformat()}}))[
        "giveNotice"
    ]
    assert notice["__typename"] == "NoticePayload", notice
    await _publish(gql, notice["rematchRun"]["id"])
    leaving = await Mentor.get(id=away.id)
    assert leaving.last_day == last_day
    for s in students:
        late = [
            x
            for x in await Session.filter(mentor_id=away.id, student_id=s.id, status=SessionStatus.SCHEDULED)
            if x.starts_at.astimezone(PARIS).date() > last_day
        ]
        assert late == [], [(x.id, x.starts_at, x.mentorship_id) for x in late]
