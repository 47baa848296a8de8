"""An independent checker of a result: one function per rule of ``solver.problem``.

Written apart from the solver on purpose: it works on sets of steps built straight from the input
intervals and shares no helper with the search, so a bug in the solver's masks cannot hide itself.
``check_<name>`` checks the rule of that name (its id opens every message); ``check`` runs them all in
the order of ``solver.problem`` and returns the violations, empty when the result is sound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from solver.model import STEPS_PER_DAY, Assignment, Interval, MentorIn, SolveResult, StudentIn


@dataclass(frozen=True, slots=True)
class Given:
    """The input and the result, indexed by id; ``pairs`` are the assignments whose ids are known."""

    mentors: dict[int, MentorIn]
    students: dict[int, StudentIn]
    result: SolveResult
    move_existing: bool

    @property
    def pairs(self) -> list[tuple[Assignment, StudentIn, MentorIn]]:
        out = []
        for a in self.result.assignments:
            st, mentor = self.students.get(a.student_id), self.mentors.get(a.mentor_id)
            if st is not None and mentor is not None:
                out.append((a, st, mentor))
        return out


def _steps(intervals: Iterable[Interval]) -> set[int]:
    return {t for iv in intervals for t in range(iv.start_step, iv.end_step)}


def _session(start: int, length: int) -> set[int]:
    return set(range(start, start + length))


def check_project(g: Given) -> list[str]:
    """H1: the mentor lists the student's project."""
    return [
        f"H1 student {st.id}: mentor {m.id} does not list project {st.project}"
        for _, st, m in g.pairs
        if st.project not in m.projects
    ]


def check_capacity(g: Given) -> list[str]:
    """H2: at most ``capacity`` students per mentor."""
    counts: dict[int, int] = {}
    for a, _, _ in g.pairs:
        counts[a.mentor_id] = counts.get(a.mentor_id, 0) + 1
    return [
        f"H2 mentor {mid}: {n} students above capacity {g.mentors[mid].capacity}"
        for mid, n in sorted(counts.items())
        if n > g.mentors[mid].capacity
    ]


def check_forbidden(g: Given) -> list[str]:
    """H3: no forbidden pair."""
    return [
        f"H3 student {st.id}: forbidden mentor {m.id}"
        for _, st, m in g.pairs
        if m.id in st.forbidden_mentor_ids
    ]


def check_availability(g: Given) -> list[str]:
    """H4: inside the student's availability and the mentor's availability minus absences."""
    out = []
    for a, st, m in g.pairs:
        session = _session(a.start_step, st.duration_steps)
        if not session <= _steps(st.availability):
            out.append(f"H4 student {st.id}: session outside the student's availability")
        if not session <= _steps(m.availability) - _steps(m.absences):
            out.append(f"H4 student {st.id}: session outside mentor {m.id}'s availability")
    return out


def check_overlap(g: Given) -> list[str]:
    """H5: a mentor holds one session at a time."""
    out = []
    held: dict[int, dict[int, int]] = {}
    for a, st, m in g.pairs:
        week = held.setdefault(m.id, {})
        for t in sorted(_session(a.start_step, st.duration_steps)):
            other = week.get(t)
            if other is not None:
                out.append(f"H5 mentor {m.id}: students {other} and {st.id} overlap at step {t}")
            week[t] = st.id
    return out


def check_weekday(g: Given) -> list[str]:
    """H6: on a weekday the funding allows."""
    return [
        f"H6 student {st.id}: weekday {a.start_step // STEPS_PER_DAY} not allowed by the funding"
        for a, st, _ in g.pairs
        if a.start_step // STEPS_PER_DAY not in st.allowed_weekdays
    ]


def check_one_day(g: Given) -> list[str]:
    """H7: the session does not cross midnight."""
    return [
        f"H7 student {st.id}: session at {a.start_step} crosses a day boundary"
        for a, st, _ in g.pairs
        if a.start_step < 0
        or a.start_step // STEPS_PER_DAY != (a.start_step + st.duration_steps - 1) // STEPS_PER_DAY
    ]


def check_length(g: Given) -> list[str]:
    """H8: the session lasts the student's session length."""
    return [
        f"H8 student {st.id}: session length {a.duration_steps} != {st.duration_steps}"
        for a, st, _ in g.pairs
        if a.duration_steps != st.duration_steps
    ]


def check_pinned(g: Given) -> list[str]:
    """H9: a pinned student keeps their pair and slot."""
    placed = {a.student_id: (a.mentor_id, a.start_step) for a in g.result.assignments}
    return [
        f"H9 student {st.id}: pinned pair not kept"
        for st in g.students.values()
        if st.pinned and placed.get(st.id) != (st.current_mentor_id, st.current_start_step)
    ]


