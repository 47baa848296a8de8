"""An independent checker of every hard rule on a result.

Written apart from the solver on purpose: it works on sets of steps built straight from the input
intervals and shares no helper with the search, so a bug in the solver's masks cannot hide itself.
``check`` returns the list of violations, empty when the result is sound.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from solver.model import STEPS_PER_DAY, Interval, MentorIn, SolveResult, StudentIn


def _steps(intervals: Iterable[Interval]) -> set[int]:
    return {t for iv in intervals for t in range(iv.start_step, iv.end_step)}


def check(mentors: Sequence[MentorIn], students: Sequence[StudentIn], result: SolveResult) -> list[str]:
    problems: list[str] = []
    mentor_by_id = {m.id: m for m in mentors}
    student_by_id = {s.id: s for s in students}
    if result.status == "infeasible_input":
        if result.assignments:
            problems.append("infeasible input but assignments returned")
        return problems
    occupied: dict[int, dict[int, int]] = {}
    seen: set[int] = set()
    for a in result.assignments:
        st = student_by_id.get(a.student_id)
        mentor = mentor_by_id.get(a.mentor_id)
        if st is None or mentor is None:
            problems.append(f"assignment {a}: unknown student or mentor")
            continue
        if a.student_id in seen:
            problems.append(f"student {a.student_id} assigned twice")
        seen.add(a.student_id)
        if a.duration_steps != st.duration_steps:
            problems.append(f"student {st.id}: session length {a.duration_steps} != {st.duration_steps}")
        if st.project not in mentor.projects:
            problems.append(f"student {st.id}: mentor {mentor.id} does not list project {st.project} (R1)")
        if mentor.id in st.forbidden_mentor_ids:
            problems.append(f"student {st.id}: forbidden mentor {mentor.id}")
        session = set(range(a.start_step, a.start_step + st.duration_steps))
        if a.start_step < 0 or a.start_step // STEPS_PER_DAY != (max(session) // STEPS_PER_DAY):
            problems.append(f"student {st.id}: session at {a.start_step} crosses a day boundary")
        if a.start_step // STEPS_PER_DAY not in st.allowed_weekdays:
            problems.append(f"student {st.id}: weekday not allowed by funding (R11)")
        if not session <= _steps(st.availability):
            problems.append(f"student {st.id}: session outside the student's availability")
        if not session <= _steps(mentor.availability) - _steps(mentor.absences):
            problems.append(f"student {st.id}: session outside mentor {mentor.id}'s availability")
        week = occupied.setdefault(mentor.id, {})
        for t in session:
            other = week.get(t)
            if other is not None:
                problems.append(f"mentor {mentor.id}: students {other} and {st.id} overlap at step {t}")
            week[t] = st.id
    counts: dict[int, int] = {}
    for a in result.assignments:
        counts[a.mentor_id] = counts.get(a.mentor_id, 0) + 1
    for mid, n in counts.items():
        mentor = mentor_by_id.get(mid)
        if mentor is not None and n > mentor.capacity:
            problems.append(f"mentor {mid}: {n} students above capacity {mentor.capacity} (R2)")
    placed = {a.student_id: (a.mentor_id, a.start_step) for a in result.assignments}
    for st in students:
        if st.pinned and placed.get(st.id) != (st.current_mentor_id, st.current_start_step):
            problems.append(f"student {st.id}: pinned pair not kept")
    unplaced = {u.student_id for u in result.unplaced}
    if unplaced & seen or (unplaced | seen) != set(student_by_id):
        problems.append("assigned and unplaced students do not partition the input")
    if result.placed != len(result.assignments):
        problems.append("placed does not count the assignments")
    if result.upper_bound < result.placed:
        problems.append(f"upper bound {result.upper_bound} below placed {result.placed}")
    moved = {mv.student_id for mv in result.moves}
    for st in students:
        if st.current_mentor_id is None or st.current_start_step is None:
            continue
        same = placed.get(st.id) == (st.current_mentor_id, st.current_start_step)
        if same == (st.id in moved):
            problems.append(f"student {st.id}: move list disagrees with the result")
    return problems
