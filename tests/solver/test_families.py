"""Instance families beyond the solver's own shape, the time-indexed reference and the bound's kind."""

from __future__ import annotations

import importlib
import random
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solver import Interval, MentorIn, Progress, SolveOptions, StudentIn, check, reference, solve
from solver.augment import augment
from solver.bench import reference_optimum
from solver.bound import flow_bound
from solver.classes import build_classes
from solver.families import FAMILIES, make
from solver.greedy import first_fit
from solver.lagrange import lagrangian_bound
from solver.lpguide import KEPT_BONUS, kept_weights
from solver.miplns import improve_block
from solver.model import STEPS_PER_WEEK
from solver.prepare import prepare
from solver.solve import build_result
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
    if result.bound_kind in ("lp", "lagrange", "exact"):
        assert result.upper_bound <= result.stats["flow_bound"]


@given(st.sampled_from(sorted(FAMILIES)), st.integers(0, 10_000), st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_lagrangian_bound_holds_at_any_prices(family: str, seed: int, price_seed: int) -> None:
    """L(lambda) >= the proven optimum for arbitrary prices lambda >= 0 (not only good ones), and at
    the flow bound's cut prices it is at most the flow bound; the walk keeps the smallest value."""
    instance = FAMILIES[family](40, 6, seed)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, graph = build_classes(problem)
    optimum, _, _ = reference_optimum(instance, time_limit_s=30)
    assert optimum is not None
    rng = random.Random(price_seed)
    prices = np.asarray([rng.choice([0.0, 0.25, 1.0, rng.random(), 2 * rng.random()]) for _ in classes])
    at_prices = lagrangian_bound(problem, classes, graph, 1, first=prices)
    assert at_prices.upper_bound is not None and optimum <= at_prices.upper_bound
    flow = flow_bound(problem, classes, graph)
    cut = np.zeros(len(classes))
    cut[list(flow.cut_classes)] = 1.0
    walked = lagrangian_bound(problem, classes, graph, 40, first=cut)
    assert walked.upper_bound is not None
    assert optimum <= walked.upper_bound <= flow.upper_bound


@given(st.sampled_from(sorted(FAMILIES)), st.integers(0, 10_000), st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_lp_bound_from_duals_holds_at_any_duals(family: str, seed: int, dual_seed: int) -> None:
    """``plain_bound`` is at least the LP's value for arbitrary duals (not only a solver's), negative
    ones included (it clips them); at the duals of the LP solved with a bonus on current pairs it is
    within the bonuses of the plain LP's value."""
    instance = FAMILIES[family](40, 6, seed)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, _ = build_classes(problem)
    model = reference.build(problem, classes)
    plain = reference.solve_model(model, integer=False, time_limit_s=30, engine="GLOP")
    assert plain.optimal and plain.duals is not None
    rng = np.random.default_rng(dual_seed)
    duals = rng.choice([0.0, 1.0, -1.0, 0.5], len(model.rows)) * rng.random(len(model.rows))
    assert reference.plain_bound(model, duals) >= plain.objective - 1e-9
    weights = kept_weights(problem, classes, model)
    weighted = reference.solve_model(
        model, integer=False, time_limit_s=30, engine="GLOP", weights=weights, options=reference.DUAL_SIMPLEX
    )
    assert weighted.optimal and weighted.duals is not None
    value = reference.plain_bound(model, weighted.duals)
    assert plain.objective - 1e-6 <= value <= plain.objective + KEPT_BONUS * len(problem.movable) + 1e-6


def test_lagrangian_bound_where_the_lp_is_not_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    # The instance of the test below, too large for the LP and CP-SAT as if it were L (their size
    # limits set to 0): the per-mentor schedule sees that the two sessions overlap, so the bound is 1,
    # not the flow's 2.
    monkeypatch.setattr(importlib.import_module("solver.solve"), "LP_MAX_VARIABLES", 0)
    monkeypatch.setattr(importlib.import_module("solver.exact"), "EXACT_MAX_VARIABLES", 0)
    mentors = [MentorIn(10, frozenset({1}), 2, (Interval(72, 80),))]
    students = [StudentIn(1, 1, 2, 4, (Interval(72, 76),)), StudentIn(2, 1, 2, 4, (Interval(74, 78),))]
    result = solve(mentors, students, FAST)
    assert result.stats["flow_bound"] == 2
    assert result.placed == result.upper_bound == 1
    assert result.bound_kind == "lagrange"


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
    # Every phase asks the deadline; the ones that cannot stop (class graph, flow bound) take ~8 s of wall
    # time at L on a loaded machine, and the result's explanation has its measured cost kept free.
    limit = 30.0
    t0 = time.monotonic()
    result = solve(instance.mentors, instance.students, SolveOptions(time_limit_s=limit, seed=1))
    elapsed = time.monotonic() - t0
    assert elapsed <= 1.05 * limit, elapsed
    assert result.placed <= result.upper_bound
    assert result.placed + len(result.unplaced) == len(instance.students)


@given(st.sampled_from(["freeform", "scarce", "evening"]), st.integers(0, 10_000))
@settings(max_examples=15, deadline=None)
def test_half_hour_starts_keep_the_optimum(family: str, seed: int) -> None:
    instance = FAMILIES[family](40, 6, seed)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, _ = build_classes(problem)
    starts = reference.half_hour_starts(problem, classes)
    assert starts != (1 << STEPS_PER_WEEK) - 1  # these families are on a half-hour grid, one-hour sessions
    full = reference.build(problem, classes)
    halved = reference.build(problem, classes, starts=starts)
    assert halved.size < full.size
    a = reference.solve_model(full, integer=True, time_limit_s=30)
    b = reference.solve_model(halved, integer=True, time_limit_s=30)
    assert a.optimal and b.optimal and round(a.objective) == round(b.objective)


def test_half_hour_starts_keep_every_step_when_sessions_last_45_minutes() -> None:
    instance = make("mixed", "S", 1)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, _ = build_classes(problem)
    assert reference.half_hour_starts(problem, classes) == (1 << STEPS_PER_WEEK) - 1


def test_mip_blocks_only_add_students_and_break_no_rule() -> None:
    instance = make("scarce", "S", 2)
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, graph = build_classes(problem)
    class_of = {s: c for c, cls in enumerate(classes) for s in cls.members}
    state = first_fit(problem, classes)
    before = state.placed
    rng = random.Random(1)
    gained = 0
    for _ in range(6):
        pool = sorted(s for cls in classes if cls.mentors for s in cls.members if s not in state.where)
        if not pool:
            break
        placed = state.placed
        gain = improve_block(
            state, classes, class_of, rng.choice(pool), rng, time.monotonic() + 30, lambda: False
        )
        assert state.placed == placed + gain and gain >= 0
        gained += gain
    assert state.placed == before + gained
    result = build_result(
        problem, state, flow_bound(problem, classes, graph).upper_bound, "feasible", {}, "flow", False
    )
    assert check(instance.mentors, instance.students, result) == []


def test_run_that_ends_before_its_limit_is_deterministic_under_cpu_load() -> None:
    # mixed M: the LP (~20 s on a loaded machine) does not reach the bound, so MIP blocks run; each
    # stops at a node count, not a clock, so a busy core beside the second run changes nothing. The LP's
    # line is searched by groups first (two groups a round): 12 rounds, not 5, to see one gain.
    instance = make("mixed", "M", 1)
    options = SolveOptions(time_limit_s=600, seed=3, lns_rounds=12)
    t0 = time.monotonic()
    first = solve(instance.mentors, instance.students, options)
    assert time.monotonic() - t0 < 300
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        t0 = time.monotonic()
        second = solve(instance.mentors, instance.students, options)
        assert time.monotonic() - t0 < 300
    finally:
        busy.kill()
        busy.wait()
    assert first.status != "time_limit" and second.status != "time_limit"
    assert first.stats["lns_rounds"] == 12 and first.stats["lns_improvements"] >= 1
    assert first.assignments == second.assignments
    assert first.upper_bound == second.upper_bound and first.bound_kind == second.bound_kind
    assert check(instance.mentors, instance.students, first) == []


def test_run_with_the_lagrangian_bound_is_deterministic_under_cpu_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The LP and CP-SAT left out as at L: the Lagrangian bound runs its fixed number of steps beside the
    # search and is awaited after it, so a busy core beside the second run changes neither the bound
    # nor the placement.
    monkeypatch.setattr(importlib.import_module("solver.solve"), "LP_MAX_VARIABLES", 0)
    monkeypatch.setattr(importlib.import_module("solver.exact"), "EXACT_MAX_VARIABLES", 0)
    instance = make("mixed", "S", 1)
    options = SolveOptions(time_limit_s=600, seed=3, lns_rounds=3)
    first = solve(instance.mentors, instance.students, options)
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        second = solve(instance.mentors, instance.students, options)
    finally:
        busy.kill()
        busy.wait()
    assert first.status != "time_limit" and second.status != "time_limit"
    assert first.stats["lagrange_iterations"] >= 1
    assert first.stats["lagrange_value"] == second.stats["lagrange_value"]
    assert first.assignments == second.assignments
    assert first.upper_bound == second.upper_bound and first.bound_kind == second.bound_kind
    assert first.placed <= first.upper_bound <= first.stats["flow_bound"]
