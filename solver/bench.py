"""Benchmark: ``python -m solver.bench --size S|M|L|XL [--seed N] [--time-limit T] [--json]``.

Generates a deterministic instance, solves it, checks the result with ``solver.check`` and prints one
line (JSON with ``--json``). ``--no-baselines`` skips greedy first-fit and naive CP-SAT; ``--rerun``
then redraws the availability of 5% of the students, re-solves with the first result as the current
pairs and reports how many students moved.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from dataclasses import replace

from solver.baselines import greedy_first_fit, naive_cpsat
from solver.check import check
from solver.instances import SIZES, Instance, generate, perturb
from solver.model import SolveOptions, SolveResult, StudentIn
from solver.solve import solve


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _with_result(instance: Instance, result: SolveResult) -> Instance:
    """The instance as it stands after publishing ``result``: its pairs become the current ones."""
    placed = {a.student_id: a for a in result.assignments}
    students: list[StudentIn] = []
    for st in instance.students:
        a = placed.get(st.id)
        mentor, start = (a.mentor_id, a.start_step) if a is not None else (None, None)
        students.append(
            replace(
                st, current_mentor_id=mentor, current_start_step=start, pinned=st.pinned and a is not None
            )
        )
    return Instance(instance.mentors, students)


def _rerun(instance: Instance, result: SolveResult, options: SolveOptions, seed: int) -> dict[str, object]:
    published = _with_result(instance, result)
    changed_instance, changed = perturb(published, 0.05, seed + 1)
    t0 = time.monotonic()
    again = solve(changed_instance.mentors, changed_instance.students, replace(options, move_existing=False))
    seconds = time.monotonic() - t0
    violations = check(changed_instance.mentors, changed_instance.students, again)
    moved = {mv.student_id for mv in again.moves}
    displaced = {mv.student_id for mv in again.moves if mv.reason.value == "PAIR_INVALID"}
    return {
        "rerun_changed": len(changed),
        "rerun_displaced": len(displaced),
        "rerun_moved": len(moved),
        "rerun_moved_not_changed_or_displaced": len(moved - changed - displaced),
        "rerun_placed": again.placed,
        "rerun_upper_bound": again.upper_bound,
        "rerun_s": round(seconds, 2),
        "rerun_violations": len(violations),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m solver.bench")
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--rerun", action="store_true")
    args = parser.parse_args(argv)

    n_students, n_mentors = SIZES[args.size]
    instance = generate(n_students, n_mentors, args.seed)
    options = SolveOptions(time_limit_s=args.time_limit, seed=args.seed)
    result = solve(instance.mentors, instance.students, options)
    peak = _peak_rss_mb()
    violations = check(instance.mentors, instance.students, result)
    row: dict[str, object] = {
        "size": args.size,
        "seed": args.seed,
        "students": n_students,
        "mentors": n_mentors,
        "placed": result.placed,
        "upper_bound": result.upper_bound,
        "gap_pct": round(100 * (result.upper_bound - result.placed) / max(1, result.upper_bound), 3),
        "build_s": round(result.stats["build_s"], 2),
        "solve_s": round(result.stats["solve_s"], 2),
        "peak_rss_mb": round(peak, 1),
        "status": result.status,
        "violations": len(violations),
        "greedy_construct_placed": int(result.stats["greedy_placed"]),
        "lns_rounds": int(result.stats["lns_rounds"]),
        "flow_bound": int(result.stats.get("flow_bound", result.upper_bound)),
        "fill_ratio_sd": round(result.stats.get("fill_ratio_sd", 0.0), 3),
    }
    if not args.no_baselines:
        greedy = greedy_first_fit(instance.mentors, instance.students)
        naive = naive_cpsat(instance.mentors, instance.students, args.time_limit, args.seed)
        row.update(
            greedy_placed=greedy.placed,
            naive_cpsat_placed=naive.placed,
            naive_cpsat_status=naive.status,
            naive_cpsat_s=round(naive.seconds, 2),
        )
    if args.rerun:
        row.update(_rerun(instance, result, options, args.seed))
    if args.json:
        print(json.dumps(row))
    else:
        print(" ".join(f"{k}={v}" for k, v in row.items()))


if __name__ == "__main__":
    main()
