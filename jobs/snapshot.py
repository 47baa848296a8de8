"""A run's input snapshot: the database rows the solver needs, converted to the solver's plain data.

Rows are read versions first (mentor and student rows carry their ``version``), details after: an edit
that lands between the two reads bumps a version already read, so the proposal is refused as stale
rather than stored over inputs the snapshot half-saw.

Scope: ``all`` and ``path`` take the students waiting for a mentor; ``students`` takes the listed ones,
paired or not (a paired one may be re-matched: the solver sees their current pair). Every other current
pair stays as it is: it takes a seat of its mentor's capacity (R2) and blocks its weekly slot.

Availability is what holds in the run's week and every week of the year after it
(``paris_time.windows_all_year``): a slot found for someone in Dakar or Montreal stays inside their windows
when the clocks change, rather than leaving them all summer (a series would then skip those weeks).
"""

from __future__ import annotations

import asyncio
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from tortoise.expressions import Subquery

from domain import payloads
from domain.bulk import CHUNK, in_chunks
from domain.enums import HandoverStatus
from domain.models import (
    Handover,
    MentorAvailability,
    Mentorship,
    Project,
    Student,
    StudentAvailability,
)
from domain.paris_time import WeeklyWindow, windows_all_year, zone
from domain.services import eligibility
from domain.services.eligibility import path_completed
from solver import STEP_MINUTES, STEPS_PER_DAY, Interval, MentorIn, StudentIn

# People converted to the solver's data between two yields to the event loop.
YIELD_EVERY = 200
# Ids per read when the job shares the API's event loop (embedded mode): a chunk's rows become objects in
# one synchronous step, which then delays every request (a 2,500-mentor chunk: ~0.3 s).
SHARED_LOOP_CHUNK = 500


class _Pair(NamedTuple):
    """A current pair, as the snapshot reads it."""

    id: int
    mentor_id: int
    student_id: int
    slot_weekday: int
    slot_start_minute: int
    slot_minutes: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    week: date
    mentors: list[MentorIn]
    students: list[StudentIn]
    # Stored on the run and checked before the proposal is stored (and again at publish).
    versions: payloads.SnapshotVersions
    capacity: dict[int, int]  # requested capacity of each mentor considered
    fixed_load: dict[int, int]  # current pairs that stay as they are, per mentor
    minutes: dict[int, int]  # each student's session length (R14), the proposed slot's length
    # The path of each student's project: a large run is split by path (``jobs.parts``).
    path_of_project: dict[int, int] = field(default_factory=dict)


