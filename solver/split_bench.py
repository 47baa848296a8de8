"""Split + merge against one solve, on the benchmark families (``solver.families``).

    python -m solver.split_bench --family freeform,scarce,evening,mixed,patterns --size M --parts 2,4 \\
        --time-limit 10

One line per (family, parts): the single solve's placed and bound, the parts' sum, the merged result
(after the repair, within ``max(5, time limit / 4)`` s as in ``jobs.parts``), its bound, the checker's
violations, and the seconds of each step. Parts are solved one after the other here, each with the
full time limit (on workers they run side by side).
"""

from __future__ import annotations

import argparse
import time

from solver.check import check
from solver.families import make
from solver.merge import merge
from solver.model import SolveOptions, SolveResult
from solver.solve import solve
from solver.split import split


def compare(family: str, size: str, seed: int, parts: int, time_limit: float) -> str:
    instance = make(family, size, seed)
    projects = {st.project for st in instance.students} | {p for m in instance.mentors for p in m.projects}
    group_of = {p: p // 10 for p in projects}  # the families' projects: path * 10 + k
    options = SolveOptions(time_limit_s=time_limit, seed=0)
    t = time.monotonic()
    single = solve(instance.mentors, instance.students, options)
    single_s = time.monotonic() - t
    cut = split(instance.mentors, instance.students, parts, group_of)
    results: list[SolveResult | None] = []
    part_s: list[float] = []
    for part in cut.parts:
        t = time.monotonic()
        results.append(solve(part.mentors, part.students, options))
        part_s.append(time.monotonic() - t)
    t = time.monotonic()
    merged = merge(
        instance.mentors, instance.students, cut, results, options, repair_s=max(5.0, time_limit / 4)
    )
    merge_s = time.monotonic() - t
    violations = len(check(instance.mentors, instance.students, merged))
    parts_placed = sum(r.placed for r in results if r is not None)
    diff = merged.placed - single.placed
    return (
        f"{family} {size} seed={seed} parts={len(cut.parts)} shared_mentors={len(cut.shared)} "
        f"single={single.placed} (bound {single.upper_bound}, {single_s:.1f}s) parts_sum={parts_placed} "
        f"merged={merged.placed} ({diff:+d}, {100 * diff / max(1, single.placed):+.2f}%) "
        f"merged_bound={merged.upper_bound} violations={violations} "
        f"part_s={[round(x, 1) for x in part_s]} merge_s={merge_s:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", default="freeform,scarce,evening,mixed,patterns")
    parser.add_argument("--size", default="M")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--parts", default="2,4")
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    for parts in (int(p) for p in args.parts.split(",")):
        for family in args.family.split(","):
            print(compare(family, args.size, args.seed, parts, args.time_limit), flush=True)


if __name__ == "__main__":
    main()
