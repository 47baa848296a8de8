"""Benchmark instance families that are not shaped like the solver's own assumptions.

``solver.instances`` draws every student's week from 48 shared patterns, so identical students merge
into few classes and the flow relaxation is tight there. The families below vary what makes matching
hard instead (every person's week is drawn on its own, so almost every student is a class of one):

- ``freeform``: each person gives 2-5 blocks of 1.5-5 h on a 30-minute grid between 08:00 and 22:00
  (Paris), at random days and starts; learners and mentors are daytime people, evening people or both.
  One-hour sessions; total capacity 95-105% of the students.
- ``scarce``: as ``freeform`` with total capacity about 80% of the students.
- ``evening``: nearly everyone (90% of students, 85% of mentors) is free only between 18:00 and 22:00 on
  a few weekdays; the others as ``freeform``.
- ``mixed``: ``freeform`` weeks with 30/45/60-minute sessions, funding weekday limits (R11), forbidden
  pairs, mentors abroad (Montreal, Dakar: their local 08:00-22:00 blocks land shifted on the Paris week)
  and 10-20% existing pairs (a few pinned).
- ``patterns``: today's generator (``solver.instances.generate``), kept as one family.

Five more come from ``solver.outside`` (``blocks``, ``tight``, ``mixdur``, ``popular``, ``dense``): drawn
by an engineer who had not read this module, from the same descriptions.

Every family is deterministic for a seed and uses the project structure of ``solver.instances``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from solver.instances import PATHS, PROJECTS_PER_PATH, SIZES, Instance, _existing_pairs, _split, generate
from solver.model import STEPS_PER_DAY, Interval, MentorIn, StudentIn
from solver.outside import OUTSIDE

HALF_HOUR = 2  # steps
DAY_OPEN, DAY_CLOSE = 8 * 4, 22 * 4  # 08:00 and 22:00 in steps
EVENING_OPEN = 18 * 4
ABROAD_SHIFT = {"Europe": 0, "Americas": 6 * 4, "Africa": 1 * 4}  # local time + shift = Paris time

__all__ = ["FAMILIES", "SIZES", "make"]


def _block(rng: random.Random, day: int, lo: int, hi: int, min_len: int, max_len: int) -> Interval | None:
    """A block of ``min_len..max_len`` steps (half-hour multiples) inside ``[lo, hi)`` of ``day``."""
    max_len = min(max_len, hi - lo)
    if max_len < min_len:
        return None
    length = rng.randrange(min_len, max_len + 1, HALF_HOUR)
    start = lo + rng.randrange(0, hi - lo - length + 1, HALF_HOUR)
    return Interval(day * STEPS_PER_DAY + start, day * STEPS_PER_DAY + start + length)


def _freeform_week(rng: random.Random, kind: str) -> list[Interval]:
    """2-5 blocks of 1.5-5 h on random days; ``kind`` is daytime, evening or both."""
    out: list[Interval] = []
    for _ in range(rng.randint(2, 5)):
        day = rng.choices(range(7), weights=[5, 5, 5, 5, 5, 3, 2])[0]
        daytime = kind == "daytime" or (kind == "both" and rng.random() < 0.5)
        lo, hi = (DAY_OPEN, 18 * 4) if daytime else (17 * 4, DAY_CLOSE)
        block = _block(rng, day, lo, hi, 6, 20)
        if block is not None:
            out.append(block)
    return _merge(out)


def _evening_week(rng: random.Random) -> list[Interval]:
    days = sorted(rng.sample(range(5), rng.randint(2, 5)))
    out = [_block(rng, d, EVENING_OPEN, DAY_CLOSE, 6, 16) for d in days]
    return _merge([b for b in out if b is not None])


def _merge(blocks: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for b in sorted(blocks, key=lambda b: b.start_step):
        if merged and b.start_step <= merged[-1].end_step:
            last = merged.pop()
            b = Interval(last.start_step, max(last.end_step, b.end_step))
        merged.append(b)
    return merged


def _shifted(blocks: list[Interval], shift: int) -> tuple[Interval, ...]:
    return _split([Interval(b.start_step + shift, b.end_step + shift) for b in blocks])


def _projects(rng: random.Random) -> frozenset[int]:
    path = rng.randrange(PATHS)
    paths = [path] if rng.random() < 0.8 else [path, (path + 1 + rng.randrange(PATHS - 1)) % PATHS]
    return frozenset(
        p * 10 + k for p in paths for k in rng.sample(range(PROJECTS_PER_PATH), rng.randint(2, 5))
    )


def _capacities(rng: random.Random, n_mentors: int, target: int) -> list[int]:
    """Requested capacities (2-4 for people with a job, 10-20 for freelancers) scaled to ``target``."""
    caps = [rng.randint(10, 20) if rng.random() < 0.35 else rng.randint(2, 4) for _ in range(n_mentors)]
    while sum(caps) > target and any(c > 1 for c in caps):
        i = rng.randrange(n_mentors)
        if caps[i] > 1:
            caps[i] -= 1
    while sum(caps) < target:
        i = rng.randrange(n_mentors)
        if caps[i] < 20:
            caps[i] += 1
    return caps


def _build(
    n_students: int,
    n_mentors: int,
    seed: int,
    *,
    capacity_share: tuple[float, float],
    evening_share: tuple[float, float] = (0.0, 0.0),
    mixed: bool = False,
) -> Instance:
    rng = random.Random(seed)
    mentor_evening, student_evening = evening_share
    caps = _capacities(rng, n_mentors, round(n_students * rng.uniform(*capacity_share))) if n_mentors else []
    mentors: list[MentorIn] = []
    for i in range(n_mentors):
        region = rng.choices(list(ABROAD_SHIFT), weights=[80, 10, 10])[0] if mixed else "Europe"
        if rng.random() < mentor_evening:
            week = _evening_week(rng)
        else:
            week = _freeform_week(rng, rng.choices(["daytime", "evening", "both"], weights=[3, 3, 4])[0])
        languages = {"fr"} if rng.random() < 0.9 else {"en"}
        if rng.random() < 0.4:
            languages.add("en")
        mentors.append(
            MentorIn(
                id=1 + i,
                projects=_projects(rng),
                capacity=caps[i],
                availability=_shifted(week, ABROAD_SHIFT[region]),
                languages=frozenset(languages),
                region=region,
            )
        )
    by_project: dict[int, list[int]] = {}
    for m in mentors:
        for p in m.projects:
            by_project.setdefault(p, []).append(m.id)
    popularity = [rng.uniform(0.5, 2.0) for _ in range(PATHS * PROJECTS_PER_PATH)]
    students: list[StudentIn] = []
    for i in range(n_students):
        index = rng.choices(range(PATHS * PROJECTS_PER_PATH), weights=popularity)[0]
        project = (index // PROJECTS_PER_PATH) * 10 + index % PROJECTS_PER_PATH
        if rng.random() < student_evening:
            week = _evening_week(rng)
        else:
            week = _freeform_week(rng, rng.choices(["daytime", "evening", "both"], weights=[4, 4, 2])[0])
        duration = rng.choices([2, 3, 4], weights=[2, 4, 4])[0] if mixed else 4
        allowed = frozenset(range(7))
        forbidden: frozenset[int] = frozenset()
        if mixed and rng.random() < 0.15:
            allowed = frozenset(rng.choice([(0, 1, 2), (1, 3), (0, 1, 2, 3, 4), (2, 3, 4)]))
        if mixed and rng.random() < 0.05 and by_project.get(project):
            forbidden = frozenset({rng.choice(by_project[project])})
        languages = {"fr"} if rng.random() < 0.92 else {"en"}
        students.append(
            StudentIn(
                id=1 + i,
                project=project,
                level=(1, 2, 2, 3, 2)[project % 10],
                duration_steps=duration,
                availability=tuple(week),
                allowed_weekdays=allowed,
                forbidden_mentor_ids=forbidden,
                languages=frozenset(languages),
                region="Europe",
            )
        )
    if mixed and mentors:
        students = _existing_pairs(rng, mentors, students)
    return Instance(mentors, students)


def freeform(n_students: int, n_mentors: int, seed: int) -> Instance:
    return _build(n_students, n_mentors, seed, capacity_share=(0.95, 1.05))


def scarce(n_students: int, n_mentors: int, seed: int) -> Instance:
    return _build(n_students, n_mentors, seed, capacity_share=(0.78, 0.82))


def evening(n_students: int, n_mentors: int, seed: int) -> Instance:
    return _build(n_students, n_mentors, seed, capacity_share=(0.95, 1.05), evening_share=(0.85, 0.9))


def mixed(n_students: int, n_mentors: int, seed: int) -> Instance:
    return _build(n_students, n_mentors, seed, capacity_share=(0.95, 1.05), mixed=True)


FAMILIES: dict[str, Callable[[int, int, int], Instance]] = {
    "patterns": generate,
    "freeform": freeform,
    "scarce": scarce,
    "evening": evening,
    "mixed": mixed,
    **OUTSIDE,
}


def make(family: str, size: str, seed: int) -> Instance:
    """The instance of ``family`` at ``size`` (S, M, L, XL) for ``seed``."""
    n_students, n_mentors = SIZES[size]
    return FAMILIES[family](n_students, n_mentors, seed)
