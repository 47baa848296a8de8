"""How the solver's preparation and model build, and the snapshot load, grow with the number of students.

    nice -n 10 .venv/bin/python benchmarks/build_scaling.py                       # 2k and 20k, both parts
    nice -n 10 .venv/bin/python benchmarks/build_scaling.py --sizes 2000 20000 100000 --part solver
    nice -n 10 .venv/bin/python benchmarks/build_scaling.py --part snapshot --profile /tmp/build_scaling

Solver part: per family (``solver.families``: ``freeform``, ``patterns``) and size N (N students, N/8
mentors), the phases the solver runs before any search (``solver.solve.solve``), each timed on its own:
``prepare``, ``build_classes``, ``flow_bound``, ``half_hour_starts``, ``count_variables`` (with the solver's
limit) and, when the solver would build it (at most ``LP_MAX_VARIABLES`` variables), the LP model
(``reference.build``) and its proto (``reference.to_proto``). Nothing is solved.

Snapshot part: a fresh PostgreSQL database ``mm_build_scaling_<N>`` (created, migrated, seeded with
``tests.jobs.programme.build``: N students, N/4 mentors, bulk rows; dropped at the end) and
``jobs.snapshot.load_snapshot`` of every waiting student for next week.

Every measurement runs in a child process of its own, so each row's peak RSS is that of the work it
measures (the instance's generation included for the solver part; the snapshot row's child only loads).
The table gives the seconds per phase per size, the ratio per 10x of students (time(20k)/time(2k),
time(100k)/time(20k), scaled to exactly 10x when the sizes are not 10x apart) and the sizes that
drive each phase (classes, arcs, variables). A ratio far above 10 flags a step that grows
faster than linearly *in the students*; the arcs and variables themselves grow about quadratically on
these families (each student's candidate mentors grow with the number of mentors), so the ratio per
arc is printed too. ``--profile DIR`` writes a pyinstrument profile of every phase. Not a test: figures
depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's code, not an installed copy

FAMILIES = ("freeform", "patterns")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Timer:
    """Times named phases (optionally under pyinstrument, one text profile per phase)."""

    def __init__(self, profile_dir: str | None, tag: str) -> None:
        self.seconds: dict[str, float] = {}
        self.profile_dir, self.tag = profile_dir, tag

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        profiler = None
        if self.profile_dir:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
            profiler.start()
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = time.perf_counter() - t0
            if profiler is not None and self.profile_dir:
                profiler.stop()
                out = Path(self.profile_dir) / f"{self.tag}_{name}.txt"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(profiler.output_text(unicode=False, show_all=False))


def solver_phases(family: str, n: int, profile_dir: str | None) -> dict[str, Any]:
    from solver import families, reference
    from solver.bound import flow_bound
    from solver.classes import build_classes
    from solver.model import SolveOptions
    from solver.prepare import prepare
    from solver.solve import LP_MAX_VARIABLES

    t0 = time.perf_counter()
    instance = families.FAMILIES[family](n, max(2, n // 8), 1)
    generated = time.perf_counter() - t0
    timer = _Timer(profile_dir, f"{family}_{n}")
    with timer.phase("prepare"):
        problem = prepare(list(instance.mentors), list(instance.students), SolveOptions())
    with timer.phase("build_classes"):
        classes, graph = build_classes(problem)
    with timer.phase("flow_bound"):
        bound = flow_bound(problem, classes, graph)
    with timer.phase("half_hour_starts"):
        starts = reference.half_hour_starts(problem, classes)
    with timer.phase("count_variables"):
        variables = reference.count_variables(problem, classes, LP_MAX_VARIABLES, starts)
    counts: dict[str, int] = {
        "mentors": len(problem.mentors),
        "classes": len(classes),
        "class_arcs": len(graph.arc_class),
        "flow_arcs": bound.arcs,
    }
    if variables <= LP_MAX_VARIABLES:
        with timer.phase("lp_build"):
            model = reference.build(problem, classes, starts=starts)
        with timer.phase("lp_proto"):
            reference.to_proto(model, integer=False)
        counts["lp_variables"] = model.size
        counts["lp_rows"] = len(model.rows)
    else:
        counts["lp_variables"] = -1  # above the solver's limit: it keeps the flow bound, as measured
    return {"generate_s": generated, "seconds": timer.seconds, "counts": counts, "peak_rss_mb": _rss_mb()}


def _next_monday() -> date:
    from domain.paris_time import paris_today

    today = paris_today()
    return today + timedelta(days=7 - today.weekday())


async def _connect(url: str) -> None:
    from infra import connections
    from infra.settings import Settings

    await connections.connect_database(Settings.from_env({"DATABASE_URL": url}))


async def _seed(url: str, n: int) -> dict[str, Any]:
    from tortoise import Tortoise

    from tests.jobs.programme import build

    await _connect(url)
    try:
        t0 = time.perf_counter()
        rows = await build(n)
        return {"seed_s": time.perf_counter() - t0, "rows": rows, "peak_rss_mb": _rss_mb()}
    finally:
        await Tortoise.close_connections()


async def _snapshot(url: str, profile_dir: str | None, n: int) -> dict[str, Any]:
    from tortoise import Tortoise

    from jobs.snapshot import load_snapshot

    await _connect(url)
    try:
        timer = _Timer(profile_dir, f"snapshot_{n}")
        with timer.phase("load_snapshot"):
            snap = await load_snapshot({"kind": "all"}, _next_monday())
        counts = {"students": len(snap.students), "mentors": len(snap.mentors)}
        return {"seconds": timer.seconds, "counts": counts, "peak_rss_mb": _rss_mb()}
    finally:
        await Tortoise.close_connections()


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"build_scaling {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _psql(host: str, *command: str) -> None:
    subprocess.run([*command, "-h", host, "-U", "postgres"], check=True, capture_output=True)


def snapshot_rows(n: int, host: str, profile_dir: str | None) -> dict[str, Any]:
    name = f"mm_build_scaling_{n}"
    url = f"postgres://postgres@{host}:5432/{name}"
    _psql(host, "dropdb", "--if-exists", "--force", name)
    _psql(host, "createdb", name)
    try:
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        subprocess.run(
            [sys.executable, "-m", "api.cli", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        seeded = _child("--one", "seed", str(n), url)
        loaded = _child(
            "--one", "snapshot", str(n), url, *(["--profile", profile_dir] if profile_dir else [])
        )
        loaded["seed_s"] = seeded["seed_s"]
        return loaded
    finally:
        _psql(host, "dropdb", "--if-exists", "--force", name)


def _ratio(a: float | None, b: float | None, na: int, nb: int) -> str:
    """time(b)/time(a) scaled to a 10x step in students."""
    if not a or b is None or a <= 0:
        return "-"
    return f"{(b / a) ** (math.log(10) / math.log(nb / na)):.1f}x"


def _table(title: str, sizes: list[int], rows: dict[int, dict[str, Any]], count_keys: list[str]) -> list[str]:
    done = [n for n in sizes if n in rows]
    phases: list[str] = []
    for n in done:
        phases += [p for p in rows[n]["seconds"] if p not in phases]
    head = [
        "phase",
        *(f"{n:,}" for n in done),
        *(f"per 10x, {a // 1000}k->{b // 1000}k" for a, b in itertools.pairwise(done)),
    ]
    lines = [f"## {title}", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for p in phases:
        times = [rows[n]["seconds"].get(p) for n in done]
        cells = [f"{t:.3f} s" if t is not None else "-" for t in times]
        ratios = [_ratio(times[i], times[i + 1], done[i], done[i + 1]) for i in range(len(done) - 1)]
        lines.append("| " + " | ".join([p, *cells, *ratios]) + " |")
    # The phases that work per (class, mentor, day) arc, per million arcs: flat means linear in the arcs.
    for p in ("build_classes", "flow_bound"):
        arcs = [rows[n]["counts"].get("class_arcs") for n in done]
        times = [rows[n]["seconds"].get(p) for n in done]
        if not all(arcs) or any(t is None for t in times):
            continue
        per = [t / a * 1e6 for t, a in zip(times, arcs, strict=True)]  # type: ignore[operator]
        ratios = [f"{per[i + 1] / per[i]:.1f}x" for i in range(len(done) - 1)]
        lines.append("| " + " | ".join([f"{p} per 1M arcs", *(f"{v:.3f} s" for v in per), *ratios]) + " |")
    for key in count_keys:
        vals = [rows[n]["counts"].get(key) for n in done]
        if all(v is None for v in vals):
            continue
        cells = [f"{v:,}" if v is not None and v >= 0 else "(not built)" for v in vals]
        ratios = [
            _ratio(vals[i], vals[i + 1], done[i], done[i + 1])
            if (vals[i] or 0) > 0 and (vals[i + 1] or 0) > 0
            else "-"
            for i in range(len(done) - 1)
        ]
        lines.append("| " + " | ".join([key, *cells, *ratios]) + " |")
    extra = [("peak RSS (MB)", "peak_rss_mb")]
    if any("seed_s" in rows[n] for n in done):
        extra.append(("seed (s, not a phase)", "seed_s"))
    for label, key in extra:
        vals = [rows[n].get(key) for n in done]
        lines.append(
            "| "
            + " | ".join([label, *(f"{v:,.0f}" if key == "peak_rss_mb" else f"{v:.1f}" for v in vals)])
            + " |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--part", choices=["solver", "snapshot", "both"], default="both")
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument(
        "--snapshot-sizes", type=int, nargs="+", help="sizes for the snapshot (default --sizes)"
    )
    parser.add_argument("--pg-host", default="127.0.0.1")
    parser.add_argument("--profile", metavar="DIR", help="write a pyinstrument profile of every phase to DIR")
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)  # a child: one measurement, JSON out
    args = parser.parse_args()
    if args.one:
        kind, rest = args.one[0], args.one[1:]
        if kind == "solver":
            result = solver_phases(rest[0], int(rest[1]), args.profile)
        elif kind == "seed":
            result = asyncio.run(_seed(rest[1], int(rest[0])))
        else:
            result = asyncio.run(_snapshot(rest[1], args.profile, int(rest[0])))
        print(json.dumps(result))
        return
    sizes = sorted(args.sizes)
    profile = ["--profile", args.profile] if args.profile else []
    out: list[str] = [f"# build_scaling {datetime.now().isoformat(timespec='seconds')} sizes {sizes}"]
    if args.part in ("solver", "both"):
        for family in args.families:
            rows: dict[int, dict[str, Any]] = {}
            for n in sizes:
                rows[n] = _child("--one", "solver", family, str(n), *profile)
                print(f"solver {family} {n}: {json.dumps(rows[n])}", file=sys.stderr, flush=True)
            keys = ["mentors", "classes", "class_arcs", "flow_arcs", "lp_variables", "lp_rows"]
            out += _table(f"solver, {family} (N students, N/8 mentors)", sizes, rows, keys)
    if args.part in ("snapshot", "both"):
        snap_rows: dict[int, dict[str, Any]] = {}
        for n in sorted(args.snapshot_sizes or sizes):
            snap_rows[n] = snapshot_rows(n, args.pg_host, args.profile)
            print(f"snapshot {n}: {json.dumps(snap_rows[n])}", file=sys.stderr, flush=True)
        out += _table(
            "snapshot load, PostgreSQL (N students, N/4 mentors)",
            sorted(snap_rows),
            snap_rows,
            ["students", "mentors"],
        )
    print("\n".join(out))


if __name__ == "__main__":
    main()
