"""Split a problem into parts, solve them apart, merge and repair (``solver.split``, ``solver.merge``)."""

from __future__ import annotations

import dataclasses
import threading

from hypothesis import given, settings, strategies

from solver import Assignment, Interval, MentorIn, SolveOptions, SolveResult, StudentIn, check, solve
from solver.families import FAMILIES, make
from solver.instances import Instance
from solver.merge import merge
from solver.split import Split, split

FAST = SolveOptions(time_limit_s=5, lns_rounds=20, num_workers=1)


def _paths(instance: Instance) -> dict[int, int]:
    projects = {st.project for st in instance.students} | {p for m in instance.mentors for p in m.projects}
    return {p: p // 10 for p in projects}  # the families' projects: path * 10 + k


def _solve_parts(cut: Split, options: SolveOptions = FAST) -> list[SolveResult | None]:
    return [solve(part.mentors, part.students, options) for part in cut.parts]


@given(strategies.sampled_from(sorted(FAMILIES)), strategies.integers(0, 10_000), strategies.integers(2, 5))
@settings(max_examples=25)
def test_merged_results_are_valid_and_keep_every_part_placement(family: str, seed: int, parts: int) -> None:
    instance = FAMILIES[family](160, 24, seed)
    cut = split(instance.mentors, instance.students, parts, _paths(instance))
    # Parts share no student and no mentor, and hold every student.
    student_ids = [st.id for part in cut.parts for st in part.students]
    mentor_ids = [m.id for part in cut.parts for m in part.mentors]
    assert sorted(student_ids) == sorted(st.id for st in instance.students)
    assert len(set(mentor_ids)) == len(mentor_ids)
    assert 1 <= len(cut.parts) <= parts
    results = _solve_parts(cut)
    merged = merge(instance.mentors, instance.students, cut, results, FAST)
    assert check(instance.mentors, instance.students, merged) == []
    assert merged.placed >= sum(r.placed for r in results if r is not None)
    assert merged.placed <= merged.upper_bound <= len(instance.students)
    assert merged.stats["merge_dropped"] == 0


def test_a_mentor_of_two_paths_goes_to_one_part_where_seats_are_short() -> None:
    week = (Interval(0, 96),)
    two_paths = MentorIn(1, frozenset({10, 20}), 3, week)
    only_a = MentorIn(2, frozenset({10}), 5, week)
    students = [StudentIn(100 + i, 10, 2, 4, week) for i in range(5)]  # path 1: 5 seats for 5
    students += [StudentIn(200 + i, 20, 2, 4, week) for i in range(3)]  # path 2: no seat of its own
    cut = split([two_paths, only_a], students, 2, {10: 1, 20: 2})
    assert len(cut.parts) == 2
    part_of = {m.id: part.index for part in cut.parts for m in part.mentors}
    path2 = next(part for part in cut.parts if any(st.project == 20 for st in part.students))
    assert cut.shared == {1: path2.index}
    assert part_of[1] == path2.index


def test_the_repair_gives_students_the_seats_a_mentor_of_another_part_left() -> None:
    week = (Interval(0, 96),)
    two_paths = MentorIn(1, frozenset({10, 20}), 4, week)
    students = [StudentIn(100, 10, 2, 4, week), StudentIn(200, 20, 2, 4, week)]
    students += [StudentIn(201, 20, 2, 4, week)]
    cut = split([two_paths], students, 2, {10: 1, 20: 2})
    results = _solve_parts(cut)
    lonely = next(i for i, part in enumerate(cut.parts) if not part.mentors)
    alone = results[lonely]
    assert alone is not None and alone.placed == 0
    merged = merge([two_paths], students, cut, results, FAST)
    assert check([two_paths], students, merged) == []
    assert merged.placed == 3
    assert merged.stats["repair_augment_placed"] + merged.stats["repair_chain_placed"] >= 1


def test_pinned_pairs_follow_their_mentor_and_are_kept() -> None:
    instance = make("mixed", "S", 1)
    pinned = [st for st in instance.students if st.pinned]
    assert pinned
    cut = split(instance.mentors, instance.students, 4, _paths(instance))
    for part in cut.parts:
        mine = {m.id for m in part.mentors}
        for st in part.students:
            if st.pinned:
                assert st.current_mentor_id in mine
    results = _solve_parts(cut)
    assert all(r is not None and r.status != "infeasible_input" for r in results)
    merged = merge(instance.mentors, instance.students, cut, results, FAST)
    assert check(instance.mentors, instance.students, merged) == []


def test_a_missing_part_is_repaired_and_a_foreign_assignment_dropped() -> None:
    instance = make("freeform", "S", 2)
    cut = split(instance.mentors, instance.students, 3, _paths(instance))
    results = _solve_parts(cut)
    solved = results[1]
    assert solved is not None
    missing: list[SolveResult | None] = [results[0], None, results[2]]
    merged = merge(instance.mentors, instance.students, cut, missing, FAST)
    assert check(instance.mentors, instance.students, merged) == []
    assert merged.status == "time_limit"
    assert merged.placed > (results[0].placed if results[0] else 0) + (results[2].placed if results[2] else 0)
    # An assignment on top of another part's (same mentor, same slot) is dropped, not merged.
    first = results[0]
    assert first is not None and first.assignments
    taken = first.assignments[0]
    intruder = cut.parts[2].students[0]  # placed in its part (then twice here) or not (then overlapping)
    bad = Assignment(intruder.id, taken.mentor_id, taken.start_step, intruder.duration_steps, False)
    third = results[2]
    assert third is not None
    forged = dataclasses.replace(third, assignments=(*third.assignments, bad), placed=third.placed + 1)
    merged = merge(instance.mentors, instance.students, cut, [results[0], results[1], forged], FAST)
    assert check(instance.mentors, instance.students, merged) == []
    assert merged.stats["merge_dropped"] == 1


def test_a_cancelled_merge_still_returns_a_valid_result() -> None:
    instance = make("scarce", "S", 1)
    cut = split(instance.mentors, instance.students, 2, _paths(instance))
    results = _solve_parts(cut)
    stop = threading.Event()
    stop.set()
    merged = merge(instance.mentors, instance.students, cut, results, FAST, cancel=stop)
    assert merged.status == "cancelled"
    assert check(instance.mentors, instance.students, merged) == []
    assert merged.placed == sum(r.placed for r in results if r is not None)


def test_the_merge_names_closest_mentors_only_within_its_report_time() -> None:
    """Parts that placed no one leave every student to the merge: past the report's time (the repair's
    time again) the unplaced are explained by code and facts without their closest mentors, which is the
    costly part (at 100,000 students, ~30,000 unplaced took the worker more than ten minutes)."""
    instance = FAMILIES["scarce"](400, 20, 3)
    cut = split(instance.mentors, instance.students, 2, _paths(instance))
    nothing: list[SolveResult | None] = [None] * len(cut.parts)
    timely = merge(instance.mentors, instance.students, cut, nothing, FAST, repair_s=30)
    assert timely.unplaced and any(u.closest_mentors for u in timely.unplaced)
    late = merge(instance.mentors, instance.students, cut, nothing, FAST, repair_s=0)
    assert late.unplaced and not any(u.closest_mentors for u in late.unplaced)
    assert check(instance.mentors, instance.students, late) == []
