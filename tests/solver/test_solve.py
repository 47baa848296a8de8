"""Behaviour of ``solve`` on hand-made and generated instances."""

from __future__ import annotations

import threading
from dataclasses import replace

from solver import (
    Interval,
    MentorIn,
    MoveReason,
    Progress,
    ReasonCode,
    SolveOptions,
    StudentIn,
    check,
    solve,
)
from solver.instances import generate, perturb

FAST = SolveOptions(time_limit_s=10, lns_rounds=50)
MONDAY_EVENING = (Interval(72, 88),)  # Monday 18:00-22:00


def mentor(mid: int, capacity: int = 2, projects: frozenset[int] = frozenset({1}), **kw: object) -> MentorIn:
    return MentorIn(mid, projects, capacity, kw.pop("availability", MONDAY_EVENING), **kw)  # type: ignore[arg-type]


def student(sid: int, project: int = 1, **kw: object) -> StudentIn:
    duration = kw.pop("duration_steps", 4)
    availability = kw.pop("availability", MONDAY_EVENING)
    return StudentIn(sid, project, 2, duration, availability, **kw)  # type: ignore[arg-type]


def reasons(result_unplaced: object) -> dict[int, ReasonCode]:
    return {u.student_id: u.reason for u in result_unplaced}  # type: ignore[attr-defined]


def test_no_mentors_at_all() -> None:
    result = solve([], [student(1)], FAST)
    assert result.placed == 0 and result.upper_bound == 0
    assert reasons(result.unplaced) == {1: ReasonCode.NO_MENTOR_FOR_PROJECT}


def test_reason_codes() -> None:
    mentors = [mentor(10, capacity=1), mentor(11, capacity=0, projects=frozenset({2}))]
    students = [
        student(1),
        student(2),  # same only slot, mentor holds one: lost to competition or full
        student(3, project=3),
        student(4, forbidden_mentor_ids=frozenset({10})),
        student(5, project=2),
    ]
    result = solve(mentors, students, FAST)
    assert check(mentors, students, result) == []
    got = reasons(result.unplaced)
    assert result.placed == 1
    assert got[3] is ReasonCode.NO_MENTOR_FOR_PROJECT
    assert got[4] is ReasonCode.ONLY_FORBIDDEN_MENTORS
    assert got[5] is ReasonCode.ALL_MENTORS_FULL
    assert ReasonCode.ALL_MENTORS_FULL in (got.get(1), got.get(2))


def test_no_common_slot_and_lost_to_competition() -> None:
    mentors = [mentor(10, capacity=3)]
    students = [
        student(1),
        student(2, availability=(Interval(72, 76),)),  # only 18:00-19:00: competes with student 1
        student(3, availability=(Interval(200, 220),)),  # Tuesday: no common slot
        student(4, availability=(Interval(73, 75),)),  # window shorter than the session
    ]
    result = solve(mentors, students, FAST)
    assert result.placed == 2
    got = reasons(result.unplaced)
    assert got == {3: ReasonCode.NO_COMMON_SLOT, 4: ReasonCode.NO_COMMON_SLOT}
    mentors = [mentor(10, capacity=3, availability=(Interval(72, 80),))]
    students = [student(1), student(2), student(3)]
    result = solve(mentors, students, FAST)
    lost = [u for u in result.unplaced if u.reason is ReasonCode.LOST_TO_COMPETITION]
    assert len(lost) == 1 and lost[0].closest_mentors[0].mentor_id == 10
    assert lost[0].closest_mentors[0].blocking_student_ids


def test_pinned_kept_and_invalid_pinned_refused() -> None:
    mentors = [mentor(10, capacity=1)]
    students = [student(1), student(2, current_mentor_id=10, current_start_step=80, pinned=True)]
    result = solve(mentors, students, FAST)
    assert [(a.student_id, a.start_step, a.kept) for a in result.assignments] == [(2, 80, True)]
    bad = [student(2, current_mentor_id=10, current_start_step=300, pinned=True)]
    refused = solve(mentors, bad, FAST)
    assert refused.status == "infeasible_input" and refused.errors


def test_current_pair_is_kept_when_valid() -> None:
    mentors = [mentor(10, capacity=2), mentor(11, capacity=2)]
    students = [student(1, current_mentor_id=11, current_start_step=76), student(2)]
    result = solve(mentors, students, FAST)
    kept = {a.student_id: a for a in result.assignments}
    assert kept[1].mentor_id == 11 and kept[1].start_step == 76 and kept[1].kept
    assert result.moves == ()


def test_cancel_and_progress() -> None:
    instance = generate(400, 50, seed=3)
    seen: list[Progress] = []
    cancel = threading.Event()
    cancel.set()
    options = SolveOptions(time_limit_s=10, cancel=cancel, progress=seen.append)
    result = solve(instance.mentors, instance.students, options)
    assert result.status in ("cancelled", "optimal")
    assert check(instance.mentors, instance.students, result) == []
    assert seen and seen[-1].phase == "done" and seen[-1].upper_bound == result.upper_bound


def test_generated_instance_is_solved_near_the_bound_and_deterministically() -> None:
    instance = generate(300, 40, seed=5)
    first = solve(instance.mentors, instance.students, FAST)
    second = solve(instance.mentors, instance.students, FAST)
    assert check(instance.mentors, instance.students, first) == []
    assert first.assignments == second.assignments
    assert first.placed >= 0.98 * first.upper_bound


def test_rerun_moves_only_changed_students() -> None:
    instance = generate(300, 40, seed=7)
    first = solve(instance.mentors, instance.students, FAST)
    placed = {a.student_id: a for a in first.assignments}
    published = [
        replace(
            st,
            current_mentor_id=placed[st.id].mentor_id if st.id in placed else None,
            current_start_step=placed[st.id].start_step if st.id in placed else None,
            pinned=st.pinned and st.id in placed,
        )
        for st in instance.students
    ]
    changed_instance, changed = perturb(replace(instance, students=published), 0.05, seed=8)
    again = solve(changed_instance.mentors, changed_instance.students, replace(FAST, move_existing=False))
    assert check(changed_instance.mentors, changed_instance.students, again) == []
    assert {mv.student_id for mv in again.moves} <= changed
    assert all(mv.reason is MoveReason.PAIR_INVALID for mv in again.moves)
    assert again.placed >= first.placed - len(changed)
