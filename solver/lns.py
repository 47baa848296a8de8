"""Neighbourhoods for the large-neighbourhood search: blocks of mentors around an unplaced student.

A neighbourhood starts from one unplaced student: a few of the mentors they could have, grown by the
other mentors that the students already there could move to (so chains of moves are possible). The
block is re-solved exactly by ``solver.miplns`` (the time-indexed MIP, HiGHS). The CP-SAT re-solve that
used to live here went: at M it took ~3.7 s per neighbourhood and rarely added a student.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from solver.classes import StudentClass
from solver.state import State

# Defaults for a neighbourhood (``solver.miplns`` passes its own block sizes); MAX_NEW_STUDENTS caps the
# unplaced students listed beside the seed.
SEED_MENTORS = 6
MAX_MENTORS = 20
MAX_NEW_STUDENTS = 80


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    mentors: list[int]
    students: list[int]


def neighbourhood(
    state: State,
    classes: list[StudentClass],
    class_of: dict[int, int],
    seed: int,
    rng: random.Random,
    seed_mentors: int = SEED_MENTORS,
    max_mentors: int = MAX_MENTORS,
) -> Neighbourhood:
    own = classes[class_of[seed]].mentors
    mentors = rng.sample(own, min(seed_mentors, len(own)))
    chosen = set(mentors)
    reach: dict[int, int] = {}
    for m in mentors:
        for s in sorted(state.at_mentor[m]):
            for other in classes[class_of[s]].mentors:
                if other not in chosen:
                    reach[other] = reach.get(other, 0) + 1
    ranked = sorted(reach.items(), key=lambda kv: (not state.has_room(kv[0]), -kv[1], kv[0]))
    for other, _ in ranked[: max_mentors - len(mentors)]:
        mentors.append(other)
        chosen.add(other)
    students = sorted(s for m in mentors for s in state.at_mentor[m])
    waiting = [
        s
        for c in {class_of[seed], *(class_of[s] for s in students)}
        for s in classes[c].members
        if s not in state.where and s != seed and chosen.intersection(classes[c].mentors)
    ]
    rng.shuffle(waiting)
    students.append(seed)
    students.extend(waiting[: MAX_NEW_STUDENTS - 1])
    return Neighbourhood(sorted(mentors), students)
