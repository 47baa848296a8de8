"""Each invariant of ``domain.invariants`` sees a state that breaks its rule, built directly in the
database (the services would refuse most of them). A state the database itself refuses (a second current
pair, a second regular session in a week) is added to the loaded snapshot instead."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.enums import (
    AssessmentStatus,
    Funding,
    MentorshipEndReason,
    MentorStatus,
    PairingAction,
    PairingCause,
    SessionKind,
    SessionStatus,
)
from domain.invariants import INVARIANTS, PairRow, Report, SessionRow, check_all, check_world, load_world
from domain.models import (
    Assessment,
    DiscoveryNote,
    Mentor,
    MentorAbsence,
    MentorAvailability,
    MentorPath,
    Mentorship,
    PairingChange,
    Path,
    Project,
    Session,
    Student,
    StudentAvailability,
)
from domain.paris_time import PARIS, local_to_utc
from tests.conftest import Backend

TODAY = date(2026, 11, 2)  # a Monday
RATES = {1: Decimal("30"), 2: Decimal("35"), 3: Decimal("40")}


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return local_to_utc(datetime(day.year, day.month, day.day, hour, minute), PARIS, fold=0)


def midnight(day: date) -> datetime:
    return paris(day, 0)


@dataclass
class Base:
    path: Path
    level1: Project
    level3: Project
    mentor: Mentor
    other: Mentor
    student: Student
    pair: Mentorship
    discovery: Session
    held: Session
    upcoming: Session


async def _mentor(n: int, projects: list[Project], path: Path) -> Mentor:
    mentor = await Mentor.create(
        name=f"Mentor {n}", email=f"m{n}@x.example", capacity=2, start_date=date(2025, 1, 1)
    )
    await mentor.projects.add(*projects)
    await MentorPath.create(mentor_id=mentor.id, path_id=path.id, added_on=date(2025, 1, 1))
    for day in range(5):
        await MentorAvailability.create(
            mentor_id=mentor.id, weekday=day, start_minute=18 * 60, end_minute=21 * 60
        )
    return mentor


async def _student(n: int, path: Path, project: Project) -> Student:
    student = await Student.create(
        name=f"Student {n}",
        email=f"s{n}@x.example",
        phone="+33 6 12 34 56 78",
        address="1 rue de la Paix, 75002 Paris",
        photo_url="https://photos.example/s.jpg",
        latest_diploma="Licence",
        training_objective="Change careers",
        path_id=path.id,
        current_project_id=project.id,
    )
    for day in range(5):
        await StudentAvailability.create(
            student_id=student.id, weekday=day, start_minute=18 * 60, end_minute=22 * 60
        )
    return student


async def add_pair(
    student: Student, mentor: Mentor, *, weekday: int = 1, minute: int = 18 * 60, started: date | None = None
) -> Mentorship:
    pair = await Mentorship.create(
        student_id=student.id,
        mentor_id=mentor.id,
        slot_weekday=weekday,
        slot_start_minute=minute,
        slot_minutes=45,
        started_on=started or date(2026, 10, 1),
    )
    await PairingChange.create(
        action=PairingAction.STARTED,
        cause=PairingCause.MANUAL,
        actor="test",
        mentorship_id=pair.id,
        mentor_id=mentor.id,
        student_id=student.id,
    )
    return pair


async def add_session(
    pair: Mentorship,
    at: datetime,
    *,
    kind: SessionKind = SessionKind.REGULAR,
    minutes: int = 45,
    status: SessionStatus = SessionStatus.SCHEDULED,
    level: int | None = None,
    catch_up: bool = False,
) -> Session:
    ended = status is not SessionStatus.SCHEDULED
    return await Session.create(
        mentorship_id=pair.id,
        kind=kind,
        starts_at=at,
        duration_minutes=minutes,
        status=status,
        catch_up=catch_up,
        catch_up_reason="away" if catch_up else "",
        ended_at=at + timedelta(minutes=minutes) if ended else None,
        billed_level=level if ended else None,
        billed_amount=RATES[level]
        if ended and level and status is SessionStatus.COMPLETED
        else (Decimal("0") if ended else None),
    )


@pytest.fixture
async def base(db: Backend) -> Base:
    path = await Path.create(name="Web Developer")
    other_path = await Path.create(name="Data Analyst")
    level1 = await Project.create(path_id=path.id, name="Learn how to learn", level=1, position=0)
    level3 = await Project.create(
        path_id=path.id, name="Launch your own restaurant review site", level=3, position=1
    )
    await Project.create(path_id=other_path.id, name="Analyse sales of a bookstore", level=2)
    mentor = await _mentor(1, [level1, level3], path)
    other = await _mentor(2, [level1, level3], path)
    student = await _student(1, path, level1)
    pair = await add_pair(student, mentor)
    discovery = await add_session(
        pair,
        paris(date(2026, 10, 6), 18),
        kind=SessionKind.DISCOVERY,
        minutes=30,
        status=SessionStatus.COMPLETED,
        level=1,
    )
    held = await add_session(pair, paris(date(2026, 10, 13), 18), status=SessionStatus.COMPLETED, level=1)
    upcoming = await add_session(pair, paris(date(2026, 11, 3), 18))
    return Base(path, level1, level3, mentor, other, student, pair, discovery, held, upcoming)


async def check() -> Report:
    return await check_all(today=TODAY, now=paris(TODAY, 9), rates=RATES)


async def test_the_base_state_holds_every_invariant(base: Base) -> None:
    report = await check()
    assert set(report.violations) == set(INVARIANTS)
    assert report.total == 0, report.all()


Mutation = Callable[[Base], Awaitable[None]]


async def _unlist_project(b: Base) -> None:
    await b.mentor.projects.remove(b.level1)


async def _over_capacity(b: Base) -> None:
    await Mentor.filter(id=b.mentor.id).update(capacity=1)
    await add_pair(await _student(2, b.path, b.level1), b.mentor, weekday=2)


async def _off_path(b: Base) -> None:
    await MentorPath.filter(mentor_id=b.mentor.id).delete()


async def _bad_zone(b: Base) -> None:
    await Student.filter(id=b.student.id).update(timezone="Mars/Olympus_Mons")


async def _overlapping_absences(b: Base) -> None:
    for start in (date(2026, 12, 1), date(2026, 12, 3)):
        end = start + timedelta(days=4)
        await MentorAbsence.create(
            mentor_id=b.other.id,
            starts_on=start,
            ends_on=end,
            starts_at=midnight(start),
            ends_at=midnight(end + timedelta(days=1)),
        )


async def _session_while_away(b: Base) -> None:
    day = date(2026, 11, 3)
    await MentorAbsence.create(
        mentor_id=b.mentor.id,
        starts_on=day,
        ends_on=day,
        starts_at=midnight(day),
        ends_at=midnight(day + timedelta(days=1)),
    )


async def _catch_up_without_absence(b: Base) -> None:
    await add_session(b.pair, paris(date(2026, 11, 5), 18), catch_up=True)


async def _long_absence_without_handover(b: Base) -> None:
    start, end = date(2026, 11, 16), date(2026, 12, 13)
    await MentorAbsence.create(
        mentor_id=b.mentor.id,
        starts_on=start,
        ends_on=end,
        long=True,
        starts_at=midnight(start),
        ends_at=midnight(end + timedelta(days=1)),
    )


async def _short_notice(b: Base) -> None:
    await Mentor.filter(id=b.other.id).update(notice_given_on=date(2026, 11, 2), last_day=date(2026, 11, 9))


async def _pair_after_last_day(b: Base) -> None:
    await Mentor.filter(id=b.mentor.id).update(notice_given_on=date(2026, 10, 1), last_day=date(2026, 10, 31))


async def _pair_again_after_request(b: Base) -> None:
    await Mentorship.filter(id=b.pair.id).update(
        ended_on=date(2026, 10, 20), end_reason=MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT
    )
    await add_pair(b.student, b.mentor, started=date(2026, 10, 27))


async def _project_off_path(b: Base) -> None:
    foreign = await Project.get(name="Analyse sales of a bookstore")
    await Student.filter(id=b.student.id).update(current_project_id=foreign.id)


async def _presented_without_profile(b: Base) -> None:
    await Student.filter(id=b.student.id).update(photo_url="")
    await Assessment.create(
        student_id=b.student.id,
        project_id=b.level1.id,
        assessor_id=b.other.id,
        status=AssessmentStatus.PASSED,
        starts_at=paris(date(2026, 10, 20), 19),
    )


async def _slot_outside_funding(b: Base) -> None:
    await Student.filter(id=b.student.id).update(funding=Funding.EMPLOYER, allowed_weekdays=0b0000001)


async def _slot_outside_availability(b: Base) -> None:
    await Mentorship.filter(id=b.pair.id).update(slot_start_minute=12 * 60)


async def _overlapping_slots(b: Base) -> None:
    await add_pair(await _student(2, b.path, b.level1), b.mentor, minute=18 * 60 + 30)


async def _presentation_over_a_session(b: Base) -> None:
    await Assessment.create(
        student_id=b.student.id,
        project_id=b.level1.id,
        assessor_id=b.other.id,
        status=AssessmentStatus.SCHEDULED,
        starts_at=paris(date(2026, 11, 3), 18, 15),
    )


async def _session_before_pair(b: Base) -> None:
    await Mentorship.filter(id=b.pair.id).update(started_on=date(2026, 10, 10))


async def _no_discovery(b: Base) -> None:
    await Session.filter(id=b.discovery.id).update(kind=SessionKind.REGULAR, paris_week=date(2026, 10, 5))


async def _short_session(b: Base) -> None:
    await Session.filter(id=b.upcoming.id).update(duration_minutes=20)


async def _cancelled_not_ended(b: Base) -> None:
    await Session.filter(id=b.upcoming.id).update(status=SessionStatus.CANCELLED)


async def _billed_wrong_level(b: Base) -> None:
    await Session.filter(id=b.held.id).update(billed_level=3, billed_amount=Decimal("40"))


async def _billed_wrong_amount(b: Base) -> None:
    await Session.filter(id=b.held.id).update(billed_amount=Decimal("35"))


async def _discovery_note_on_regular(b: Base) -> None:
    await DiscoveryNote.create(session_id=b.held.id, background="none")


async def _assessor_was_mentor(b: Base) -> None:
    await Assessment.create(
        student_id=b.student.id,
        project_id=b.level1.id,
        assessor_id=b.mentor.id,
        status=AssessmentStatus.SCHEDULED,
        starts_at=paris(date(2026, 11, 5), 19),
    )


async def _presentation_session(b: Base) -> None:
    await add_session(b.pair, paris(date(2026, 11, 5), 19), kind=SessionKind.PRESENTATION, minutes=30)


async def _no_audit_row(b: Base) -> None:
    await PairingChange.filter(mentorship_id=b.pair.id).delete()


async def _left_with_students(b: Base) -> None:
    await Mentor.filter(id=b.mentor.id).update(status=MentorStatus.LEFT)


async def _paired_after_path_completed(b: Base) -> None:
    await Assessment.create(
        student_id=b.student.id, project_id=b.level1.id, status=AssessmentStatus.AWAITING_ASSESSOR
    )


CASES: list[tuple[str, Mutation]] = [
    ("r1_project_listed", _unlist_project),
    ("r2_capacity", _over_capacity),
    ("r3_mentor_path", _off_path),
    ("r4_time_zones", _bad_zone),
    ("r5_absences_well_formed", _overlapping_absences),
    ("r5_nothing_while_away", _session_while_away),
    ("r5_catch_up_after_short_absence", _catch_up_without_absence),
    ("r5_long_absence_handed_over", _long_absence_without_handover),
    ("r6_notice", _short_notice),
    ("r6_nothing_after_last_day", _pair_after_last_day),
    ("r6_nothing_after_last_day", _left_with_students),
    ("r7_no_pair_again_after_request", _pair_again_after_request),
    ("r9_project_on_path", _project_off_path),
    ("r9_no_pair_after_path_completed", _paired_after_path_completed),
    ("r10_profile_at_presentation", _presented_without_profile),
    ("r11_funding_weekdays", _slot_outside_funding),
    ("r13_slot_in_availability", _slot_outside_availability),
    ("r13_slots_apart", _overlapping_slots),
    ("no_overlap", _presentation_over_a_session),
    ("sessions_within_pair", _session_before_pair),
    ("r14_discovery_first", _no_discovery),
    ("r14_session_length", _short_session),
    ("r16_ended_with_status", _cancelled_not_ended),
    ("r17_billed_level", _billed_wrong_level),
    ("r17_billed_level", _billed_wrong_amount),
    ("r18_discovery_notes", _discovery_note_on_regular),
    ("r20_assessor_not_mentor", _assessor_was_mentor),
    ("r20_assessor_not_mentor", _presentation_session),
    ("audit_trail", _no_audit_row),
]


@pytest.mark.parametrize(("name", "mutation"), CASES, ids=[f"{n}:{m.__name__}" for n, m in CASES])
async def test_each_invariant_reports_a_state_that_breaks_it(
    base: Base, name: str, mutation: Mutation
) -> None:
    await mutation(base)
    report = await check()
    assert report.violations[name], report.all()
    assert all(v.invariant in report.violations for v in report.all())


async def test_states_the_database_refuses_are_reported_from_the_snapshot(base: Base) -> None:
    """A second current pair and a second regular session in a week cannot be written (unique indexes):
    the same snapshot with them added is reported."""
    world = await load_world(today=TODAY, now=paris(TODAY, 9), rates=RATES)
    second = PairRow(999, base.student.id, base.other.id, 3, 18 * 60, 45, date(2026, 10, 1), None, None)
    world.pairs[second.id] = second
    twin = SessionRow(
        999,
        base.pair.id,
        base.mentor.id,
        base.student.id,
        SessionKind.REGULAR,
        paris(date(2026, 11, 5), 19),
        45,
        SessionStatus.SCHEDULED,
        date(2026, 11, 2),
        False,
        None,
        None,
        None,
    )
    world.sessions.append(twin)
    report = check_world(world, only=["r9_one_current_pair", "r13_one_regular_a_week"])
    assert report.counts() == {"r9_one_current_pair": 1, "r13_one_regular_a_week": 1}


async def test_every_invariant_has_a_case() -> None:
    assert {name for name, _ in CASES} | {"r9_one_current_pair", "r13_one_regular_a_week"} == set(INVARIANTS)


async def test_the_check_reads_each_table_once_whatever_the_size(base: Base) -> None:
    from tests.conftest import count_queries

    with count_queries() as small:
        await check()
    for n in range(2, 12):
        student = await _student(n, base.path, base.level1)
        await add_pair(student, base.other if n % 2 else base.mentor, weekday=n % 5, minute=18 * 60 + n)
    with count_queries() as large:
        await check()
    assert len(large.statements) == len(small.statements)
