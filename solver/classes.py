"""Identical movable students grouped into classes, with the mentors each class could ever use.

Two students are identical for the hard rules when they share the project, the session length, the
set of allowed starts and the forbidden mentors; soft preferences do not split classes. The heavy
student x mentor compatibility test then runs once per class instead of once per student, and it runs
vectorized: per project and session length, the classes' allowed starts and the mentors' free starts
become 0/1 matrices per day, and one matrix product per day counts the common starts of every
(class, mentor, day) at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from solver.model import DAYS_PER_WEEK, STEPS_PER_DAY, STEPS_PER_WEEK
from solver.prepare import Problem

_CHUNK = 256  # classes per matrix product, to bound memory at XL

IntArray = npt.NDArray[np.int32]


@dataclass(slots=True)
class StudentClass:
    project: int
    duration: int
    starts: int
    members: list[int]  # student indices, ascending
    mentors: list[int]  # mentors with a free common start and at least one seat left, ascending


@dataclass(slots=True)
class ClassGraph:
    """Per (class, mentor, day) with at least one common start: ``k`` is how many starts there are."""

    arc_class: IntArray = field(default_factory=lambda: np.zeros(0, np.int32))
    arc_mentor: IntArray = field(default_factory=lambda: np.zeros(0, np.int32))
    arc_day: IntArray = field(default_factory=lambda: np.zeros(0, np.int32))
    arc_k: IntArray = field(default_factory=lambda: np.zeros(0, np.int32))


def week_matrix(masks: list[int]) -> npt.NDArray[np.float32]:
    """Week masks as a (n, 7, 96) 0/1 matrix."""
    if not masks:
        return np.zeros((0, DAYS_PER_WEEK, STEPS_PER_DAY), np.float32)
    raw = b"".join(m.to_bytes(STEPS_PER_WEEK // 8, "little") for m in masks)
    bits = np.unpackbits(np.frombuffer(raw, dtype=np.uint8), bitorder="little")
    return bits.reshape(len(masks), DAYS_PER_WEEK, STEPS_PER_DAY).astype(np.float32)


def build_classes(problem: Problem) -> tuple[list[StudentClass], ClassGraph]:
    groups: dict[tuple[int, int, int, frozenset[int]], list[int]] = {}
    for s in problem.movable:
        st = problem.students[s]
        groups.setdefault((st.project, st.duration, st.starts, st.forbidden), []).append(s)
    classes: list[StudentClass] = []
    by_pd: dict[tuple[int, int], list[int]] = {}
    for (project, duration, starts, _), members in groups.items():
        if starts:
            by_pd.setdefault((project, duration), []).append(len(classes))
        classes.append(StudentClass(project, duration, starts, members, []))
    parts: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
    for (project, duration), cids in sorted(by_pd.items()):
        mentors = [
            m
            for m in problem.by_project.get(project, ())
            if problem.base_count[m] < problem.mentors[m].capacity
        ]
        if not mentors:
            continue
        free = week_matrix([problem.base_starts(m, duration) for m in mentors])
        mentor_arr = np.asarray(mentors, dtype=np.int32)
        for lo in range(0, len(cids), _CHUNK):
            chunk = cids[lo : lo + _CHUNK]
            own = week_matrix([classes[c].starts for c in chunk])
            # (7, classes, mentors) -> (classes, mentors, 7): one BLAS product per day.
            per_day = np.matmul(own.transpose(1, 0, 2), free.transpose(1, 2, 0))
            counts = per_day.transpose(1, 2, 0).astype(np.int32)
            for i, c in enumerate(chunk):
                forbidden = problem.students[classes[c].members[0]].forbidden
                if forbidden:
                    for j, m in enumerate(mentors):
                        if m in forbidden:
                            counts[i, j, :] = 0
            ci, mj, day = np.nonzero(counts)
            k = counts[ci, mj, day]
            parts.append(
                (
                    np.asarray(chunk, dtype=np.int32)[ci],
                    mentor_arr[mj],
                    day.astype(np.int32),
                    k.astype(np.int32),
                )
            )
    graph = ClassGraph()
    if parts:
        graph = ClassGraph(*(np.concatenate([p[i] for p in parts]) for i in range(4)))
        # Arcs come grouped by (class, mentor), mentors ascending: keep the first arc of each group.
        first = np.ones(len(graph.arc_class), dtype=bool)
        first[1:] = (graph.arc_class[1:] != graph.arc_class[:-1]) | (
            graph.arc_mentor[1:] != graph.arc_mentor[:-1]
        )
        for c, m in zip(graph.arc_class[first].tolist(), graph.arc_mentor[first].tolist(), strict=True):
            classes[c].mentors.append(m)
    return classes, graph
