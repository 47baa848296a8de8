"""Instance families beyond the solver's own shape, the time-indexed reference and the bound's kind."""

from __future__ import annotations

import threading
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from solver import Interval, MentorIn, Progress, SolveOptions, StudentIn, check, solve
from solver.augment import augment
from solver.bench import reference_optimum
from solver.classes import build_classes
from solver.families import FAMILIES, make
from solver.prepare import prepare
from solver.state import State

FAST = SolveOptions(time_limit_s=5, lns_rounds=20, num_workers=1)


@given(st.sampled_from(sorted(FAMILIES)), st.integers(0, 10_000))
@settings(max_examples=40)
def test_placed_below_proven_optimum_below_reported_bound(family: str, seed: int) -> None:
    instance = FAMILIES[family](40, 6, seed)
    result = solve(instance.mentors, instance.students, FAST)
    assert check(instance.mentors, instance.students, result) == []
    optimum, ceiling, _ = reference_optimum(instance, time_limit_s=30)
    assert optimum is not None and ceiling == optimum
    assert result.placed <= optimum <= result.upper_bound
    if result.bound_kind in ("lp", "exact"):
        assert result.upper_bound <= result.stats["flow_bound"]


def test_free_form_students_rarely_share_a_week() -> None:
    instance = make("freeform", "S", 1)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, _ = build_classes(problem)
    assert len(classes) >= 0.95 * len(problem.movable)
    assert make("freeform", "S", 1) == instance  # deterministic for a seed
    scarce = make("scarce", "M", 1)
    assert 0.75 <= sum(m.capacity for m in scarce.mentors) / len(scarce.students) <= 0.85
    evening = make("evening", "S", 1)
    late = [s for s in evening.students if all(iv.start_step % 96 >= 72 for iv in s.availability)]
    assert len(late) >= 0.8 * len(evening.students)
    mixed = make("mixed", "S", 1)
    assert {s.duration_steps for s in mixed.students} == {2, 3, 4}
    assert any(s.current_mentor_id is not None for s in mixed.students)
    assert any(m.region != "Europe" for m in mixed.mentors)


def test_lp_bound_sees_overlaps_the_flow_bound_does_not() -> None:
    # One mentor free Monday 18:00-20:00: room for two one-hour sessions by length, but the two
    # students can only start at 18:00 and 18:30, so their sessions overlap and only one fits.
    mentors = [MentorIn(10, frozenset({1}), 2, (Interval(72, 80),))]
    students = [StudentIn(1, 1, 2, 4, (Interval(72, 76),)), StudentIn(2, 1, 2, 4, (Interval(74, 78),))]
    result = solve(mentors, students, FAST)
    assert result.stats["flow_bound"] == 2
    assert result.placed == result.upper_bound == 1
    assert result.bound_kind == "lp"
    assert result.status == "optimal"


def test_bound_of_a_rerun_says_current_pairs_are_kept() -> None:
    mentors = [MentorIn(10, frozenset({1}), 2, (Interval(72, 88),))]
    students = [
        StudentIn(1, 1, 2, 4, (Interval(72, 88),), current_mentor_id=10, current_start_step=74),
        StudentIn(2, 1, 2, 4, (Interval(72, 80),)),
    ]
    kept = solve(mentors, students, SolveOptions(time_limit_s=5, move_existing=False))
    free = solve(mentors, students, SolveOptions(time_limit_s=5))
    assert kept.bound_keeps_current and not free.bound_keeps_current
    assert kept.upper_bound == kept.placed == 1  # with the current pair at 18:30 only it fits
    assert free.placed == 2


def test_augment_stops_when_asked() -> None:
    instance = make("freeform", "S", 2)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, _ = build_classes(problem)
    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    state = State(problem)
    pool = sorted(s for cls in classes if cls.mentors for s in cls.members)
    assert augment(state, classes, class_of, pool, stop=lambda: True) == 0
    assert state.placed == 0
    assert augment(state, classes, class_of, pool) > 0


def test_cancel_during_the_run_ends_it() -> None:
    instance = make("evening", "S", 3)
    cancel = threading.Event()
    phases: list[str] = []

    def progress(p: Progress) -> None:
        phases.append(p.phase)
        cancel.set()  # cancel as soon as the first placement is reported

    options = SolveOptions(time_limit_s=30, cancel=cancel, progress=progress)
    result = solve(instance.mentors, instance.students, options)
    assert result.status in ("cancelled", "optimal")
    assert check(instance.mentors, instance.students, result) == []
    assert phases[0] == "construct" and phases[-1] == "done"
    assert "lns" not in phases


def test_run_at_l_size_ends_within_its_time_limit() -> None:
    instance = make("freeform", "L", 1)
    limit = 120.0  # the class graph and the flow bound cannot stop early: on a loaded machine they take ~60 s
    t0 = time.monotonic()
    result = solve(instance.mentors, instance.students, SolveOptions(time_limit_s=limit, seed=1))
    elapsed = time.monotonic() - t0
    assert elapsed <= 1.05 * limit, elapsed
    assert result.placed <= result.upper_bound
    assert result.placed + len(result.unplaced) == len(instance.students)
