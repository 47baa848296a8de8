"""The checker: one test per rule of ``solver.problem``, each with a result that breaks it and one that
does not. The base case: one mentor and one student, both free on Monday 10:00-12:00 (steps 40-48)."""

from __future__ import annotations

import importlib
from dataclasses import replace

from solver.check import CHECKS, Given, check
from solver.model import (
    Assignment,
    Interval,
    MentorIn,
    Move,
    MoveReason,
    ReasonCode,
    Slot,
    SolveResult,
    StudentIn,
)
from solver.model import Unplaced as UnplacedOut
from solver.problem import HARD_RULES, RESULT_RULES, RULES

checks = importlib.import_module("solver.check")
MONDAY_10_12 = (Interval(40, 48),)
MENTOR = MentorIn(10, frozenset({1}), 1, MONDAY_10_12)
STUDENT = StudentIn(1, 1, 1, 4, MONDAY_10_12)


def result(
    *assignments: Assignment, unplaced: tuple[int, ...] = (), moves: tuple[Move, ...] = ()
) -> SolveResult:
    out = tuple(UnplacedOut(s, ReasonCode.LOST_TO_COMPETITION, {}) for s in unplaced)
    return SolveResult(assignments, out, moves, len(assignments), len(assignments) + len(out), "feasible")


def given(
    res: SolveResult,
    mentors: tuple[MentorIn, ...] = (MENTOR,),
    students: tuple[StudentIn, ...] = (STUDENT,),
    move_existing: bool = True,
) -> Given:
    return Given({m.id: m for m in mentors}, {s.id: s for s in students}, res, move_existing)


def at(start: int, student: int = 1, mentor: int = 10, length: int = 4) -> Assignment:
    return Assignment(student, mentor, start, length, False)


def ids(problems: list[str]) -> set[str]:
    return {p.split()[0] for p in problems}


def test_every_rule_has_one_named_check() -> None:
    assert list(CHECKS) == [r.id for r in (*HARD_RULES, *RESULT_RULES)]
    for rule_id, f in CHECKS.items():
        assert f is getattr(checks, f"check_{RULES[rule_id].name}")


def test_a_sound_result_has_no_violation() -> None:
    assert check([MENTOR], [STUDENT], result(at(40))) == []
    assert check([MENTOR], [STUDENT], result(unplaced=(1,))) == []


def test_h1_project() -> None:
    assert ids(checks.check_project(given(result(at(40)), (replace(MENTOR, projects=frozenset({2})),)))) == {
        "H1"
    }
    assert checks.check_project(given(result(at(40)))) == []


def test_h2_capacity() -> None:
    two = (STUDENT, replace(STUDENT, id=2))
    res = result(at(40), at(44, student=2))
    assert ids(checks.check_capacity(given(res, students=two))) == {"H2"}
    assert checks.check_capacity(given(res, (replace(MENTOR, capacity=2),), two)) == []


def test_h3_forbidden() -> None:
    banned = replace(STUDENT, forbidden_mentor_ids=frozenset({10}))
    assert ids(checks.check_forbidden(given(result(at(40)), students=(banned,)))) == {"H3"}
    assert checks.check_forbidden(given(result(at(40)))) == []


def test_h4_availability() -> None:
    assert ids(checks.check_availability(given(result(at(46))))) == {"H4"}  # 46-50 leaves both weeks
    away = replace(MENTOR, absences=(Interval(40, 44),))
    assert ids(checks.check_availability(given(result(at(40)), (away,)))) == {"H4"}
    assert checks.check_availability(given(result(at(44)), (away,))) == []


def test_h5_overlap() -> None:
    two = (STUDENT, replace(STUDENT, id=2))
    roomy = (replace(MENTOR, capacity=2),)
    assert ids(checks.check_overlap(given(result(at(40), at(42, student=2)), roomy, two))) == {"H5"}
    assert checks.check_overlap(given(result(at(40), at(44, student=2)), roomy, two)) == []


def test_h6_weekday() -> None:
    tuesdays = replace(STUDENT, allowed_weekdays=frozenset({1}))
    assert ids(checks.check_weekday(given(result(at(40)), students=(tuesdays,)))) == {"H6"}
    assert checks.check_weekday(given(result(at(40)))) == []


def test_h7_one_day() -> None:
    late = (Interval(94, 100),)  # Monday 23:30 to Tuesday 01:00
    mentor, student = replace(MENTOR, availability=late), replace(STUDENT, availability=late)
    assert ids(checks.check_one_day(given(result(at(94)), (mentor,), (student,)))) == {"H7"}
    assert checks.check_one_day(given(result(at(96)), (mentor,), (student,))) == []


def test_h8_length() -> None:
    assert ids(checks.check_length(given(result(at(40, length=2))))) == {"H8"}
    assert checks.check_length(given(result(at(40)))) == []


def test_h9_pinned() -> None:
    pinned = replace(STUDENT, current_mentor_id=10, current_start_step=40, pinned=True)
    assert ids(checks.check_pinned(given(result(at(44)), students=(pinned,)))) == {"H9"}
    assert checks.check_pinned(given(result(at(40)), students=(pinned,))) == []


def test_h10_once() -> None:
    roomy = (replace(MENTOR, capacity=2),)
    assert ids(checks.check_once(given(result(at(40), at(44)), roomy))) == {"H10"}
    assert ids(checks.check_once(given(result(at(40, mentor=99))))) == {"H10"}
    assert checks.check_once(given(result(at(40)))) == []


def test_h11_kept_only_when_current_pairs_stay() -> None:
    current = replace(STUDENT, current_mentor_id=10, current_start_step=40)
    moved = result(at(44), moves=(Move(1, Slot(10, 40), Slot(10, 44), MoveReason.MOVED_FOR_PLACEMENT),))
    assert ids(checks.check_kept(given(moved, students=(current,), move_existing=False))) == {"H11"}
    assert checks.check_kept(given(moved, students=(current,), move_existing=True)) == []
    # A current pair that breaks a rule alone (here H4: the mentor is away) may go.
    away = replace(MENTOR, absences=(Interval(40, 44),))
    assert checks.check_kept(given(moved, (away,), (current,), move_existing=False)) == []
    # So may one that collides with another kept current pair (H5).
    other = replace(STUDENT, id=2, current_mentor_id=10, current_start_step=42)
    roomy = (replace(MENTOR, capacity=2),)
    both = result(at(44), at(42, student=2))
    assert checks.check_kept(given(both, roomy, (current, other), move_existing=False)) == []


def test_c1_partition() -> None:
    assert ids(checks.check_partition(given(result()))) == {"C1"}
    assert ids(checks.check_partition(given(result(at(40), unplaced=(1,))))) == {"C1"}
    assert checks.check_partition(given(result(at(40)))) == []


def test_c2_counts() -> None:
    assert ids(checks.check_counts(given(replace(result(at(40)), placed=2)))) == {"C2"}
    assert ids(checks.check_counts(given(replace(result(at(40)), upper_bound=0)))) == {"C2"}
    assert checks.check_counts(given(result(at(40)))) == []


def test_c3_moves() -> None:
    current = replace(STUDENT, current_mentor_id=10, current_start_step=40)
    assert ids(checks.check_moves(given(result(at(44)), students=(current,)))) == {"C3"}
    assert ids(
        checks.check_moves(
            given(
                result(at(40), moves=(Move(1, Slot(10, 40), None, MoveReason.PAIR_INVALID),)),
                students=(current,),
            )
        )
    ) == {"C3"}
    assert checks.check_moves(given(result(at(40)), students=(current,))) == []
