"""The programme's invariants over the whole database: one named check per rule (R1-R20), as far as the
data model states the rule.

``check_all`` reads every table it needs once, in bulk (one query per table, whatever the size of the
database), then runs each invariant as a pure function over that snapshot and returns the violations by
invariant. Tests, the simulated term, the randomized operations and ``mentormatch check`` call it.

The invariants say what must hold whichever way the data was written; they restate no service's checks
step by step. Where a rule has a home in the services (the statuses that occupy a calendar, the lengths of
a session, the weekdays of a funding), the constants come from that home.

What the data model cannot state is left out and said so: R8 (continuity is a preference), R12 (weekly
hours are a profile figure with a check constraint), R15 (entry in Paris time is an API concern), R19 (the
next session is asked for at the end of a session, not a state). R17 compares a session's billed level
with the order of the projects the student went through (their assessments, then the current project):
the model records no time at which a student changed project, so a session held on one project and ended
after the next one began is only seen when its level fits no project of that order.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import available_timezones

from tortoise import Tortoise
from tortoise.models import Model

from domain.enums import (
    FUNDING_WEEKDAYS,
    AssessmentStatus,
    Funding,
    HandoverStatus,
    MentorshipEndReason,
    MentorStatus,
    PairingAction,
    SessionKind,
    SessionStatus,
)
from domain.models import (
    Assessment,
    DiscoveryNote,
    Handover,
    Mentor,
    MentorAbsence,
    MentorAvailability,
    MentorPath,
    Mentorship,
    PairingChange,
    Project,
    Session,
    Student,
    StudentAvailability,
)
from domain.paris_time import MINUTES_PER_DAY, PARIS, WeeklyWindow, week_monday, windows_in_paris_week, zone

# The statuses that hold a place in someone's calendar (the database's overlap constraint uses the same).
ACTIVE = (SessionStatus.SCHEDULED, SessionStatus.COMPLETED, SessionStatus.STUDENT_ABSENT)
BILLABLE = (SessionStatus.COMPLETED, SessionStatus.STUDENT_ABSENT, SessionStatus.LATE_CANCELLED)
DISCOVERY_HELD = (SessionStatus.SCHEDULED, SessionStatus.COMPLETED)
# A presentation held or to be held occupies the student's and the assessor's calendars.
PRESENTING = (AssessmentStatus.SCHEDULED, AssessmentStatus.PASSED, AssessmentStatus.FAILED)
PRESENTED = (AssessmentStatus.PASSED, AssessmentStatus.FAILED)
# A project with an assessment in these states is finished (``domain.services.progress``).
FINISHED = (AssessmentStatus.AWAITING_ASSESSOR, AssessmentStatus.SCHEDULED, AssessmentStatus.PASSED)
SHORT_ABSENCE_DAYS = 14  # R5
# R5: catch-ups from the mentor's return to the end of the Paris week after the absence's last day.
CATCH_UP_WINDOW = timedelta(days=14)
NOTICE_DAYS = 14  # R6
DISCOVERY_MINUTES = 30  # R14
REGULAR_MINUTES = (45, 60)
PRESENTATION_MINUTES = (20, 40)
REQUESTED = (MentorshipEndReason.CHANGE_REQUESTED_BY_MENTOR, MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT)
_ZONES = frozenset(available_timezones())
E = TypeVar("E", bound=Enum)


@dataclass(frozen=True, slots=True)
class Violation:
    invariant: str
    subject: str  # "mentor 3", "session 12", ...
    detail: str

    def __str__(self) -> str:
        return f"{self.invariant}: {self.subject}: {self.detail}"


@dataclass(slots=True)
class Report:
    """Violations by invariant; every invariant checked has a key, with an empty list when it holds."""

    violations: dict[str, list[Violation]] = field(default_factory=dict)
    today: date | None = None

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.violations.values())

    def counts(self) -> dict[str, int]:
        return {name: len(found) for name, found in self.violations.items()}

    def all(self) -> list[Violation]:
        return [v for found in self.violations.values() for v in found]

    def __bool__(self) -> bool:
        """True when every invariant holds."""
        return self.total == 0


# --- The snapshot -------------------------------------------------------------------------------------
#
# Rows are read with one plain SELECT per table and kept as small records (building ORM objects for a
# 20,000-student programme's sessions would take most of the time). Attribute names are the models'.


@dataclass(slots=True)
class MentorRow:
    id: int
    capacity: int
    status: MentorStatus
    timezone: str
    notice_given_on: date | None
    last_day: date | None


@dataclass(slots=True)
class StudentRow:
    id: int
    path_id: int
    current_project_id: int
    allowed_weekdays: int
    funding: Funding
    timezone: str
    session_minutes: int
    name: str
    phone: str
    address: str
    photo_url: str
    latest_diploma: str
    training_objective: str


@dataclass(slots=True)
class PairRow:
    id: int
    student_id: int
    mentor_id: int
    slot_weekday: int
    slot_start_minute: int
    slot_minutes: int
    started_on: date
    ended_on: date | None
    end_reason: MentorshipEndReason | None


@dataclass(slots=True)
class SessionRow:
    id: int
    mentorship_id: int
    mentor_id: int
    student_id: int
    kind: SessionKind
    starts_at: datetime
    duration_minutes: int
    status: SessionStatus
    paris_week: date
    catch_up: bool
    ended_at: datetime | None
    billed_level: int | None
    billed_amount: Decimal | None


@dataclass(slots=True)
class AbsenceRow:
    id: int
    mentor_id: int
    starts_on: date
    ends_on: date
    starts_at: datetime
    ends_at: datetime
    long: bool
    cancelled_at: datetime | None


@dataclass(slots=True)
class HandoverRow:
    id: int
    absence_id: int
    student_id: int
    substitute_id: int | None
    status: HandoverStatus
    planned_mentor_id: int | None = None
    original_id: int | None = None
    returned_id: int | None = None


@dataclass(slots=True)
class AssessmentRow:
    id: int
    student_id: int
    project_id: int
    assessor_id: int | None
    status: AssessmentStatus
    starts_at: datetime | None
    duration_minutes: int


@dataclass(slots=True)
class World:
    """The rows the invariants read, loaded in bulk."""

    today: date
    now: datetime
    rates: Mapping[int, Decimal] | None
    projects: dict[int, tuple[int, int]]  # id -> (path_id, level)
    mentors: dict[int, MentorRow]
    mentor_projects: set[tuple[int, int]]
    mentor_paths: set[tuple[int, int]]
    mentor_windows: dict[int, tuple[WeeklyWindow, ...]]
    students: dict[int, StudentRow]
    student_windows: dict[int, tuple[WeeklyWindow, ...]]
    pairs: dict[int, PairRow]
    sessions: list[SessionRow]  # in time order
    discovery_note_sessions: list[int]
    absences: list[AbsenceRow]
    handovers: list[HandoverRow]
    assessments: list[AssessmentRow]
    audit: set[tuple[int, str]]  # (mentorship_id, action)

    def current_pairs(self) -> list[PairRow]:
        return [p for p in self.pairs.values() if p.ended_on is None]


def _dt(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _dt_or_none(value: Any) -> datetime | None:
    return None if value is None else _dt(value)


def _d(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _d_or_none(value: Any) -> date | None:
    return None if value is None else _d(value)


def _table(model: type[Model]) -> str:
    return str(model._meta.db_table)


async def _select(model: type[Model] | str, columns: str, order: str = "") -> list[Sequence[Any]]:
    table = model if isinstance(model, str) else _table(model)
    sql = f'SELECT {columns} FROM "{table}"' + (f" ORDER BY {order}" if order else "")
    _count, rows = await Tortoise.get_connection("default").execute_query(sql)
    return [tuple(r) for r in rows]


def _enum(kind: type[E]) -> Callable[[Any], E]:
    by_value = {str(member.value): member for member in kind}
    return lambda value: by_value[str(value)]


_kind, _status = _enum(SessionKind), _enum(SessionStatus)


async def load_world(
    *, today: date | None = None, now: datetime | None = None, rates: Mapping[int, Decimal] | None = None
) -> World:
    now = now or datetime.now(UTC)
    today = today or now.astimezone(PARIS).date()
    mentor_windows: dict[int, list[WeeklyWindow]] = defaultdict(list)
    for mid, wd, s, e in await _select(MentorAvailability, "mentor_id, weekday, start_minute, end_minute"):
        mentor_windows[int(mid)].append(WeeklyWindow(int(wd), int(s), int(e)))
    student_windows: dict[int, list[WeeklyWindow]] = defaultdict(list)
    for sid, wd, s, e in await _select(StudentAvailability, "student_id, weekday, start_minute, end_minute"):
        student_windows[int(sid)].append(WeeklyWindow(int(wd), int(s), int(e)))
    through = str(Mentor._meta.fields_map["projects"].through)  # type: ignore[attr-defined]
    mentor_status, funding = _enum(MentorStatus), _enum(Funding)
    end_reason, handover_status, assessment_status = (
        _enum(MentorshipEndReason),
        _enum(HandoverStatus),
        _enum(AssessmentStatus),
    )
    return World(
        today=today,
        now=now,
        rates=rates,
        projects={int(r[0]): (int(r[1]), int(r[2])) for r in await _select(Project, "id, path_id, level")},
        mentors={
            int(r[0]): MentorRow(
                int(r[0]), int(r[1]), mentor_status(r[2]), str(r[3]), _d_or_none(r[4]), _d_or_none(r[5])
            )
            for r in await _select(Mentor, "id, capacity, status, timezone, notice_given_on, last_day")
        },
        mentor_projects={(int(m), int(p)) for m, p in await _select(through, "mentor_id, project_id")},
        mentor_paths={(int(m), int(p)) for m, p in await _select(MentorPath, "mentor_id, path_id")},
        mentor_windows={k: tuple(sorted(v, key=_window_key)) for k, v in mentor_windows.items()},
        students={
            int(r[0]): StudentRow(
                int(r[0]),
                int(r[1]),
                int(r[2]),
                int(r[3]),
                funding(r[4]),
                str(r[5]),
                int(r[6]),
                *map(str, r[7:]),
            )
            for r in await _select(
                Student,
                "id, path_id, current_project_id, allowed_weekdays, funding, timezone, session_minutes, "
                "name, phone, address, photo_url, latest_diploma, training_objective",
            )
        },
        student_windows={k: tuple(sorted(v, key=_window_key)) for k, v in student_windows.items()},
        pairs={
            int(r[0]): PairRow(
                int(r[0]),
                int(r[1]),
                int(r[2]),
                int(r[3]),
                int(r[4]),
                int(r[5]),
                _d(r[6]),
                _d_or_none(r[7]),
                None if r[8] is None else end_reason(r[8]),
            )
            for r in await _select(
                Mentorship,
                "id, student_id, mentor_id, slot_weekday, slot_start_minute, slot_minutes, started_on, "
                "ended_on, end_reason",
            )
        },
        sessions=[
            SessionRow(
                int(r[0]),
                int(r[1]),
                int(r[2]),
                int(r[3]),
                _kind(r[4]),
                _dt(r[5]),
                int(r[6]),
                _status(r[7]),
                _d(r[8]),
                bool(r[9]),
                _dt_or_none(r[10]),
                None if r[11] is None else int(r[11]),
                None if r[12] is None else Decimal(str(r[12])),
            )
            for r in await _select(
                Session,
                "id, mentorship_id, mentor_id, student_id, kind, starts_at, duration_minutes, status, "
                "paris_week, catch_up, ended_at, billed_level, billed_amount",
                "starts_at, id",
            )
        ],
        discovery_note_sessions=[int(r[0]) for r in await _select(DiscoveryNote, "session_id")],
        absences=[
            AbsenceRow(
                int(r[0]), int(r[1]), _d(r[2]), _d(r[3]), _dt(r[4]), _dt(r[5]), bool(r[6]), _dt_or_none(r[7])
            )
            for r in await _select(
                MentorAbsence,
                'id, mentor_id, starts_on, ends_on, starts_at, ends_at, "long", cancelled_at',
                "id",
            )
        ],
        handovers=[
            HandoverRow(
                int(r[0]),
                int(r[1]),
                int(r[2]),
                None if r[3] is None else int(r[3]),
                handover_status(r[4]),
                None if r[5] is None else int(r[5]),
                int(r[6]),
                None if r[7] is None else int(r[7]),
            )
            for r in await _select(
                Handover,
                "id, absence_id, student_id, substitute_id, status, planned_mentor_id, original_id, "
                "returned_id",
                "id",
            )
        ],
        assessments=[
            AssessmentRow(
                int(r[0]),
                int(r[1]),
                int(r[2]),
                None if r[3] is None else int(r[3]),
                assessment_status(r[4]),
                _dt_or_none(r[5]),
                int(r[6]),
            )
            for r in await _select(
                Assessment,
                "id, student_id, project_id, assessor_id, status, starts_at, duration_minutes",
                "id",
            )
        ],
        audit={(int(r[0]), str(r[1])) for r in await _select(PairingChange, "mentorship_id, action")},
    )


def _window_key(w: WeeklyWindow) -> tuple[int, int]:
    return (w.weekday, w.start_minute)


# --- Helpers ------------------------------------------------------------------------------------------


def _paris_date(instant: datetime) -> date:
    return instant.astimezone(PARIS).date()


def _end(start: datetime, minutes: int) -> datetime:
    return start + timedelta(minutes=minutes)


@lru_cache(maxsize=4096)
def _expanded(windows: tuple[WeeklyWindow, ...], tz_name: str, monday: date) -> tuple[tuple[int, int], ...]:
    if tz_name not in _ZONES:
        return ()
    return tuple(windows_in_paris_week(list(windows), zone(tz_name), monday))


def _inside(intervals: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in intervals)


def _profile_missing(s: StudentRow) -> list[str]:
    fields = {
        "name": s.name,
        "phone": s.phone,
        "address": s.address,
        "photo": s.photo_url,
        "latest diploma": s.latest_diploma,
        "training objective": s.training_objective,
    }
    return [k for k, v in fields.items() if not v.strip()]


# --- The invariants -----------------------------------------------------------------------------------

Check = Callable[[World], Iterable[Violation]]


@dataclass(frozen=True, slots=True)
class Invariant:
    name: str
    rule: str
    text: str
    check: Check


INVARIANTS: dict[str, Invariant] = {}


def invariant(name: str, rule: str, text: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        INVARIANTS[name] = Invariant(name, rule, text, fn)
        return fn

    return register


@invariant("r1_project_listed", "R1", "a current pair's mentor lists the student's current project")
def _r1(w: World) -> Iterable[Violation]:
    for p in w.current_pairs():
        project = w.students[p.student_id].current_project_id
        if (p.mentor_id, project) not in w.mentor_projects:
            yield Violation(
                "r1_project_listed",
                f"mentorship {p.id}",
                f"mentor {p.mentor_id} does not list project {project} of student {p.student_id}",
            )


@invariant(
    "r2_capacity",
    "R2",
    "a mentor has no more current students, with the seats planned for hand-overs (R5), than their capacity",
)
def _r2(w: World) -> Iterable[Violation]:
    load = Counter(p.mentor_id for p in w.current_pairs())
    load.update(
        h.planned_mentor_id
        for h in w.handovers
        if h.status is HandoverStatus.PLANNED and h.planned_mentor_id is not None
    )
    for mentor_id, n in sorted(load.items()):
        capacity = w.mentors[mentor_id].capacity
        if n > capacity:
            yield Violation(
                "r2_capacity",
                f"mentor {mentor_id}",
                f"{n} current students and planned seats > capacity {capacity}",
            )


@invariant("r3_mentor_path", "R3", "a current pair's student is on a path the mentor mentors on")
def _r3(w: World) -> Iterable[Violation]:
    for p in w.current_pairs():
        path = w.students[p.student_id].path_id
        if (p.mentor_id, path) not in w.mentor_paths:
            yield Violation(
                "r3_mentor_path", f"mentorship {p.id}", f"mentor {p.mentor_id} is not on path {path}"
            )


@invariant("r4_time_zones", "R4", "every person's time zone is a known IANA zone")
def _r4(w: World) -> Iterable[Violation]:
    for m in w.mentors.values():
        if m.timezone not in _ZONES:
            yield Violation("r4_time_zones", f"mentor {m.id}", f"unknown zone {m.timezone!r}")
    for s in w.students.values():
        if s.timezone not in _ZONES:
            yield Violation("r4_time_zones", f"student {s.id}", f"unknown zone {s.timezone!r}")


@invariant(
    "r5_absences_well_formed",
    "R5",
    "a mentor's absences do not overlap and are long exactly when they last more than 14 days",
)
def _r5_well_formed(w: World) -> Iterable[Violation]:
    by_mentor: dict[int, list[AbsenceRow]] = defaultdict(list)
    for a in w.absences:
        if a.cancelled_at is not None:
            continue
        if a.long != ((a.ends_on - a.starts_on).days + 1 > SHORT_ABSENCE_DAYS):
            yield Violation("r5_absences_well_formed", f"absence {a.id}", f"long={a.long} for its length")
        by_mentor[a.mentor_id].append(a)
    for rows in by_mentor.values():
        rows.sort(key=lambda a: a.starts_on)
        for before, after in itertools.pairwise(rows):
            if after.starts_on <= before.ends_on:
                yield Violation(
                    "r5_absences_well_formed", f"absence {after.id}", f"overlaps absence {before.id}"
                )


@invariant(
    "r5_nothing_while_away",
    "R5",
    "no session nor presentation of a mentor inside one of their absences",
)
def _r5_away(w: World) -> Iterable[Violation]:
    away: dict[int, list[tuple[datetime, datetime, int]]] = defaultdict(list)
    for a in w.absences:
        if a.cancelled_at is None:
            away[a.mentor_id].append((a.starts_at, a.ends_at, a.id))
    if not away:
        return
    for s in w.sessions:
        if s.status in ACTIVE and s.mentor_id in away:
            end = _end(s.starts_at, s.duration_minutes)
            for start, stop, aid in away[s.mentor_id]:
                if s.starts_at < stop and start < end:
                    yield Violation(
                        "r5_nothing_while_away",
                        f"session {s.id}",
                        f"{s.status.value} with mentor {s.mentor_id} inside absence {aid}",
                    )
    for pres in w.assessments:
        if pres.status in PRESENTING and pres.assessor_id in away and pres.starts_at is not None:
            end = _end(pres.starts_at, pres.duration_minutes)
            for start, stop, aid in away[pres.assessor_id]:
                if pres.starts_at < stop and start < end:
                    yield Violation(
                        "r5_nothing_while_away",
                        f"assessment {pres.id}",
                        f"presentation to assessor {pres.assessor_id} inside absence {aid}",
                    )


@invariant(
    "r5_catch_up_after_short_absence",
    "R5",
    "a catch-up session follows a short absence of its mentor, in the weeks after it",
)
def _r5_catch_up(w: World) -> Iterable[Violation]:
    short: dict[int, list[AbsenceRow]] = defaultdict(list)
    for a in w.absences:
        if a.cancelled_at is None and not a.long:
            short[a.mentor_id].append(a)
    for s in w.sessions:
        if not s.catch_up or s.status not in ACTIVE:
            continue
        day = _paris_date(s.starts_at)
        if not any(
            a.ends_at <= s.starts_at and day < week_monday(a.ends_on) + CATCH_UP_WINDOW
            for a in short.get(s.mentor_id, [])
        ):
            yield Violation(
                "r5_catch_up_after_short_absence",
                f"session {s.id}",
                f"catch-up on {_paris_date(s.starts_at)} follows no short absence of mentor {s.mentor_id}",
            )


@invariant(
    "r5_long_absence_handed_over",
    "R5",
    "during and before a long absence every current student of the mentor has a hand-over (waiting, or "
    "with a substitute planned before the start); a plan is switched by the start; a substitute's pair is "
    "another mentor's and lies within the absence",
)
def _r5_long(w: World) -> Iterable[Violation]:
    by_key = {(h.absence_id, h.student_id): h for h in w.handovers}
    current_by_mentor: dict[int, list[PairRow]] = defaultdict(list)
    for p in w.current_pairs():
        current_by_mentor[p.mentor_id].append(p)
    absences = {a.id: a for a in w.absences}
    for a in w.absences:
        if not a.long or a.cancelled_at is not None or a.ends_on < w.today:
            continue
        for p in current_by_mentor.get(a.mentor_id, []):
            h = by_key.get((a.id, p.student_id))
            if p.started_on > a.ends_on:
                continue  # a pair starting after the absence
            open_now = HandoverStatus.PLANNED if a.starts_on >= w.today else None
            if h is None or h.status not in (HandoverStatus.WAITING, open_now):
                yield Violation(
                    "r5_long_absence_handed_over",
                    f"mentorship {p.id}",
                    f"student {p.student_id} of mentor {a.mentor_id} away {a.starts_on}..{a.ends_on} "
                    f"has {'no hand-over' if h is None else 'hand-over ' + h.status.value}",
                )
    for h in w.handovers:
        a = absences[h.absence_id]
        if h.status is HandoverStatus.PLANNED:
            if a.cancelled_at is not None or a.starts_on < w.today:
                yield Violation(
                    "r5_long_absence_handed_over",
                    f"handover {h.id}",
                    f"substitute still planned for absence {a.id} from {a.starts_on} "
                    f"({'cancelled' if a.cancelled_at else 'started'})",
                )
            if h.planned_mentor_id == a.mentor_id:
                yield Violation(
                    "r5_long_absence_handed_over",
                    f"handover {h.id}",
                    "planned substitute is the absent mentor",
                )
            continue
        if h.status is not HandoverStatus.SUBSTITUTED or h.substitute_id is None:
            continue
        sub = w.pairs.get(h.substitute_id)
        if sub is None:
            continue
        if sub.mentor_id == a.mentor_id:
            yield Violation(
                "r5_long_absence_handed_over", f"handover {h.id}", "substitute is the absent mentor"
            )
        if sub.started_on < a.starts_on or (sub.ended_on is not None and sub.ended_on > a.ends_on):
            yield Violation(
                "r5_long_absence_handed_over",
                f"handover {h.id}",
                f"substitute pair {sub.id} {sub.started_on}..{sub.ended_on} outside the absence "
                f"{a.starts_on}..{a.ends_on}",
            )


@invariant("r6_notice", "R6", "a leaving mentor gave at least two weeks' notice")
def _r6_notice(w: World) -> Iterable[Violation]:
    for m in w.mentors.values():
        if m.last_day is None:
            continue
        if m.notice_given_on is None or (m.last_day - m.notice_given_on).days < NOTICE_DAYS:
            yield Violation(
                "r6_notice", f"mentor {m.id}", f"last day {m.last_day}, notice {m.notice_given_on}"
            )


@invariant(
    "r6_nothing_after_last_day",
    "R6",
    "no pair, session or presentation with a mentor after their last day; a mentor who left has no student",
)
def _r6_after(w: World) -> Iterable[Violation]:
    last = {m.id: m.last_day for m in w.mentors.values() if m.last_day is not None}
    for p in w.pairs.values():
        m = w.mentors[p.mentor_id]
        if p.ended_on is None and m.status is MentorStatus.LEFT:
            yield Violation("r6_nothing_after_last_day", f"mentorship {p.id}", f"mentor {m.id} has left")
        day = last.get(p.mentor_id)
        if day is None:
            continue
        if p.started_on > day or (p.ended_on is None and w.today > day):
            yield Violation(
                "r6_nothing_after_last_day",
                f"mentorship {p.id}",
                f"{p.started_on}..{p.ended_on} with mentor {p.mentor_id} whose last day is {day}",
            )
    for s in w.sessions:
        day = last.get(s.mentor_id)
        if day is not None and s.status in ACTIVE and _paris_date(s.starts_at) > day:
            yield Violation(
                "r6_nothing_after_last_day",
                f"session {s.id}",
                f"on {_paris_date(s.starts_at)} with mentor {s.mentor_id} whose last day is {day}",
            )
    for a in w.assessments:
        day = last.get(a.assessor_id or 0)
        if day is not None and a.status in PRESENTING and a.starts_at and _paris_date(a.starts_at) > day:
            yield Violation(
                "r6_nothing_after_last_day",
                f"assessment {a.id}",
                f"presentation to assessor {a.assessor_id} after their last day {day}",
            )


@invariant("r7_no_pair_again_after_request", "R7", "a pair ended on request is never formed again")
def _r7(w: World) -> Iterable[Violation]:
    refused: dict[tuple[int, int], int] = {}
    for p in sorted(w.pairs.values(), key=lambda p: p.id):
        key = (p.student_id, p.mentor_id)
        if key in refused:
            yield Violation(
                "r7_no_pair_again_after_request",
                f"mentorship {p.id}",
                f"student {p.student_id} and mentor {p.mentor_id} ended mentorship {refused[key]} on request",
            )
        if p.end_reason in REQUESTED:
            refused.setdefault(key, p.id)


@invariant("r9_one_current_pair", "R9", "a student has at most one current pair")
def _r9_one(w: World) -> Iterable[Violation]:
    for student_id, n in sorted(Counter(p.student_id for p in w.current_pairs()).items()):
        if n > 1:
            yield Violation("r9_one_current_pair", f"student {student_id}", f"{n} current pairs")


@invariant(
    "r9_no_pair_after_path_completed",
    "R9",
    "a student who finished the last project of their path (it stays their current project) has no mentor",
)
def _r9_completed(w: World) -> Iterable[Violation]:
    finished = {(a.student_id, a.project_id) for a in w.assessments if a.status in FINISHED}
    for p in w.current_pairs():
        project = w.students[p.student_id].current_project_id
        if (p.student_id, project) in finished:
            yield Violation(
                "r9_no_pair_after_path_completed",
                f"mentorship {p.id}",
                f"student {p.student_id} finished project {project}, the last of their path",
            )


@invariant("r9_project_on_path", "R9", "a student's current project is on their path")
def _r9_path(w: World) -> Iterable[Violation]:
    for s in w.students.values():
        path = w.projects[s.current_project_id][0]
        if path != s.path_id:
            yield Violation(
                "r9_project_on_path", f"student {s.id}", f"project {s.current_project_id} is on path {path}"
            )


@invariant("r10_profile_at_presentation", "R10", "a student who presented a project has a complete profile")
def _r10(w: World) -> Iterable[Violation]:
    presented = {a.student_id for a in w.assessments if a.status in PRESENTED}
    presented |= {
        s.student_id
        for s in w.sessions
        if s.kind is SessionKind.PRESENTATION and s.status is SessionStatus.COMPLETED
    }
    for student_id in sorted(presented):
        missing = _profile_missing(w.students[student_id])
        if missing:
            yield Violation(
                "r10_profile_at_presentation", f"student {student_id}", f"profile lacks {', '.join(missing)}"
            )


@invariant(
    "r11_funding_weekdays",
    "R11",
    "a student's weekdays are within their funding's; slots, scheduled sessions and presentations "
    "fall on them",
)
def _r11(w: World) -> Iterable[Violation]:
    for s in w.students.values():
        if s.allowed_weekdays & ~FUNDING_WEEKDAYS[Funding(s.funding)]:
            yield Violation("r11_funding_weekdays", f"student {s.id}", f"weekdays outside {s.funding.value}")
    for p in w.current_pairs():
        if not w.students[p.student_id].allowed_weekdays & (1 << p.slot_weekday):
            yield Violation(
                "r11_funding_weekdays", f"mentorship {p.id}", f"slot on weekday {p.slot_weekday} not allowed"
            )
    for sess in w.sessions:
        if sess.status is SessionStatus.SCHEDULED:
            day = sess.starts_at.astimezone(PARIS).weekday()
            if not w.students[sess.student_id].allowed_weekdays & (1 << day):
                yield Violation(
                    "r11_funding_weekdays", f"session {sess.id}", f"on weekday {day}, not allowed"
                )
    for a in w.assessments:
        if a.status is AssessmentStatus.SCHEDULED and a.starts_at is not None:
            day = a.starts_at.astimezone(PARIS).weekday()
            if not w.students[a.student_id].allowed_weekdays & (1 << day):
                yield Violation(
                    "r11_funding_weekdays", f"assessment {a.id}", f"on weekday {day}, not allowed"
                )


@invariant(
    "r13_slot_in_availability",
    "R13",
    "a current pair's weekly slot lies inside both people's availability, in the Paris week the pair started "
    "(later weeks may move it by an hour where a zone's clocks change on other dates: the API says so); a "
    "pair started again after a hand-over (R5) keeps its slot: the week its first pair started counts",
)
def _r13_slot(w: World) -> Iterable[Violation]:
    # The pair given back after a long absence -> the pair it continues.
    continues = {
        h.returned_id: h.original_id
        for h in w.handovers
        if h.status is HandoverStatus.RETURNED
        and h.returned_id is not None
        and h.original_id is not None
        and h.returned_id != h.original_id
    }
    for p in w.current_pairs():
        first, seen = p, {p.id}
        while first.id in continues and continues[first.id] not in seen and continues[first.id] in w.pairs:
            first = w.pairs[continues[first.id]]
            seen.add(first.id)
        monday = week_monday(first.started_on)
        start = p.slot_weekday * MINUTES_PER_DAY + p.slot_start_minute
        end = start + p.slot_minutes
        m, s = w.mentors[p.mentor_id], w.students[p.student_id]
        for who, windows, tz in (
            (f"mentor {m.id}", w.mentor_windows.get(m.id, ()), m.timezone),
            (f"student {s.id}", w.student_windows.get(s.id, ()), s.timezone),
        ):
            if not _inside(_expanded(windows, tz, monday), start, end):
                hour, minute = divmod(p.slot_start_minute, 60)
                yield Violation(
                    "r13_slot_in_availability",
                    f"mentorship {p.id}",
                    f"slot weekday {p.slot_weekday} {hour:02d}:{minute:02d} for {p.slot_minutes} min is "
                    f"outside {who}'s availability in the week of {monday}",
                )


@invariant("r13_slots_apart", "R13", "a mentor's current pairs have weekly slots that do not overlap")
def _r13_slots(w: World) -> Iterable[Violation]:
    by_mentor: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for p in w.current_pairs():
        start = p.slot_weekday * MINUTES_PER_DAY + p.slot_start_minute
        by_mentor[p.mentor_id].append((start, start + p.slot_minutes, p.id))
    for mentor_id, slots in sorted(by_mentor.items()):
        slots.sort()
        latest_end, latest = slots[0][1], slots[0][2]
        for start, end, pair_id in slots[1:]:
            if start < latest_end:
                yield Violation(
                    "r13_slots_apart",
                    f"mentor {mentor_id}",
                    f"mentorship {pair_id}'s slot overlaps {latest}'s",
                )
            if end > latest_end:
                latest_end, latest = end, pair_id


@invariant("r13_one_regular_a_week", "R13", "one regular session per student per Paris week, catch-ups aside")
def _r13_week(w: World) -> Iterable[Violation]:
    weeks = Counter(
        (s.student_id, s.paris_week)
        for s in w.sessions
        if s.kind is SessionKind.REGULAR and not s.catch_up and s.status is not SessionStatus.CANCELLED
    )
    for (student_id, week), n in sorted(weeks.items()):
        if n > 1:
            yield Violation(
                "r13_one_regular_a_week", f"student {student_id}", f"{n} regular sessions week {week}"
            )


@invariant(
    "no_overlap",
    "R13/R20",
    "no two entries of one person's calendar overlap: sessions of any kind, presentations given or assessed",
)
def _no_overlap(w: World) -> Iterable[Violation]:
    entries: dict[tuple[str, int], list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for s in w.sessions:
        if s.status in ACTIVE:
            item = (s.starts_at, _end(s.starts_at, s.duration_minutes), f"session {s.id}")
            entries[("mentor", s.mentor_id)].append(item)
            entries[("student", s.student_id)].append(item)
    for a in w.assessments:
        if a.status in PRESENTING and a.starts_at is not None and a.assessor_id is not None:
            item = (a.starts_at, _end(a.starts_at, a.duration_minutes), f"presentation {a.id}")
            entries[("mentor", a.assessor_id)].append(item)
            entries[("student", a.student_id)].append(item)
    for (kind, person), items in sorted(entries.items()):
        items.sort()
        latest_end, latest = items[0][1], items[0][2]
        for start, end, label in items[1:]:
            if start < latest_end:
                yield Violation("no_overlap", f"{kind} {person}", f"{label} overlaps {latest}")
            if end > latest_end:
                latest_end, latest = end, label


@invariant(
    "sessions_within_pair",
    "R13",
    "a session belongs to its pair's people and lies within the pair's dates (its last day included: "
    "ending a pair keeps that day's sessions; a pair handed to a substitute keeps the sessions after the "
    "absence until the student comes back, R5)",
)
def _within(w: World) -> Iterable[Violation]:
    absences = {a.id: a for a in w.absences}
    # Pair handed over (R5, under way) -> the first Paris day after the absence.
    kept_after: dict[int, date] = {
        h.original_id: absences[h.absence_id].ends_on + timedelta(days=1)
        for h in w.handovers
        if h.status is HandoverStatus.SUBSTITUTED and h.original_id is not None
    }
    for s in w.sessions:
        p = w.pairs[s.mentorship_id]
        if (s.mentor_id, s.student_id) != (p.mentor_id, p.student_id):
            yield Violation(
                "sessions_within_pair", f"session {s.id}", f"people differ from mentorship {p.id}"
            )
        if s.status not in ACTIVE:
            continue
        day = _paris_date(s.starts_at)
        if p.id in kept_after and s.status is SessionStatus.SCHEDULED and day >= kept_after[p.id]:
            continue
        if day < p.started_on or (p.ended_on is not None and day > p.ended_on):
            yield Violation(
                "sessions_within_pair",
                f"session {s.id}",
                f"{s.status.value} on {day}, outside mentorship {p.id} ({p.started_on}..{p.ended_on})",
            )


@invariant(
    "r14_discovery_first",
    "R14",
    "a mentor's regular sessions with a student come after their one discovery session (whichever of "
    "their pairs booked it: a pair started again after an absence has met already)",
)
def _r14_first(w: World) -> Iterable[Violation]:
    discovery: dict[tuple[int, int], list[SessionRow]] = defaultdict(list)
    for s in w.sessions:
        if s.kind is SessionKind.DISCOVERY and s.status in DISCOVERY_HELD:
            discovery[(s.mentor_id, s.student_id)].append(s)
    for (mentor_id, student_id), found in sorted(discovery.items()):
        if len(found) > 1:
            yield Violation(
                "r14_discovery_first",
                f"mentor {mentor_id} with student {student_id}",
                f"{len(found)} discovery sessions",
            )
    # A discovery session the student missed still came first (the next booking must be a discovery again).
    booked: dict[tuple[int, int], datetime] = {}
    for s in w.sessions:
        if s.kind is SessionKind.DISCOVERY and s.status in ACTIVE:
            booked.setdefault((s.mentor_id, s.student_id), s.starts_at)
    for s in w.sessions:
        if s.kind is SessionKind.REGULAR and s.status in ACTIVE:
            first = booked.get((s.mentor_id, s.student_id))
            if first is None or first >= s.starts_at:
                yield Violation(
                    "r14_discovery_first",
                    f"session {s.id}",
                    f"regular before mentorship {s.mentorship_id}'s discovery",
                )


@invariant("r14_session_length", "R14", "a scheduled session lasts what its kind allows")
def _r14_length(w: World) -> Iterable[Violation]:
    for s in w.sessions:
        if s.status is not SessionStatus.SCHEDULED:
            continue
        if s.kind is SessionKind.DISCOVERY:
            low, high = DISCOVERY_MINUTES, DISCOVERY_MINUTES
        elif s.kind is SessionKind.PRESENTATION:
            low, high = PRESENTATION_MINUTES
        else:
            low, high = min(REGULAR_MINUTES[0], w.students[s.student_id].session_minutes), REGULAR_MINUTES[1]
        if not low <= s.duration_minutes <= high:
            yield Violation(
                "r14_session_length", f"session {s.id}", f"{s.kind.value} of {s.duration_minutes} min"
            )


@invariant("r16_ended_with_status", "R16", "an ended session has a status other than scheduled")
def _r16(w: World) -> Iterable[Violation]:
    for s in w.sessions:
        if s.ended_at is not None and s.status is SessionStatus.SCHEDULED:
            yield Violation("r16_ended_with_status", f"session {s.id}", "ended while still scheduled")
        if s.status in (SessionStatus.CANCELLED, SessionStatus.LATE_CANCELLED) and s.ended_at is None:
            yield Violation("r16_ended_with_status", f"session {s.id}", f"{s.status.value} but not ended")


@invariant(
    "r17_billed_level",
    "R17",
    "an ended session is billed at the level of a project the student was on at its time (in the order "
    "they went through them), and the amount is the level's rate when billable, else 0",
)
def _r17(w: World) -> Iterable[Violation]:
    order: dict[int, list[int]] = defaultdict(list)
    for a in sorted(w.assessments, key=lambda a: a.id):
        if not order[a.student_id] or order[a.student_id][-1] != a.project_id:
            order[a.student_id].append(a.project_id)
    for st in w.students.values():
        if not order[st.id] or order[st.id][-1] != st.current_project_id:
            order[st.id].append(st.current_project_id)
    position: dict[int, int] = defaultdict(int)
    for s in w.sessions:  # in time order
        if s.ended_at is None or s.billed_level is None:
            continue
        levels = [w.projects[p][1] for p in order[s.student_id]]
        at = position[s.student_id]
        fits = [i for i in range(at, len(levels)) if levels[i] == s.billed_level]
        if not fits:
            yield Violation(
                "r17_billed_level",
                f"session {s.id}",
                f"billed level {s.billed_level}; the student's projects from then on: levels {levels[at:]}",
            )
        else:
            position[s.student_id] = fits[0]
        if w.rates is not None and s.billed_amount is not None:
            expected = w.rates[s.billed_level] if s.status in BILLABLE else Decimal("0")
            if Decimal(s.billed_amount) != expected:
                yield Violation(
                    "r17_billed_level", f"session {s.id}", f"billed {s.billed_amount}, expected {expected}"
                )


@invariant("r18_discovery_notes", "R18", "discovery notes belong to discovery sessions")
def _r18(w: World) -> Iterable[Violation]:
    kinds = {s.id: s.kind for s in w.sessions}
    for session_id in w.discovery_note_sessions:
        if kinds.get(session_id) is not SessionKind.DISCOVERY:
            yield Violation("r18_discovery_notes", f"session {session_id}", "discovery notes on another kind")


@invariant(
    "r20_assessor_not_mentor",
    "R20",
    "a presentation is never given to the student's mentor: no assessor paired with the student by then, "
    "no presentation booked as a session with the mentor",
)
def _r20(w: World) -> Iterable[Violation]:
    first_day: dict[tuple[int, int], date] = {}
    for p in w.pairs.values():
        key = (p.student_id, p.mentor_id)
        first_day[key] = min(first_day.get(key, p.started_on), p.started_on)
    for a in w.assessments:
        if a.assessor_id is None or a.starts_at is None or a.status is AssessmentStatus.CANCELLED:
            continue
        paired = first_day.get((a.student_id, a.assessor_id))
        if paired is not None and paired <= _paris_date(a.starts_at):
            yield Violation(
                "r20_assessor_not_mentor",
                f"assessment {a.id}",
                f"assessor {a.assessor_id} has been student {a.student_id}'s mentor since {paired}",
            )
    for s in w.sessions:
        if s.kind is SessionKind.PRESENTATION and s.status in ACTIVE:
            yield Violation(
                "r20_assessor_not_mentor", f"session {s.id}", f"presentation booked with mentor {s.mentor_id}"
            )


@invariant("audit_trail", "R7", "every pair has an audit row for its start, and one for its end once ended")
def _audit(w: World) -> Iterable[Violation]:
    for p in w.pairs.values():
        if (p.id, PairingAction.STARTED.value) not in w.audit:
            yield Violation("audit_trail", f"mentorship {p.id}", "no audit row for its start")
        if p.ended_on is not None and (p.id, PairingAction.ENDED.value) not in w.audit:
            yield Violation("audit_trail", f"mentorship {p.id}", "no audit row for its end")


# --- Entry points -------------------------------------------------------------------------------------


def check_world(world: World, only: Iterable[str] | None = None) -> Report:
    names = list(INVARIANTS) if only is None else list(only)
    report = Report(today=world.today)
    for name in names:
        report.violations[name] = list(INVARIANTS[name].check(world))
    return report


async def check_all(
    *,
    today: date | None = None,
    now: datetime | None = None,
    rates: Mapping[int, Decimal] | None = None,
    only: Iterable[str] | None = None,
) -> Report:
    """Every invariant over the whole database. ``today`` (a Paris date, default today) is the day the
    date rules count from; ``rates`` (level -> amount), when given, also checks billed amounts."""
    world = await load_world(today=today, now=now, rates=rates)
    return check_world(world, only)


def format_report(report: Report, *, examples: int = 3) -> str:
    width = max(len(n) for n in report.violations) if report.violations else 0
    lines = []
    for name, found in report.violations.items():
        rule = INVARIANTS[name].rule
        lines.append(f"{name:<{width}}  {rule:<8} {len(found)}")
        lines.extend(f"    {v.subject}: {v.detail}" for v in found[:examples])
    lines.append(f"{report.total} violations of {len(report.violations)} invariants")
    return "\n".join(lines)


__all__ = [
    "INVARIANTS",
    "Invariant",
    "Report",
    "Violation",
    "World",
    "check_all",
    "check_world",
    "load_world",
]
