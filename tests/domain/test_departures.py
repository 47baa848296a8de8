"""R6, a mentor's notice, through the services on both databases: 14 days at least, a re-matching run
restricted to the mentor's students (solved in-process and published), the daily step after the last
day, and no assignment to a leaving or departed mentor anywhere (manual pairing, runs, publish)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from tortoise.transactions import in_transaction

from domain.enums import (
    MentorshipEndReason,
    MentorStatus,
    PairingAction,
    PairingCause,
    RunStatus,
    SessionKind,
    SessionStatus,
)
from domain.errors import Conflict, ErrorCode, NoticeTooShort, ValidationFailed
from domain.models import (
    Event,
    MatchingRun,
    Mentor,
    Mentorship,
    PairingChange,
    Path,
    Project,
    Session,
    Student,
)
from domain.paris_time import PARIS, local_to_utc, week_monday
from domain.services import departures, mentorships, run_publish, run_requests
from domain.services.sessions import insert_session
from jobs.snapshot import load_snapshot
from jobs.tasks import run_matching
from tests.conftest import Backend
from tests.factories import catalogue, mentor, open_all_week, pair, student

TODAY = datetime.now(PARIS).date()
NEXT_WEEK = week_monday(TODAY) + timedelta(days=7)
# The next weekdays after today: the factories' mentors are free on weekday evenings only, so sessions
# booked "tomorrow" fell outside them on Fridays and Saturdays.
WEEKDAYS = [d for d in (TODAY + timedelta(days=i) for i in range(1, 8)) if d.weekday() < 5]


def evening(day: date, hour: int = 19) -> datetime:
    """A Paris wall-clock time (naive, as the services take it)."""
    return datetime.combine(day, time(hour, 0))


async def leaving_world() -> tuple[Mentor, Mentor, list[Student], Student]:
    """A mentor with two students, another mentor with one student who must stay where they are."""
    path, projects = await catalogue(2)
    leaving = await mentor(projects, n=1, capacity=5)
    other = await mentor(projects, n=2, capacity=5)
    students = [await student(path, projects[i], n=i) for i in range(2)]
    for i, s in enumerate(students):
        await pair(s, leaving, evening(WEEKDAYS[i]))
    settled = await student(path, projects[0], n=9)
    await pair(settled, other, evening(WEEKDAYS[0], 20))
    return leaving, other, students, settled


async def test_a_notice_shorter_than_14_days_is_refused_and_nothing_is_stored(db: Backend) -> None:
    leaving, _, _, _ = await leaving_world()
    before = await Mentor.get(id=leaving.id)
    with pytest.raises(NoticeTooShort) as refused:
        await departures.give_notice(leaving.id, TODAY + timedelta(days=13), today=TODAY)
    assert refused.value.code is ErrorCode.NOTICE_TOO_SHORT and refused.value.field == "lastDay"
    after = await Mentor.get(id=leaving.id)
    assert (after.last_day, after.notice_given_on, after.version) == (None, None, before.version)
    assert await MatchingRun.all().count() == 0


async def test_14_days_queue_a_run_restricted_to_the_mentors_students(db: Backend) -> None:
    leaving, _, students, _ = await leaving_world()
    version = (await Mentor.get(id=leaving.id)).version
    last_day = TODAY + timedelta(days=14)
    notice = await departures.give_notice(leaving.id, last_day, actor="mentor:1", today=TODAY)
    stored = await Mentor.get(id=leaving.id)
    assert (stored.last_day, stored.notice_given_on, stored.version) == (last_day, TODAY, version + 1)
    assert notice.run is not None and notice.run.status is RunStatus.QUEUED
    assert notice.run.scope == {"kind": "students", "studentIds": sorted(s.id for s in students)}
    assert notice.run.options["week"] == NEXT_WEEK.isoformat()
    assert NEXT_WEEK + timedelta(days=6) < last_day  # every slot of that week starts before the last day
    assert notice.run.requested_by == "mentor:1"


async def test_no_run_for_a_mentor_without_students_and_refusals(db: Backend) -> None:
    _, projects = await catalogue(1)
    alone = await mentor(projects, n=5)
    notice = await departures.give_notice(alone.id, TODAY + timedelta(days=30), today=TODAY)
    assert notice.run is None and notice.mentor.last_day == TODAY + timedelta(days=30)
    with pytest.raises(Conflict) as again:
        await departures.give_notice(alone.id, TODAY + timedelta(days=40), today=TODAY)
    assert again.value.field == "mentorId"
    await Mentor.filter(id=alone.id).update(status=MentorStatus.LEFT)
    with pytest.raises(Conflict):
        await departures.give_notice(alone.id, TODAY + timedelta(days=40), today=TODAY)
    with pytest.raises(Conflict):
        await departures.withdraw_notice(alone.id, today=TODAY)
    assert (await Mentor.get(id=alone.id)).last_day == TODAY + timedelta(days=30)


async def test_the_rematch_moves_only_the_leaving_mentors_students(db: Backend) -> None:
    leaving, other, students, settled = await leaving_world()
    settled_pair = await Mentorship.get(student_id=settled.id, ended_on__isnull=True)
    notice = await departures.give_notice(leaving.id, TODAY + timedelta(days=14), today=TODAY)
    assert notice.run is not None
    # The leaving mentor is never a candidate: only the other mentor is in the run's snapshot.
    snapshot = await load_snapshot(notice.run.scope, NEXT_WEEK)
    assert [m.id for m in snapshot.mentors] == [other.id]
    assert all(s.current_mentor_id is None for s in snapshot.students)
    assert await run_matching({"job_try": 1}, str(notice.run.id)) == "succeeded"
    run = await MatchingRun.get(id=notice.run.id)
    assert run.result is not None
    assert {p["studentId"] for p in run.result["pairs"]} == {s.id for s in students}
    assert {p["mentorId"] for p in run.result["pairs"]} == {other.id}
    audit_before = await PairingChange.all().count()
    outcome = await run_publish.publish_run(run.id, actor="staff:1")
    assert len(outcome.created) == 2 and len(outcome.ended) == 2
    for s in students:
        now = await Mentorship.get(student_id=s.id, ended_on__isnull=True)
        assert now.mentor_id == other.id and now.started_on < TODAY + timedelta(days=14)
        old = await Mentorship.get(student_id=s.id, mentor_id=leaving.id)
        assert old.end_reason is MentorshipEndReason.MENTOR_LEFT
        assert old.ended_on == max(now.started_on, old.started_on)
        assert await Event.filter(topic=f"mentor:{leaving.id}", kind="mentorship_ended").exists()
        assert await Event.filter(topic=f"student:{s.id}", kind="mentorship_ended").exists()
        assert await Event.filter(topic=f"student:{s.id}", kind="mentorship_started").exists()
    assert await Event.filter(topic=f"mentor:{other.id}", kind="mentorship_started").count() >= 2
    assert await PairingChange.all().count() == audit_before + 4
    assert await PairingChange.filter(cause=PairingCause.RUN, action=PairingAction.ENDED).count() == 2
    # Stability: the other mentor's student keeps their pair and slot.
    still = await Mentorship.get(student_id=settled.id, ended_on__isnull=True)
    assert (still.id, still.slot_weekday, still.slot_start_minute) == (
        settled_pair.id,
        settled_pair.slot_weekday,
        settled_pair.slot_start_minute,
    )
    # Nothing is left for the daily step but marking the mentor as gone.
    due = await departures.apply_due(TODAY + timedelta(days=15))
    assert due == {"left": 1, "leftPairsEnded": 0}


async def test_after_the_last_day_remaining_pairs_end_and_the_mentor_has_left(db: Backend) -> None:
    leaving, _, students, _ = await leaving_world()
    last_day = TODAY + timedelta(days=14)
    first = await Mentorship.get(student_id=students[0].id, ended_on__isnull=True)
    # Booked before the notice: once it is given, nothing can be booked after the last day (R6). The test
    # is about dates, not availability: both people are free all week, whatever weekday today is.
    await open_all_week(first)
    async with in_transaction():
        before = await insert_session(
            first,
            kind=SessionKind.REGULAR,
            starts_at=local_to_utc(evening(last_day - timedelta(days=3)), PARIS),
            minutes=45,
        )
        after = await insert_session(
            first,
            kind=SessionKind.REGULAR,
            starts_at=local_to_utc(evening(last_day + timedelta(days=4)), PARIS),
            minutes=45,
        )
    await departures.give_notice(leaving.id, last_day, today=TODAY)
    student_versions = {s.id: (await Student.get(id=s.id)).version for s in students}
    # Not due on the last day itself.
    assert await departures.apply_due(last_day) == {"left": 0, "leftPairsEnded": 0}
    assert (await Mentor.get(id=leaving.id)).status is MentorStatus.ACTIVE
    now = datetime.now(UTC)
    assert await departures.apply_due(last_day + timedelta(days=1), now=now) == {
        "left": 1,
        "leftPairsEnded": 2,
    }
    gone = await Mentor.get(id=leaving.id)
    assert gone.status is MentorStatus.LEFT
    for s in students:
        ended = await Mentorship.get(student_id=s.id, mentor_id=leaving.id)
        assert ended.ended_on == last_day and ended.end_reason is MentorshipEndReason.MENTOR_LEFT
        audit = await PairingChange.get(mentorship_id=ended.id, action=PairingAction.ENDED)
        assert audit.cause is PairingCause.NOTICE and audit.actor == "system"
        assert (await Student.get(id=s.id)).version == student_versions[s.id] + 1
        assert not await Mentorship.filter(student_id=s.id, ended_on__isnull=True).exists()
        assert await Event.filter(topic=f"student:{s.id}", kind="mentorship_ended").exists()
    # Sessions up to the last day stay; later ones are cancelled without penalty.
    assert (await Session.get(id=before.id)).status is SessionStatus.SCHEDULED
    freed = await Session.get(id=after.id)
    assert freed.status is SessionStatus.CANCELLED and freed.billed_amount == 0
    # A second pass changes nothing.
    events = await Event.all().count()
    assert await departures.apply_due(last_day + timedelta(days=2)) == {"left": 0, "leftPairsEnded": 0}
    assert await Event.all().count() == events


async def test_nothing_is_assigned_to_a_departed_mentor(db: Backend) -> None:
    leaving, other, students, _ = await leaving_world()
    last_day = TODAY + timedelta(days=14)
    await departures.give_notice(leaving.id, last_day, today=TODAY)
    await departures.apply_due(last_day + timedelta(days=1))
    newcomer = await student(
        await Path.get(id=students[0].path_id), await Project.get(id=students[0].current_project_id), n=20
    )
    with pytest.raises(ValidationFailed) as manual:
        await mentorships.create_mentorship(
            mentorships.MentorshipInput(newcomer.id, leaving.id, evening(TODAY + timedelta(days=2)))
        )
    assert manual.value.field == "mentorId"
    # A run over every waiting student never considers the departed mentor.
    snapshot = await load_snapshot({"kind": "all"}, NEXT_WEEK)
    assert leaving.id not in {m.id for m in snapshot.mentors}
    assert other.id in {m.id for m in snapshot.mentors}


async def test_a_leaving_mentor_is_refused_at_publish(db: Backend) -> None:
    """A manual pairing before the last day is allowed, and a run whose snapshot predates the notice is
    refused as stale; publish also refuses a mentor marked as gone behind the run's back."""
    path, projects = await catalogue(1)
    target = await mentor(projects, n=1)
    waiting = await student(path, projects[0], n=1)
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=NEXT_WEEK)
    )
    assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    # The notice bumps the mentor's version: the proposal is stale.
    await departures.give_notice(target.id, TODAY + timedelta(days=14), today=TODAY)
    with pytest.raises(run_publish.RunStale):
        await run_publish.publish_run(run.id)
    # Defence in depth: a mentor marked as left (or leaving before the slot) without a version change.
    await departures.withdraw_notice(target.id, today=TODAY)
    again = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=NEXT_WEEK)
    )
    assert await run_matching({"job_try": 1}, str(again.id)) == "succeeded"
    await Mentor.filter(id=target.id).update(last_day=NEXT_WEEK - timedelta(days=1))
    with pytest.raises(run_publish.RunStale) as leaves:
        await run_publish.publish_run(again.id)
    assert "R6" in leaves.value.message
    await Mentor.filter(id=target.id).update(last_day=None, status=MentorStatus.LEFT)
    with pytest.raises(run_publish.RunStale):
        await run_publish.publish_run(again.id)
    assert not await Mentorship.filter(student_id=waiting.id).exists()
    assert (await MatchingRun.get(id=again.id)).status is RunStatus.SUCCEEDED


async def test_withdrawing_makes_the_rematch_run_stale(db: Backend) -> None:
    leaving, _, students, _ = await leaving_world()
    last_day = TODAY + timedelta(days=14)
    notice = await departures.give_notice(leaving.id, last_day, today=TODAY)
    assert notice.run is not None
    assert await run_matching({"job_try": 1}, str(notice.run.id)) == "succeeded"
    withdrawn = await departures.withdraw_notice(leaving.id, actor="mentor:1", today=TODAY)
    assert withdrawn.last_day is None and withdrawn.notice_given_on is None
    with pytest.raises(run_publish.RunStale):
        await run_publish.publish_run(notice.run.id)
    for s in students:
        assert (await Mentorship.get(student_id=s.id, ended_on__isnull=True)).mentor_id == leaving.id
    with pytest.raises(Conflict):
        await departures.withdraw_notice(leaving.id, today=TODAY)
    # After the last day the notice stands.
    await departures.give_notice(leaving.id, last_day, today=TODAY)
    with pytest.raises(ValidationFailed):
        await departures.withdraw_notice(leaving.id, today=last_day + timedelta(days=1))
    assert (await Mentor.get(id=leaving.id)).last_day == last_day
