"""Merge the results of the parts of a ``solver.split`` into one result for the whole problem, and repair.

1. Every part's assignments are laid on the whole problem (``prepare`` of all mentors and students).
   Parts share neither students nor mentors, so each assignment that was valid in its part is valid
   here; an assignment that is not (a part result that does not belong to this split) is dropped and
   its student treated as unplaced (``stats["merge_dropped"]``).
2. Repair: every still unplaced student is tried against every allowed mentor of the whole problem
   (the seats a mentor kept in another part has left, or any mentor with spare capacity), first
   directly or with one ejection (``solver.augment``), then through augmenting ejection chains
   (``solver.chains``), until ``deadline`` or ``cancel``. Repair only ever adds students.
3. The result is built as the solver builds its own (every unplaced student explained, moves listed;
   the closest mentors named only within the repair's time again).

Guarantees: ``check`` finds no violation, and ``placed`` is at least the sum of the parts' ``placed``
(a part result missing, e.g. a part that never finished, counts as nothing placed: its students go
through the repair). Nothing guarantees it reaches the single solve of the whole problem.

The reported bound: each part's bound holds for its students with its mentors; a mentor given to
another part can add at most its capacity to them. So the sum over parts of (part bound + seats of the
other parts' mentors that list one of the part's projects), capped by the number of students, is a
ceiling on the whole problem. It is loose where many mentors serve two paths.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from solver.augment import augment
from solver.chains import ChainSearch
from solver.classes import StudentClass
from solver.model import BoundKind, MentorIn, SolveOptions, SolveResult, Status, StudentIn
from solver.prepare import prepare
from solver.solve import build_result
from solver.split import Split
from solver.state import State


def merge(
    mentors: Sequence[MentorIn],
    students: Sequence[StudentIn],
    split: Split,
    results: Sequence[SolveResult | None],
    options: SolveOptions | None = None,
    *,
    repair_s: float = 30.0,
    cancel: threading.Event | None = None,
) -> SolveResult:
    """``results[i]`` is part ``i``'s result (None when it has none). ``options.move_existing`` must be
    the one the parts were solved with."""
    opts = options or SolveOptions()
    t0 = time.monotonic()
    problem = prepare(list(mentors), list(students), opts)
    if problem.errors:
        return SolveResult((), (), (), 0, 0, "infeasible_input", tuple(problem.errors), bound_kind="none")
    s_index = {st.id: s for s, st in enumerate(problem.students)}
    m_index = {m.id: i for i, m in enumerate(problem.mentors)}
    fixed_at = {s: (m, start) for s, m, start in problem.fixed}
    state = State(problem)
    part_placed = dropped = 0
    for result in results:
        if result is None or result.status == "infeasible_input":
            continue
        part_placed += result.placed
        for a in result.assignments:
            s, m = s_index.get(a.student_id), m_index.get(a.mentor_id)
            if s is None or m is None:
                dropped += 1
                continue
            if s in fixed_at:  # pinned or kept: laid by ``prepare`` already
                if fixed_at[s] != (m, a.start_step):
                    dropped += 1
                continue
            st = problem.students[s]
            ok = (
                s not in state.where
                and st.project in problem.mentors[m].projects
                and m not in st.forbidden
                and state.has_room(m)
                and (state.open_starts(s, m) >> a.start_step) & 1 == 1
            )
            if ok:
                state.assign(s, m, a.start_step)
            else:
                dropped += 1
    merged = state.placed

    deadline = t0 + repair_s

    def stop() -> bool:
        return (cancel is not None and cancel.is_set()) or time.monotonic() >= deadline

    # Identical movable students share a class (as in ``solver.classes``: project, session length,
    # allowed starts, forbidden mentors), with the mentors they could ever have (a seat and a common
    # start free of fixed sessions); no class graph of the whole problem is built.
    classes: list[StudentClass] = []
    class_of: dict[int, int] = {}
    by_key: dict[tuple[int, int, int, frozenset[int]], int] = {}
    # Per (project, session length): the mentors listing it with a seat left after the fixed sessions
    # and their starts free of them, in ``problem.candidates`` order, worked out once rather than once
    # per class (at 100,000 students: 4,791 classes of ~1,650 mentors each, 7.9 million ``base_starts``
    # calls, half of the merge's time).
    open_mentors: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for s in problem.movable:
        st = problem.students[s]
        key = (st.project, st.duration, st.starts, st.forbidden)
        c = by_key.get(key)
        if c is None:
            listed = open_mentors.get((st.project, st.duration))
            if listed is None:
                listed = open_mentors[st.project, st.duration] = [
                    (m, problem.base_starts(m, st.duration))
                    for m in problem.by_project.get(st.project, ())
                    if problem.mentors[m].capacity > 0 and problem.base_count[m] < problem.mentors[m].capacity
                ]
            starts, forbidden = st.starts, st.forbidden
            usable = [m for m, free in listed if starts & free and m not in forbidden]
            c = by_key[key] = len(classes)
            classes.append(StudentClass(st.project, st.duration, st.starts, [], usable))
        classes[c].members.append(s)
        class_of[s] = c
    pool = [s for s in problem.movable if s not in state.where and classes[class_of[s]].mentors]
    augment(state, classes, class_of, pool, stop)
    after_augment = state.placed
    chains = ChainSearch(state, classes, class_of, stop)
    for u in pool:
        if stop():
            break
        if u not in state.where:
            chains.try_place(u)

    upper = _bound(split, results, len(problem.students))
    upper = max(upper, state.placed)
    cancelled = cancel is not None and cancel.is_set()
    status: Status
    if cancelled or any(r is not None and r.status == "cancelled" for r in results):
        status = "cancelled"
    elif any(r is None or r.status == "time_limit" for r in results) or time.monotonic() >= deadline:
        status = "time_limit"
    elif state.placed >= upper:
        status = "optimal"
    else:
        status = "feasible"
    kinds = {r.bound_kind for r in results if r is not None}
    bound_kind: BoundKind = kinds.pop() if len(kinds) == 1 else "flow"
    stats = {
        "parts": float(len(split.parts)),
        "shared_mentors": float(len(split.shared)),
        "parts_placed": float(part_placed),
        "merge_dropped": float(dropped),
        "merged_placed": float(merged),
        "repair_augment_placed": float(after_augment - merged),
        "repair_chain_placed": float(state.placed - after_augment),
        "merge_s": time.monotonic() - t0,
    }
    keeps_current = not opts.move_existing and bool(problem.fixed)
    # Explaining the unplaced students names their closest mentors until the repair's time is spent
    # again, then only their codes and facts: at 100,000 students, with ~30,000 unplaced (parts that
    # ran out of time), the closest mentors of all of them took the worker more than ten minutes.
    report_end = time.monotonic() + repair_s
    return build_result(problem, state, upper, status, stats, bound_kind, keeps_current, report_end)


def _bound(split: Split, results: Sequence[SolveResult | None], total: int) -> int:
    bound = 0
    for part, result in zip(split.parts, results, strict=True):
        if result is None or result.status == "infeasible_input":
            bound += len(part.students)
            continue
        projects = {st.project for st in part.students}
        own = {m.id for m in part.mentors}
        extra = sum(
            m.capacity
            for other in split.parts
            if other.index != part.index
            for m in other.mentors
            if m.id not in own and m.projects & projects
        )
        bound += min(len(part.students), result.upper_bound + extra)
    return min(bound, total)