def minutes_to_steps(intervals: list[tuple[int, int]]) -> tuple[Interval, ...]:
    """Paris-week minutes to whole 15-minute steps inside them, cut at Paris midnights (a weekly slot
    lies within one day)."""
    out: list[Interval] = []
    for start, end in intervals:
        first = -(-start // STEP_MINUTES)
        last = end // STEP_MINUTES
        while first < last:
            day_end = (first // STEPS_PER_DAY + 1) * STEPS_PER_DAY
            stop = min(last, day_end)
            out.append(Interval(first, stop))
            first = stop
    return tuple(out)


def _languages(text: str) -> frozenset[str]:
    return frozenset(code for code in text.split(",") if code)


def _region(tz_name: str) -> str:
    return tz_name.split("/", 1)[0]


def slot_step(weekday: int, start_minute: int) -> int:
    return (weekday * 24 * 60 + start_minute) // STEP_MINUTES


def duration_steps(minutes: int) -> int:
    return -(-minutes // STEP_MINUTES)


async def _student_rows(scope: payloads.RunScope, chunk: int) -> list[Student]:
    kind = scope.get("kind", "all")
    if kind == "students":
        rows = await in_chunks(scope["studentIds"], lambda ids: Student.filter(id__in=ids), size=chunk)
        return sorted(rows, key=lambda s: s.id)
    paired = Subquery(Mentorship.filter(ended_on__isnull=True).values("student_id"))
    qs = Student.filter(id__not_in=paired)
    if kind == "path":
        qs = qs.filter(path_id=scope["pathId"])
    # The ids first, then the rows a chunk at a time (``domain.bulk``): building thousands of objects in one
    # go holds the event loop, which in embedded mode is the API's.
    ids = [row[0] for row in await qs.order_by("id").values_list("id")]
    rows = await in_chunks(ids, lambda part: Student.filter(id__in=part), size=chunk)
    waiting = sorted(rows, key=lambda s: s.id)
    # R20: a student who finished the last project of their path waits for the final panel, not a mentor.
    done = await path_completed({s.id: s.current_project_id for s in waiting})
    return [s for s in waiting if s.id not in done]


async def load_snapshot(scope: payloads.RunScope, week: date, *, chunk: int = CHUNK) -> Snapshot:
    """The run's people and facts, converted to the solver's data. ``chunk``: ids per read
    (``SHARED_LOOP_CHUNK`` when the job shares the API's event loop, embedded mode)."""
    read = functools.partial(in_chunks, size=chunk)
    students = await _student_rows(scope, chunk)
    project_ids = sorted({s.current_project_id for s in students})
    first, last = eligibility.week_days(week)
    unavailable = await eligibility.unavailable_mentors(first, last)
    mentors = await eligibility.candidate_mentors(project_ids, first, last, chunk=chunk)
    mentor_ids = [m.id for m in mentors]
    student_ids = [s.id for s in students]
    # Who may be paired with whom: the projects listed (R1) and the pairs never (re)formed (R7, R20).
    # Every id list here is read in bounded chunks (``domain.bulk``): a run may hold any number of them.
    facts = await eligibility.load_facts(mentors, students)
    project_rows = await read(
        project_ids, lambda ids: Project.filter(id__in=ids).values_list("id", "level", "path_id")
    )
    levels = {pid: level for pid, level, _ in project_rows}
    path_of_project = {pid: path_id for pid, _, path_id in project_rows}
    # Plain rows, not model instances: at 100,000 students these are ~330,000 rows, and building a model
    # for each was the largest part of the load (a third of its 14 CPU seconds).
    m_windows: dict[int, list[WeeklyWindow]] = defaultdict(list)
    for mid, weekday, start, end in await read(
        mentor_ids,
        lambda ids: MentorAvailability.filter(mentor_id__in=ids).values_list(
            "mentor_id", "weekday", "start_minute", "end_minute"
        ),
    ):
        m_windows[mid].append(WeeklyWindow(weekday, start, end))
    await asyncio.sleep(0)
    s_windows: dict[int, list[WeeklyWindow]] = defaultdict(list)
    for sid, weekday, start, end in await read(
        student_ids,
        lambda ids: StudentAvailability.filter(student_id__in=ids).values_list(
            "student_id", "weekday", "start_minute", "end_minute"
        ),
    ):
        s_windows[sid].append(WeeklyWindow(weekday, start, end))
    await asyncio.sleep(0)
    in_scope = set(student_ids)
    considered = set(mentor_ids)
    # Plain rows (the few columns used), not model instances: tens of thousands of current pairs.
    current = [
        _Pair(*row)
        for row in await read(
            mentor_ids,
            lambda ids: Mentorship.filter(ended_on__isnull=True, mentor_id__in=ids).values_list(
                *_Pair._fields
            ),
        )
    ]
    current += [
        pair
        for pair in (
            _Pair(*row)
            for row in await read(
                student_ids,
                lambda ids: Mentorship.filter(ended_on__isnull=True, student_id__in=ids).values_list(
                    *_Pair._fields
                ),
            )
        )
        if pair.mentor_id not in considered
    ]

    fixed_load: dict[int, int] = defaultdict(int)
    blocked: dict[int, list[Interval]] = defaultdict(list)
    pair_of: dict[int, _Pair] = {}
    for pair in current:
        if pair.student_id in in_scope:
            pair_of[pair.student_id] = pair
        else:
            fixed_load[pair.mentor_id] += 1
            start = slot_step(pair.slot_weekday, pair.slot_start_minute)
            blocked[pair.mentor_id].append(Interval(start, start + duration_steps(pair.slot_minutes)))
    # R5: students handed to a substitute come back to their mentor: their seat and slot stay reserved.
    # (A pair still current, its student waiting for a substitute, is counted above already.)
    for held in await read(
        mentor_ids,
        lambda ids: Mentorship.filter(
            handovers_from__status__in=[HandoverStatus.WAITING, HandoverStatus.SUBSTITUTED],
            mentor_id__in=ids,
            ended_on__isnull=False,
        ).distinct(),
    ):
        fixed_load[held.mentor_id] += 1
        start = slot_step(held.slot_weekday, held.slot_start_minute)
        blocked[held.mentor_id].append(Interval(start, start + duration_steps(held.slot_minutes)))
    # R5: a substitute planned for a long absence has the seat and the slot reserved (a student of this
    # run's scope is planned again by it).
    for plan in await read(
        mentor_ids,
        lambda ids: Handover.filter(status=HandoverStatus.PLANNED, planned_mentor_id__in=ids),
    ):
        if plan.student_id in in_scope or plan.planned_mentor_id is None:
            continue
        assert plan.planned_weekday is not None and plan.planned_start_minute is not None
        fixed_load[plan.planned_mentor_id] += 1
        start = slot_step(plan.planned_weekday, plan.planned_start_minute)
        blocked[plan.planned_mentor_id].append(
            Interval(start, start + duration_steps(plan.planned_minutes or 0))
        )

    # Many people give the same weekly windows: each (zone, windows) is converted once per load (the
    # conversion was a third of a 100,000-student load).
    converted: dict[tuple[str, tuple[WeeklyWindow, ...]], tuple[Interval, ...]] = {}

    def availability(windows: list[WeeklyWindow], tz_name: str) -> tuple[Interval, ...]:
        key = (tz_name, tuple(windows))
        found = converted.get(key)
        if found is None:
            found = converted[key] = minutes_to_steps(windows_all_year(windows, zone(tz_name), week))
        return found

    mentors_in: list[MentorIn] = []
    for i, m in enumerate(mentors):
        if i % YIELD_EVERY == YIELD_EVERY - 1:
            await asyncio.sleep(0)  # let the event loop serve (embedded mode: the API's loop)
        # A full mentor stays in the instance with no seat: the reasons then say ALL_MENTORS_FULL and
        # name them, rather than NO_MENTOR_FOR_PROJECT.
        mentors_in.append(
            MentorIn(
                id=m.id,
                projects=frozenset(facts.projects.get(m.id, set())),
                capacity=eligibility.seats_left(fixed_load[m.id], m.capacity),
                availability=availability(m_windows[m.id], m.timezone),
                absences=tuple(blocked[m.id]),
                languages=_languages(m.languages),
                region=_region(m.timezone),
            )
        )
    students_in: list[StudentIn] = []
    for i, s in enumerate(students):
        if i % YIELD_EVERY == YIELD_EVERY - 1:
            await asyncio.sleep(0)
        now = pair_of.get(s.id)
        if now is not None and now.mentor_id in unavailable:
            now = None  # leaving or away: the student is placed with someone else

        students_in.append(
            StudentIn(
                id=s.id,
                project=s.current_project_id,
                level=levels.get(s.current_project_id, 2),
                duration_steps=duration_steps(s.session_minutes),
                availability=availability(s_windows[s.id], s.timezone),
                allowed_weekdays=frozenset(d for d in range(7) if s.allowed_weekdays & (1 << d)),
                current_mentor_id=now.mentor_id if now else None,
                current_start_step=slot_step(now.slot_weekday, now.slot_start_minute) if now else None,
                forbidden_mentor_ids=frozenset(facts.forbidden(s.id)),
                languages=_languages(s.languages),
                region=_region(s.timezone),
            )
        )
    versions: payloads.SnapshotVersions = {
        "mentors": {str(m.id): m.version for m in mentors},
        "students": {str(s.id): s.version for s in students},
        "mentorships": sorted(p.id for p in current),
    }
    return Snapshot(
        week=week,
        mentors=mentors_in,
        students=students_in,
        versions=versions,
        capacity={m.id: m.capacity for m in mentors},
        fixed_load=dict(fixed_load),
        minutes={s.id: s.session_minutes for s in students},
        path_of_project=path_of_project,
    )
