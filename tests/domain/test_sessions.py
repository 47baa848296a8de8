"""Sessions through the domain services, on SQLite and PostgreSQL: lengths, order, the weekly rule, no
overlap (enforced by the database itself), statuses, ending and billing (R13-R19)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from tortoise.exceptions import IntegrityError

from domain.enums import SessionKind, SessionStatus
from domain.errors import (
    AmbiguousLocalTime,
    AssessorWasMentor,
    Conflict,
    NonexistentLocalTime,
    SlotTaken,
    StatusRequired,
    ValidationFailed,
    WeekTaken,
)
from domain.models import MentorAbsence, Mentorship, Project, Session, Student
from domain.paris_time import PARIS
from domain.services import billing, sessions
from domain.services.sessions import BookingInput, EndInput
from infra.settings import DEFAULT_RATES
from tests import factories
from tests.conftest import Backend

# Hard-coded programme dates (December 2026, 2027): run at the instant they were written for.
pytestmark = pytest.mark.usefixtures("programme_clock")

# The factories' discovery session: Tuesday 2026-11-24 19:00 Paris.
NEXT_TUESDAY = datetime(2026, 12, 1, 19, 0)


async def setup_pair(n: int = 1, *, mentor_n: int = 1) -> Mentorship:
    path, projects = await factories.catalogue(3)
    mentor = await factories.mentor(projects, n=mentor_n)
    student = await factories.student(path, projects[1], n=n)  # level 2
    return await factories.pair(student, mentor)


def book(m: Mentorship, at: datetime, **kw: object) -> BookingInput:
    return BookingInput(m.id, at, **kw)  # type: ignore[arg-type]


async def test_nonexistent_and_ambiguous_paris_times_are_typed(db: Backend) -> None:
    m = await setup_pair()
    await factories.open_all_week(m)
    with pytest.raises(NonexistentLocalTime):
        await sessions.book_session(book(m, datetime(2027, 3, 28, 2, 30), catch_up=True, catch_up_reason="x"))
    with pytest.raises(AmbiguousLocalTime):
        await sessions.book_session(book(m, datetime(2026, 10, 25, 2, 30)))
    first = await sessions.book_session(book(m, datetime(2027, 10, 31, 2, 0), fold=0))
    assert first.starts_at == datetime(2027, 10, 31, 0, 0, tzinfo=UTC)
    assert await Session.filter(mentorship_id=m.id).count() == 2  # discovery + that one


async def test_lengths_by_kind_and_profile(db: Backend) -> None:
    m = await setup_pair()
    with pytest.raises(ValidationFailed) as refused:
        await sessions.book_session(book(m, NEXT_TUESDAY, duration_minutes=40))
    assert refused.value.field == "durationMinutes"
    with pytest.raises(ValidationFailed):
        await sessions.book_session(book(m, NEXT_TUESDAY, kind=SessionKind.PRESENTATION, duration_minutes=50))
    with pytest.raises(Conflict):  # one discovery session per mentorship
        await sessions.book_session(book(m, NEXT_TUESDAY, kind=SessionKind.DISCOVERY))
    regular = await sessions.book_session(book(m, NEXT_TUESDAY))
    assert regular.duration_minutes == 45  # the profile's length
    with pytest.raises(AssessorWasMentor):  # R20: a presentation is an assessment's, never the pair's
        await sessions.book_session(book(m, NEXT_TUESDAY + timedelta(hours=1), kind=SessionKind.PRESENTATION))
    # A student whose profile says 30 minutes may have 30-minute regular sessions.
    await Student.filter(id=m.student_id).update(session_minutes=30)
    short = await sessions.book_session(book(m, NEXT_TUESDAY + timedelta(days=7), duration_minutes=30))
    assert short.duration_minutes == 30


async def test_discovery_comes_first(db: Backend) -> None:
    m = await setup_pair()
    with pytest.raises(ValidationFailed) as refused:
        await sessions.book_session(book(m, datetime(2026, 11, 20, 19, 0)))
    assert refused.value.field == "kind"


async def test_one_regular_session_a_week_except_marked_catch_ups(db: Backend) -> None:
    m = await setup_pair()
    await factories.open_all_week(m)
    # A short absence of the mentor the week before (R5): catch-ups are allowed until 2026-12-06.
    await MentorAbsence.create(
        mentor_id=m.mentor_id,
        starts_on=date(2026, 11, 25),
        ends_on=date(2026, 11, 27),
        starts_at=datetime(2026, 11, 24, 23, 0, tzinfo=UTC),
        ends_at=datetime(2026, 11, 27, 23, 0, tzinfo=UTC),
    )
    await sessions.book_session(book(m, NEXT_TUESDAY))
    with pytest.raises(WeekTaken):
        await sessions.book_session(book(m, NEXT_TUESDAY + timedelta(days=3)))
    # Sunday 23:00 Paris is still the same ISO week; the next Monday 00:30 is not.
    with pytest.raises(WeekTaken):
        await sessions.book_session(book(m, datetime(2026, 12, 6, 23, 0)))
    await sessions.book_session(book(m, datetime(2026, 12, 7, 0, 30)))
    with pytest.raises(ValidationFailed) as no_reason:
        await sessions.book_session(book(m, NEXT_TUESDAY + timedelta(days=2), catch_up=True))
    assert no_reason.value.field == "catchUpReason"
    catch_up = await sessions.book_session(
        book(m, NEXT_TUESDAY + timedelta(days=2), catch_up=True, catch_up_reason="mentor away 2026-11-16")
    )
    assert catch_up.catch_up and catch_up.catch_up_reason == "mentor away 2026-11-16"
    assert await Session.filter(student_id=m.student_id, paris_week=date(2026, 11, 30)).count() == 2


async def test_the_database_itself_refuses_a_second_regular_session_in_a_week(db: Backend) -> None:
    m = await setup_pair()
    await sessions.book_session(book(m, NEXT_TUESDAY))
    with pytest.raises(IntegrityError):
        await Session.create(
            mentorship_id=m.id,
            kind=SessionKind.REGULAR,
            starts_at=datetime(2026, 12, 3, 8, tzinfo=UTC),
            duration_minutes=45,
        )


async def test_the_database_itself_refuses_overlaps_but_not_back_to_back(db: Backend) -> None:
    m = await setup_pair()
    discovery = await Session.get(mentorship_id=m.id)
    for offset in (0, 15, -15, 29):  # same start, inside, starting before and ending inside, last minute
        with pytest.raises(IntegrityError, match="no_overlap"):
            await Session.create(
                mentorship_id=m.id,
                kind=SessionKind.PRESENTATION,
                duration_minutes=30,
                starts_at=discovery.starts_at + timedelta(minutes=offset),
            )
    after = await Session.create(
        mentorship_id=m.id,
        kind=SessionKind.PRESENTATION,
        duration_minutes=30,
        starts_at=discovery.starts_at + timedelta(minutes=30),
    )
    before = await Session.create(
        mentorship_id=m.id,
        kind=SessionKind.PRESENTATION,
        duration_minutes=30,
        starts_at=discovery.starts_at - timedelta(minutes=30),
    )
    assert (after.mentor_id, after.student_id) == (m.mentor_id, m.student_id)  # filled from the mentorship
    # Moving a session onto another one is refused as well (the update path).
    after.starts_at = discovery.starts_at + timedelta(minutes=10)
    with pytest.raises(IntegrityError, match="no_overlap"):
        await after.save()
    # A cancelled session frees its time.
    await Session.filter(id=before.id).update(status=SessionStatus.CANCELLED)
    await Session.create(
        mentorship_id=m.id,
        kind=SessionKind.PRESENTATION,
        duration_minutes=30,
        starts_at=discovery.starts_at - timedelta(minutes=30),
    )


async def test_a_mentor_is_never_in_two_sessions_and_back_to_back_is_fine(db: Backend) -> None:
    path, projects = await factories.catalogue(1)
    mentor = await factories.mentor(projects)
    a = await factories.pair(await factories.student(path, projects[0], n=1), mentor)
    b = await factories.pair(
        await factories.student(path, projects[0], n=2), mentor, datetime(2026, 11, 24, 19, 30)
    )
    await sessions.book_session(book(a, NEXT_TUESDAY))
    with pytest.raises(SlotTaken) as taken:
        await sessions.book_session(book(b, NEXT_TUESDAY + timedelta(minutes=44)))
    assert "mentor" in taken.value.message
    await sessions.book_session(book(b, NEXT_TUESDAY + timedelta(minutes=45)))


async def test_book_cancel_rebook_the_same_slot_100_times(db: Backend) -> None:
    m = await setup_pair()
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    for _ in range(100):
        booked = await sessions.book_session(book(m, NEXT_TUESDAY))
        cancelled = await sessions.cancel_session(booked.id, DEFAULT_RATES, now=now)
        assert cancelled.status == SessionStatus.CANCELLED
        assert cancelled.billed_amount == Decimal("0")
    assert await Session.filter(mentorship_id=m.id, status=SessionStatus.CANCELLED).count() == 100


async def test_statuses_follow_the_24_hour_rule_and_ending_needs_one(db: Backend) -> None:
    m = await setup_pair()
    s = await sessions.book_session(book(m, NEXT_TUESDAY))
    start = s.starts_at
    with pytest.raises(ValidationFailed):  # not started yet
        await sessions.set_status(s.id, SessionStatus.COMPLETED, now=start - timedelta(minutes=1))
    with pytest.raises(StatusRequired):
        await sessions.end_session(EndInput(s.id), DEFAULT_RATES, now=start + timedelta(hours=1))
    late = await sessions.cancel_session(s.id, DEFAULT_RATES, now=start - timedelta(hours=23))
    assert late.status == SessionStatus.LATE_CANCELLED
    assert late.billed_amount == Decimal("35") and late.sequence == 1
    with pytest.raises(Conflict):
        await sessions.cancel_session(s.id, DEFAULT_RATES, now=start - timedelta(hours=23))
    # A late cancellation frees the time and keeps the week's session; a catch-up is only for a mentor's
    # absence (R5), so the next session is the next week's.
    with pytest.raises(ValidationFailed) as not_due:
        await sessions.book_session(book(m, NEXT_TUESDAY, catch_up=True, catch_up_reason="rebooked"))
    assert not_due.value.field == "catchUp"
    again = await sessions.book_session(book(m, NEXT_TUESDAY + timedelta(days=7)))
    start = again.starts_at
    with pytest.raises(ValidationFailed):  # a started session is completed or missed, not cancelled
        await sessions.cancel_session(again.id, DEFAULT_RATES, now=start + timedelta(minutes=5))


async def test_ending_bills_the_level_of_the_project_at_that_moment(db: Backend) -> None:
    m = await setup_pair()
    rates = {1: Decimal("30"), 2: Decimal("35"), 3: Decimal("41.50")}
    student = await Student.get(id=m.student_id)
    s1 = await sessions.book_session(book(m, NEXT_TUESDAY))
    ended = await sessions.end_session(
        EndInput(
            s1.id,
            status=SessionStatus.COMPLETED,
            notes="shared",
            private_comment="mentor only",
            next_starts_at=NEXT_TUESDAY + timedelta(days=7),
        ),
        rates,
        now=s1.starts_at + timedelta(hours=1),
    )
    assert (ended.session.billed_level, ended.session.billed_amount) == (2, Decimal("35"))
    assert ended.next_session is not None  # R19
    # The student moves to a level-3 project: the next session is paid at level 3, the first is unchanged.
    level3 = await Project.get(path_id=student.path_id, level=3)
    await Student.filter(id=student.id).update(current_project_id=level3.id)
    absent = await sessions.end_session(
        EndInput(ended.next_session.id, status=SessionStatus.STUDENT_ABSENT),
        rates,
        now=ended.next_session.starts_at + timedelta(minutes=50),
    )
    assert (absent.session.billed_level, absent.session.billed_amount) == (3, Decimal("41.50"))
    with pytest.raises(Conflict):  # ended sessions no longer change
        await sessions.end_session(EndInput(s1.id, status=SessionStatus.COMPLETED), rates)
    first = await Session.get(id=s1.id)
    assert (first.billed_level, first.billed_amount, first.private_comment) == (
        2,
        Decimal("35"),
        "mentor only",
    )

    statement = await billing.monthly_statement(
        m.mentor_id, date(2026, 12, 1), now=datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert [(g.level, g.status, g.sessions, g.amount) for g in statement.groups] == [
        (2, SessionStatus.COMPLETED, 1, Decimal("35.00")),
        (3, SessionStatus.STUDENT_ABSENT, 1, Decimal("41.50")),
    ]
    assert statement.total == Decimal("76.50") and statement.billable_sessions == 2
    november = await billing.monthly_statement(
        m.mentor_id, date(2026, 11, 1), now=datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert november.lines == [] and november.not_ended == 1  # the discovery session was never ended
    rows = billing.statement_csv(statement).splitlines()
    assert rows[0].startswith("session_id,starts_at_paris")
    assert rows[1].split(",")[1] == "2026-12-01T19:00+01:00"
    assert rows[-1].endswith(",76.50")


async def test_discovery_notes_have_the_r18_fields(db: Backend) -> None:
    m = await setup_pair()
    discovery = await Session.get(mentorship_id=m.id, kind=SessionKind.DISCOVERY)
    note = await sessions.set_discovery_note(
        discovery.id,
        sessions.DiscoveryNoteInput(
            background="baker",
            motivation="change",
            goals="web dev",
            level="beginner",
            weekly_hours=20,
            remarks="-",
            next_week_objectives="HTML",
        ),
    )
    again = await sessions.set_discovery_note(discovery.id, sessions.DiscoveryNoteInput(weekly_hours=25))
    assert again.id == note.id and again.weekly_hours == 25 and again.background == "baker"  # partial
    regular = await sessions.book_session(book(m, NEXT_TUESDAY))
    with pytest.raises(ValidationFailed):
        await sessions.set_discovery_note(regular.id, sessions.DiscoveryNoteInput())


async def test_series_keeps_the_wall_clock_time_and_reports_skipped_weeks(db: Backend) -> None:
    m = await setup_pair()  # Tuesday 19:00 slot, discovery 2026-11-24
    await sessions.book_session(book(m, datetime(2026, 12, 10, 19, 0)))  # week of 2026-12-07 taken
    report = await sessions.schedule_series(
        sessions.SeriesInput(m.id, date(2026, 11, 23), 26, absent_weeks=[date(2027, 1, 1)])
    )
    reasons = {s.occurrence.week: s.reason.value for s in report.skipped}
    assert reasons == {
        date(2026, 11, 23): "before_discovery",
        date(2026, 12, 7): "week_taken",
        date(2026, 12, 28): "mentor_absent",
    }
    assert len(report.created) == 23
    walls = {s.starts_at.astimezone(PARIS).strftime("%a %H:%M") for s in report.created}
    assert walls == {"Tue 19:00"}  # across the change of 2027-03-28
    offsets = {s.starts_at.astimezone(PARIS).utcoffset() for s in report.created}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    again = await sessions.schedule_series(
        sessions.SeriesInput(m.id, date(2026, 11, 23), 26, absent_weeks=[date(2026, 12, 28)])
    )
    assert again.created == []
    assert {s.reason.value for s in again.skipped} == {
        "before_discovery",
        "week_taken",
        "slot_taken",
        "mentor_absent",
    }
