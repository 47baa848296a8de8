"""Turn the plain input into the indexed problem the search works on.

Mentors and students become dense indices with week masks (see ``solver.grid``). Current pairs are
validated here against the hard rules of ``solver.problem`` (H1-H8; pinned pairs first, then by id): a
pinned pair that breaks one makes the input infeasible (H9); a non-pinned pair that breaks one is dropped
(its student is *displaced*); a valid one is *fixed* (kept as it is, H11) unless ``move_existing`` is
set, in which case it only seeds the search (O2).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from solver.grid import WEEK, interval_mask, session_mask, start_mask, weekday_mask
from solver.model import MAX_SESSION_STEPS, MIN_SESSION_STEPS, MentorIn, Slot, SolveOptions, StudentIn


@dataclass(slots=True)
class Mentor:
    id: int
    projects: frozenset[int]
    capacity: int
    free: int  # availability minus absences
    languages: frozenset[str]
    region: str


@dataclass(slots=True)
class Student:
    id: int
    project: int
    level: int
    duration: int
    starts: int  # starts allowed by the student's availability and weekdays
    forbidden: frozenset[int]  # mentor indices
    current: tuple[int, int] | None  # (mentor index, start) when the current pair is still valid
    pinned: bool
    languages: frozenset[str]
    region: str


@dataclass(slots=True)
class Problem:
    """The indexed problem. ``fixed`` sessions are not up for change; ``movable`` students are."""

    mentors: list[Mentor]
    students: list[Student]
    fixed: list[tuple[int, int, int]]  # (student, mentor, start)
    movable: list[int]  # students the search may place or move
    base_used: list[int]  # per mentor, steps taken by fixed sessions
    base_count: list[int]  # per mentor, fixed sessions
    by_project: dict[int, list[int]]  # project -> mentor indices listing it
    current_slots: dict[int, Slot]  # student -> current pair and slot as given in the input
    errors: list[str] = field(default_factory=list)
    _starts: dict[tuple[int, int], int] = field(default_factory=dict)

    def base_starts(self, m: int, duration: int) -> int:
        """Starts at mentor ``m`` free of fixed sessions, for a session of ``duration`` steps."""
        key = (m, duration)
        found = self._starts.get(key)
        if found is None:
            found = self._starts[key] = start_mask(self.mentors[m].free & ~self.base_used[m], duration)
        return found

    def candidates(self, s: int) -> list[int]:
        """Mentors who list the student's project, are not forbidden and asked for at least one seat."""
        st = self.students[s]
        return [
            m
            for m in self.by_project.get(st.project, ())
            if m not in st.forbidden and self.mentors[m].capacity > 0
        ]


def prepare(mentors: list[MentorIn], students: list[StudentIn], options: SolveOptions) -> Problem:
    errors: list[str] = []
    index: dict[int, int] = {}
    ms: list[Mentor] = []
    for mi in mentors:
        if mi.id in index:
            errors.append(f"duplicate mentor id {mi.id}")
            continue
        index[mi.id] = len(ms)
        cap = max(0, mi.capacity)
        free = interval_mask(mi.availability) & ~interval_mask(mi.absences) & WEEK
        ms.append(Mentor(mi.id, mi.projects, cap, free, mi.languages, mi.region))
    by_project: dict[int, list[int]] = defaultdict(list)
    for m, mentor in enumerate(ms):
        for p in sorted(mentor.projects):
            by_project[p].append(m)

    sts: list[Student] = []
    seen: set[int] = set()
    for si in students:
        if si.id in seen:
            errors.append(f"duplicate student id {si.id}")
            continue
        seen.add(si.id)
        duration = si.duration_steps
        if not MIN_SESSION_STEPS <= duration <= MAX_SESSION_STEPS:
            errors.append(f"student {si.id}: session length {duration} steps out of range")
        avail = interval_mask(si.availability) & weekday_mask(si.allowed_weekdays)
        forbidden = frozenset(index[f] for f in si.forbidden_mentor_ids if f in index)
        sts.append(
            Student(
                si.id,
                si.project,
                si.level,
                duration,
                start_mask(avail, duration),
                forbidden,
                None,
                si.pinned,
                si.languages,
                si.region,
            )
        )

    base_used = [0] * len(ms)
    base_count = [0] * len(ms)
    fixed: list[tuple[int, int, int]] = []
    current_slots: dict[int, Slot] = {}
    by_id = {si.id: si for si in students}
    order = sorted(range(len(sts)), key=lambda s: (not sts[s].pinned, sts[s].id))
    for s in order:
        st = sts[s]
        si = by_id[st.id]
        if si.current_mentor_id is None or si.current_start_step is None:
            if st.pinned:
                errors.append(f"student {st.id}: pinned without a current mentor and slot")
            continue
        current_slots[s] = Slot(si.current_mentor_id, si.current_start_step)
        m = index.get(si.current_mentor_id, -1)
        start = si.current_start_step
        ok = (
            m >= 0
            and st.project in ms[m].projects
            and m not in st.forbidden
            and base_count[m] < ms[m].capacity
            and start >= 0
            and (st.starts >> start) & 1 == 1
            and (start_mask(ms[m].free & ~base_used[m], st.duration) >> start) & 1 == 1
        )
        if not ok:
            if st.pinned:
                errors.append(f"student {st.id}: pinned pair breaks a hard rule")
            continue
        st.current = (m, start)
        if st.pinned or not options.move_existing:
            fixed.append((s, m, start))
            base_used[m] |= session_mask(start, st.duration)
            base_count[m] += 1
    fixed_students = {s for s, _, _ in fixed}
    movable = [s for s in range(len(sts)) if s not in fixed_students]
    return Problem(ms, sts, fixed, movable, base_used, base_count, dict(by_project), current_slots, errors)
