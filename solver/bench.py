"""Benchmark: ``python -m solver.bench [--family F,..] [--size S|M|L|XL,..] [--seed N,..]
[--time-limit T,..] [--reference] [--json]``.

For every (family, size, seed) it generates a deterministic instance (``solver.families``), and for
every time limit solves it, checks the result with ``solver.check`` and prints one line (JSON with
``--json``): placed, the reported bound and its kind, the proven optimum where ``--reference`` computed
it (the time-indexed MIP solved by HiGHS, ``solver.reference``), seconds, peak RSS and violations.
Baselines (greedy first-fit and naive CP-SAT) run with ``--baselines``; ``--rerun`` then redraws the
availability of 5% of the students, re-solves with the first result as the current pairs and reports
how many students moved.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from solver import reference
from solver.baselines import greedy_first_fit, naive_cpsat
from solver.check import check
from solver.classes import build_classes
from solver.families import FAMILIES, make
from solver.instances import Instance, perturb
from solver.model import SolveOptions, SolveResult, StudentIn
from solver.prepare import prepare
from solver.solve import solve

T = TypeVar("T")


def _cpu_s() -> float:
    """CPU seconds of this process: beside ``seconds`` it shows how much of a core the run really had."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    violations = check(changed_instance.mentors, changed_instance.students, again, move_existing=False)
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


def reference_optimum(instance: Instance, time_limit_s: float) -> tuple[int | None, int | None, float]:
    """The time-indexed MIP solved by HiGHS: (proven optimum or None, proven ceiling or None, seconds).

    It places as many students as possible under every hard rule, current pairs free to move (pinned
    ones kept), like ``solve`` with ``move_existing=True``.
    """
    problem = prepare(instance.mentors, instance.students, SolveOptions())
    classes, _ = build_classes(problem)
    model = reference.build(problem, classes)
    sol = reference.solve_model(model, integer=True, time_limit_s=time_limit_s)
    ceiling = reference.ceiling(model, sol)
    if sol.values is None:
        return None, ceiling, sol.seconds
    placed = model.fixed + round(sol.objective)
    return (placed if sol.optimal else None), ceiling, sol.seconds


def _reference_row(instance: Instance, time_limit_s: float) -> tuple[int | None, int | None, float, float]:
    optimum, ceiling, seconds = reference_optimum(instance, time_limit_s)
    return optimum, ceiling, seconds, _peak_rss_mb()


def _isolated(fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` in a forked child, so that each figure's peak RSS is its own."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(fn, args)


def _split_arg(text: str) -> list[str]:
    return [part for part in text.split(",") if part]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m solver.bench")
    parser.add_argument("--family", default="patterns", help=f"comma-separated, of {', '.join(FAMILIES)}")
    parser.add_argument("--size", default="S", help="comma-separated, of S, M, L, XL")
    parser.add_argument("--seed", default="1", help="comma-separated seeds")
    parser.add_argument("--time-limit", default="60", help="comma-separated seconds")
    parser.add_argument("--reference", action="store_true", help="prove the optimum with the HiGHS MIP")
    parser.add_argument("--reference-time-limit", type=float, default=600.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--baselines", action="store_true")
    parser.add_argument("--rerun", action="store_true")
    args = parser.parse_args(argv)

    for family in _split_arg(args.family):
        for size in _split_arg(args.size):
            for seed in (int(s) for s in _split_arg(args.seed)):
                instance = make(family, size, seed)
                optimum: int | None = None
                ceiling: int | None = None
                reference_s = 0.0
                if args.reference:
                    optimum, ceiling, reference_s, reference_rss = _isolated(
                        _reference_row, instance, args.reference_time_limit
                    )
                for limit in (float(t) for t in _split_arg(args.time_limit)):
                    row = _isolated(_run, instance, family, size, seed, limit, args)
                    if args.reference:
                        row["optimum"] = optimum
                        row["mip_ceiling"] = ceiling
                        row["reference_s"] = round(reference_s, 1)
                        row["reference_rss_mb"] = round(reference_rss, 1)
                        if optimum:
                            row["pct_of_optimum"] = round(100 * int(str(row["placed"])) / optimum, 2)
                            row["bound_gap_pct"] = round(
                                100 * (int(str(row["upper_bound"])) - optimum) / optimum, 2
                            )
                    if args.json:
                        print(json.dumps(row), flush=True)
                    else:
                        print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)


def _run(
    instance: Instance, family: str, size: str, seed: int, limit: float, args: argparse.Namespace
) -> dict[str, object]:
    options = SolveOptions(time_limit_s=limit, seed=seed)
    t0 = time.monotonic()
    result = solve(instance.mentors, instance.students, options)
    seconds = time.monotonic() - t0
    peak = _peak_rss_mb()
    violations = check(instance.mentors, instance.students, result)
    row: dict[str, object] = {
        "family": family,
        "size": size,
        "seed": seed,
        "time_limit": limit,
        "students": len(instance.students),
        "mentors": len(instance.mentors),
        "placed": result.placed,
        "upper_bound": result.upper_bound,
        "bound_kind": result.bound_kind,
        "gap_pct": round(100 * (result.upper_bound - result.placed) / max(1, result.upper_bound), 3),
        "seconds": round(seconds, 2),
        "cpu_s": round(_cpu_s(), 1),
        "peak_rss_mb": round(peak, 1),
        "status": result.status,
        "violations": len(violations),
        "construct_placed": int(result.stats["greedy_placed"]),
        "flow_bound": int(result.stats.get("flow_bound", result.upper_bound)),
        "fill_ratio_sd": round(result.stats.get("fill_ratio_sd", 0.0), 3),
    }
    if args.baselines:
        greedy = greedy_first_fit(instance.mentors, instance.students)
        naive = naive_cpsat(instance.mentors, instance.students, limit, seed)
        row.update(
            greedy_placed=greedy.placed,
            naive_cpsat_placed=naive.placed,
            naive_cpsat_status=naive.status,
            naive_cpsat_s=round(naive.seconds, 2),
        )
    if args.rerun:
        row.update(_rerun(instance, result, options, seed))
    return row


if __name__ == "__main__":
    main()
