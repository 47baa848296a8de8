"""Deterministic synthetic instances for the benchmark and the tests.

About 40 projects in 8 paths; mentors list 2 to 5 projects of their path (some a second path), ask for
2 to 4 students (a full-time job) or 10 to 20 (freelancers), and give weekly windows drawn from
templates (evenings, lunch, weekends, freelance daytime); some live in Montreal or Dakar, so their
windows land shifted on the Paris week, and some windows are shifted by one hour as in the weeks when
two zones' DST rules differ. Students pick one of 48 weekly patterns (a form's common choices, some
far more popular than others) in their own time zone, shifted onto the Paris week (and by one more hour
for some students abroad, DST), with session lengths of 30 to 60 minutes,
sometimes funding weekday limits and a forbidden mentor, and 10 to 20% already have a mentor and slot
(a few pinned). Total capacity is scaled to 95-105% of the students, so not everyone fits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from solver.grid import interval_mask, session_mask, start_mask, weekday_mask
from solver.model import STEPS_PER_DAY, STEPS_PER_WEEK, Interval, MentorIn, StudentIn

SIZES: dict[str, tuple[int, int]] = {
    "S": (200, 30),
    "M": (2_000, 250),
    "L": (20_000, 2_500),
    "XL": (100_000, 10_000),
}
PATHS = 8
PROJECTS_PER_PATH = 5
HOUR = 4  # steps
REGION_SHIFT = {"Europe": 0, "Americas": 6 * HOUR, "Africa": 1 * HOUR}


@dataclass(frozen=True, slots=True)
class Instance:
    mentors: list[MentorIn]
    students: list[StudentIn]


def _window(day: int, start_hour: float, end_hour: float, shift: int) -> Interval:
    lo = day * STEPS_PER_DAY + round(start_hour * HOUR) + shift
    hi = day * STEPS_PER_DAY + round(end_hour * HOUR) + shift
    return Interval(lo % STEPS_PER_WEEK, (lo % STEPS_PER_WEEK) + (hi - lo))


def _split(windows: list[Interval]) -> tuple[Interval, ...]:
    """Wrap windows past Sunday midnight around to Monday."""
    out: list[Interval] = []
    for w in windows:
        if w.end_step <= STEPS_PER_WEEK:
            out.append(w)
        else:
            out.append(Interval(w.start_step, STEPS_PER_WEEK))
            out.append(Interval(0, w.end_step - STEPS_PER_WEEK))
    return tuple(sorted(out, key=lambda w: w.start_step))


def _template(rng: random.Random, kind: str, shift: int) -> list[Interval]:
    weekdays = sorted(rng.sample(range(5), rng.randint(2, 5)))
    if kind == "evenings":
        start = rng.choice([17.5, 18, 18.5, 19])
        return [_window(d, start, start + rng.choice([2, 3, 4]), shift) for d in weekdays]
    if kind == "lunch":
        return [_window(d, 12, 14, shift) for d in weekdays]
    if kind == "weekends":
        days = rng.sample([5, 6], rng.randint(1, 2))
        return [_window(d, a, b, shift) for d in days for a, b in ((9, 12), (14, 18)) if rng.random() < 0.8]
    start = rng.choice([8, 9, 10])
    return [_window(d, start, start + rng.choice([4, 6, 8]), shift) for d in weekdays]


def _mentor(rng: random.Random, mid: int) -> MentorIn:
    path = rng.randrange(PATHS)
    paths = [path] if rng.random() < 0.8 else [path, (path + 1 + rng.randrange(PATHS - 1)) % PATHS]
    projects = {p * 10 + k for p in paths for k in rng.sample(range(PROJECTS_PER_PATH), rng.randint(2, 5))}
    freelancer = rng.random() < 0.35
    region = rng.choices(list(REGION_SHIFT), weights=[85, 8, 7])[0]
    shift = REGION_SHIFT[region] + (HOUR if rng.random() < 0.1 else 0)  # DST-shifted weeks
    kinds = ["daytime", "evenings"] if freelancer else rng.sample(["evenings", "lunch", "weekends"], 2)
    windows = [w for kind in kinds for w in _template(rng, kind, shift)]
    absences: tuple[Interval, ...] = ()
    if rng.random() < 0.05:
        day = rng.randrange(7)
        absences = (Interval(day * STEPS_PER_DAY, (day + 1) * STEPS_PER_DAY),)
    languages = {"fr"} if rng.random() < 0.9 else {"en"}
    if rng.random() < 0.4:
        languages.add("en")
    return MentorIn(
        id=mid,
        projects=frozenset(projects),
        capacity=rng.randint(10, 20) if freelancer else rng.randint(2, 4),
        availability=_split(windows),
        absences=absences,
        languages=frozenset(languages),
        region=region,
    )


def _patterns() -> list[list[tuple[int, float, float]]]:
    """The students' availability patterns, in their own local time: (weekday, start hour, end hour).

    Students enter availability through a form with common choices, so most of them share one of a
    modest set of weekly patterns; the same set serves every instance (``perturb`` draws from it too).
    """
    rng = random.Random(20_240_901)
    out: list[list[tuple[int, float, float]]] = []
    for _ in range(STUDENT_PATTERNS):
        kinds = rng.sample(["daytime", "evenings", "lunch", "weekends"], rng.choice([1, 1, 2]))
        windows = [w for kind in kinds for w in _template(rng, kind, 0)]
        out.append(
            [
                (
                    w.start_step // STEPS_PER_DAY,
                    (w.start_step % STEPS_PER_DAY) / HOUR,
                    (w.end_step - w.start_step) / HOUR,
                )
                for w in windows
            ]
        )
    return out


STUDENT_PATTERNS = 48
_PATTERNS = _patterns()
_PATTERN_WEIGHTS = [1 / (1 + i) ** 0.8 for i in range(STUDENT_PATTERNS)]


def _student(rng: random.Random, sid: int, popularity: list[float]) -> StudentIn:
    project = rng.choices(range(PATHS * PROJECTS_PER_PATH), weights=popularity)[0]
    project = (project // PROJECTS_PER_PATH) * 10 + project % PROJECTS_PER_PATH
    level = (1, 2, 2, 3, 2)[project % 10]
    region = rng.choices(list(REGION_SHIFT), weights=[88, 6, 6])[0]
    # Only students outside Europe see their windows shift on the Paris week when DST rules differ.
    shift = REGION_SHIFT[region] + (HOUR if region != "Europe" and rng.random() < 0.3 else 0)
    pattern = _PATTERNS[rng.choices(range(STUDENT_PATTERNS), weights=_PATTERN_WEIGHTS)[0]]
    windows = [_window(day, start, start + length, shift) for day, start, length in pattern]
    allowed = frozenset(range(7))
    if rng.random() < 0.15:
        allowed = frozenset(rng.choice([(0, 1, 2), (1, 3), (0, 1, 2, 3, 4), (2, 3, 4)]))
    languages = {"fr"} if rng.random() < 0.92 else {"en"}
    if rng.random() < 0.3:
        languages.add("en")
    return StudentIn(
        id=sid,
        project=project,
        level=level,
        duration_steps=rng.choices([2, 3, 4], weights=[2, 4, 4])[0],
        availability=_split(windows),
        allowed_weekdays=allowed,
        languages=frozenset(languages),
        region=region,
    )


def _scale_capacity(rng: random.Random, mentors: list[MentorIn], target: int) -> list[MentorIn]:
    caps = [m.capacity for m in mentors]
    while sum(caps) > target and any(c > 1 for c in caps):
        i = rng.randrange(len(caps))
        if caps[i] > 1:
            caps[i] -= 1
    while sum(caps) < target:
        i = rng.randrange(len(caps))
        if caps[i] < 20:
            caps[i] += 1
    return [
        MentorIn(m.id, m.projects, c, m.availability, m.absences, m.languages, m.region)
        for m, c in zip(mentors, caps, strict=True)
    ]


def _existing_pairs(
    rng: random.Random, mentors: list[MentorIn], students: list[StudentIn]
) -> list[StudentIn]:
    """Give 10-20% of the students a current mentor and slot that satisfy every hard rule."""
    by_project: dict[int, list[int]] = {}
    for i, m in enumerate(mentors):
        for p in m.projects:
            by_project.setdefault(p, []).append(i)
    free = [interval_mask(m.availability) & ~interval_mask(m.absences) for m in mentors]
    seats = [m.capacity for m in mentors]
    share = rng.uniform(0.10, 0.20)
    out: list[StudentIn] = []
    for st in students:
        if rng.random() >= share:
            out.append(st)
            continue
        own = start_mask(
            interval_mask(st.availability) & weekday_mask(st.allowed_weekdays), st.duration_steps
        )
        options = [i for i in by_project.get(st.project, []) if seats[i] > 0]
        rng.shuffle(options)
        chosen = None
        for i in options[:20]:
            common = own & start_mask(free[i], st.duration_steps)
            if common:
                start = (common & -common).bit_length() - 1
                chosen = (i, start)
                break
        if chosen is None:
            out.append(st)
            continue
        i, start = chosen
        free[i] &= ~session_mask(start, st.duration_steps)
        seats[i] -= 1
        forbidden: frozenset[int] = frozenset()
        others = [j for j in by_project[st.project] if j != i]
        if others and rng.random() < 0.05:
            forbidden = frozenset({mentors[rng.choice(others)].id})
        out.append(
            StudentIn(
                st.id,
                st.project,
                st.level,
                st.duration_steps,
                st.availability,
                st.allowed_weekdays,
                mentors[i].id,
                start,
                forbidden,
                rng.random() < 0.1,
                st.languages,
                st.region,
            )
        )
    return out


def generate(n_students: int, n_mentors: int, seed: int) -> Instance:
    """A reproducible instance: the same arguments always give the same instance."""
    rng = random.Random(seed)
    mentors = [_mentor(rng, 1 + i) for i in range(n_mentors)]
    popularity = [rng.uniform(0.5, 2.0) for _ in range(PATHS * PROJECTS_PER_PATH)]
    students = [_student(rng, 1 + i, popularity) for i in range(n_students)]
    if mentors:
        mentors = _scale_capacity(rng, mentors, round(n_students * rng.uniform(0.95, 1.05)))
    return Instance(mentors, _existing_pairs(rng, mentors, students))


def perturb(instance: Instance, share: float, seed: int) -> tuple[Instance, set[int]]:
    """Redraw the availability of ``share`` of the non-pinned students; returns the instance and their ids."""
    rng = random.Random(seed)
    changed: set[int] = set()
    students: list[StudentIn] = []
    for st in instance.students:
        if rng.random() < share and not st.pinned:
            changed.add(st.id)
            fresh = _student(rng, st.id, [1.0] * (PATHS * PROJECTS_PER_PATH))
            st = StudentIn(
                st.id,
                st.project,
                st.level,
                st.duration_steps,
                fresh.availability,
                st.allowed_weekdays,
                st.current_mentor_id,
                st.current_start_step,
                st.forbidden_mentor_ids,
                st.pinned,
                st.languages,
                st.region,
            )
        students.append(st)
    return Instance(instance.mentors, students), changed