def check_once(g: Given) -> list[str]:
    """H10: one session per student, and only for known students and mentors."""
    out = []
    seen: set[int] = set()
    for a in g.result.assignments:
        if a.student_id not in g.students or a.mentor_id not in g.mentors:
            out.append(f"H10 assignment {a}: unknown student or mentor")
        if a.student_id in seen:
            out.append(f"H10 student {a.student_id} assigned twice")
        seen.add(a.student_id)
    return out


def check_kept(g: Given) -> list[str]:
    """H11 (``move_existing=False`` only): a current pair is dropped only when it breaks a rule alone
    (H1, H3, H4, H6-H8) or collides with the current pairs that were kept (H2, H5)."""
    if g.move_existing:
        return []
    placed = {a.student_id: (a.mentor_id, a.start_step) for a in g.result.assignments}
    kept: dict[int, list[tuple[int, int]]] = {}  # mentor -> (start, length) of the kept current pairs
    dropped: list[tuple[StudentIn, MentorIn, int]] = []
    for st in g.students.values():
        mid, start = st.current_mentor_id, st.current_start_step
        if mid is None or start is None or mid not in g.mentors:
            continue
        if placed.get(st.id) == (mid, start):
            kept.setdefault(mid, []).append((start, st.duration_steps))
        else:
            dropped.append((st, g.mentors[mid], start))
    out = []
    for st, m, start in dropped:
        a = Assignment(st.id, m.id, start, st.duration_steps, True)
        alone = Given({m.id: m}, {st.id: st}, _with(g.result, a), True)
        if any(f(alone) for f in _ALONE):
            continue
        session = _session(start, st.duration_steps)
        others = kept.get(m.id, [])
        if len(others) >= m.capacity or any(session & _session(s, n) for s, n in others):
            continue
        out.append(f"H11 student {st.id}: valid current pair with mentor {m.id} not kept")
    return out


def _with(result: SolveResult, a: Assignment) -> SolveResult:
    return SolveResult((a,), (), (), 1, 1, result.status)


def check_partition(g: Given) -> list[str]:
    """C1: placed and unplaced partition the students."""
    seen = {a.student_id for a in g.result.assignments}
    unplaced = {u.student_id for u in g.result.unplaced}
    if unplaced & seen or (unplaced | seen) != set(g.students):
        return ["C1 assigned and unplaced students do not partition the input"]
    return []


def check_counts(g: Given) -> list[str]:
    """C2: ``placed`` counts the assignments, ``upper_bound`` is at least ``placed``."""
    out = []
    if g.result.placed != len(g.result.assignments):
        out.append("C2 placed does not count the assignments")
    if g.result.upper_bound < g.result.placed:
        out.append(f"C2 upper bound {g.result.upper_bound} below placed {g.result.placed}")
    return out


def check_moves(g: Given) -> list[str]:
    """C3: the moves are exactly the students whose current pair or slot changed."""
    placed = {a.student_id: (a.mentor_id, a.start_step) for a in g.result.assignments}
    moved = {mv.student_id for mv in g.result.moves}
    out = []
    for st in g.students.values():
        if st.current_mentor_id is None or st.current_start_step is None:
            continue
        same = placed.get(st.id) == (st.current_mentor_id, st.current_start_step)
        if same == (st.id in moved):
            out.append(f"C3 student {st.id}: move list disagrees with the result")
    return out


Check = Callable[[Given], list[str]]

# By rule id, in the order of ``solver.problem``.
CHECKS: dict[str, Check] = {
    "H1": check_project,
    "H2": check_capacity,
    "H3": check_forbidden,
    "H4": check_availability,
    "H5": check_overlap,
    "H6": check_weekday,
    "H7": check_one_day,
    "H8": check_length,
    "H9": check_pinned,
    "H10": check_once,
    "H11": check_kept,
    "C1": check_partition,
    "C2": check_counts,
    "C3": check_moves,
}
_ALONE: tuple[Check, ...] = (
    check_project,
    check_forbidden,
    check_availability,
    check_weekday,
    check_one_day,
    check_length,
)


def check(
    mentors: Sequence[MentorIn],
    students: Sequence[StudentIn],
    result: SolveResult,
    move_existing: bool = True,
) -> list[str]:
    """Every violation of ``solver.problem``'s rules by ``result`` (H11 only with ``move_existing=False``)."""
    if result.status == "infeasible_input":
        return ["C1 infeasible input but assignments returned"] if result.assignments else []
    given = Given({m.id: m for m in mentors}, {s.id: s for s in students}, result, move_existing)
    return [problem for f in CHECKS.values() for problem in f(given)]
