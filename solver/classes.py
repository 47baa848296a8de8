"""Identical movable students grouped into classes, with the mentors each class could ever use.

Two students are identical for the hard rules when they share the project, the session length, the
set of allowed starts and the forbidden mentors; soft preferences do not split classes. The heavy
student x mentor compatibility test then runs once per class instead of once per student, and it runs
vectorized: per project and session length, the classes' allowed starts and the mentors' free starts
become two 64-bit words per day, and one AND and popcount counts the common starts of every
(class, mentor, day) of a chunk at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from solver.model import DAYS_PER_WEEK, STEPS_PER_DAY, STEPS_PER_WEEK
from solver.prepare import Problem

_CHUNK = 256  # classes per matrix product, to bound memory at XL

IntArray = npt.NDArray[np.int32]
ByteArray = npt.NDArray[np.uint8]
AnyArray = IntArray | ByteArray


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
    # A day (0-6) and a count of starts in a day (at most 96) fit a byte: 6 bytes an arc fewer.
    arc_day: ByteArray = field(default_factory=lambda: np.zeros(0, np.uint8))
    arc_k: ByteArray = field(default_factory=lambda: np.zeros(0, np.uint8))


def week_words(masks: list[int]) -> npt.NDArray[np.uint64]:
    """Week masks as (n, 7, 2) 64-bit words: each day's 96 steps in two words (the second half-used).

    Counting common starts by AND and popcount needs no BLAS: the float matrix product it replaces ran
    OpenBLAS threads that spin on a loaded machine (26 s of wall time for 6 s of CPU at L)."""
    if not masks:
        return np.zeros((0, DAYS_PER_WEEK, 2), np.uint64)
    day_bytes = STEPS_PER_DAY // 8  # 12
    raw = b"".join(m.to_bytes(STEPS_PER_WEEK // 8, "little") for m in masks)
    days = np.frombuffer(raw, dtype=np.uint8).reshape(len(masks), DAYS_PER_WEEK, day_bytes)
    padded = np.zeros((len(masks), DAYS_PER_WEEK, 16), np.uint8)
    padded[:, :, :day_bytes] = days
    return padded.view("<u8").reshape(len(masks), DAYS_PER_WEEK, 2).astype(np.uint64)


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
    parts: list[tuple[IntArray, IntArray, ByteArray, ByteArray]] = []
    for (project, duration), cids in sorted(by_pd.items()):
        mentors = [
            m
            for m in problem.by_project.get(project, ())
            if problem.base_count[m] < problem.mentors[m].capacity
        ]
        if not mentors:
            continue
        free = week_words([problem.base_starts(m, duration) for m in mentors])
        free_lo, free_hi = np.ascontiguousarray(free[:, :, 0]), np.ascontiguousarray(free[:, :, 1])
        mentor_arr = np.asarray(mentors, dtype=np.int32)
        column = {m: j for j, m in enumerate(mentors)}
        for lo in range(0, len(cids), _CHUNK):
            chunk = cids[lo : lo + _CHUNK]
            own = week_words([classes[c].starts for c in chunk])
            # (classes, mentors, 7): common starts per day, as the popcount of the AND of the day's words,
            # added word by word in uint8 (at most 96): a sum over an axis of length 2 in int32 was half
            # of this function's time at 20,000 students.
            counts = np.bitwise_count(own[:, None, :, 0] & free_lo[None])
            counts += np.bitwise_count(own[:, None, :, 1] & free_hi[None])
            for i, c in enumerate(chunk):
                # One look-up per forbidden mentor, not one test per mentor of the project.
                for m in problem.students[classes[c].members[0]].forbidden:
                    j = column.get(m)
                    if j is not None:
                        counts[i, j, :] = 0
            ci, mj, day = np.nonzero(counts)
            k = counts[ci, mj, day]
            parts.append(
                (
                    np.asarray(chunk, dtype=np.int32)[ci],
                    mentor_arr[mj],
                    day.astype(np.uint8),
                    k.astype(np.uint8),
                )
            )
    graph = ClassGraph()
    if parts:
        # One field at a time, each part's copy dropped once joined: the peak is the graph and one field
        # of the parts, not the graph twice (56 million arcs at XL, 16 bytes each).
        fields: list[list[AnyArray]] = [[p[i] for p in parts] for i in range(4)]
        del parts
        joined: list[npt.NDArray[Any]] = []
        for f in fields:
            joined.append(np.concatenate(f))
            f.clear()
        graph = ClassGraph(*joined)
        del joined
        # Arcs come grouped by (class, mentor), mentors ascending: keep the first arc of each group.
        first = np.ones(len(graph.arc_class), dtype=bool)
        first[1:] = (graph.arc_class[1:] != graph.arc_class[:-1]) | (
            graph.arc_mentor[1:] != graph.arc_mentor[:-1]
        )
        # Each class's arcs are contiguous (one class, one chunk): one slice per class, not one append
        # per (class, mentor) (1.5 million at L).
        c_first, m_first = graph.arc_class[first], graph.arc_mentor[first]
        cuts = np.flatnonzero(c_first[1:] != c_first[:-1]) + 1
        starts = np.concatenate(([0], cuts)).tolist() if len(c_first) else []
        ends = np.concatenate((cuts, [len(c_first)])).tolist() if len(c_first) else []
        # Lists of shared int objects (one per mentor), not of a fresh int per (class, mentor): 8 bytes an
        # entry instead of 36 (tens of millions of entries at XL).
        shared = np.empty(len(problem.mentors), dtype=object)
        shared[:] = list(range(len(problem.mentors)))
        for lo, hi in zip(starts, ends, strict=True):
            classes[int(c_first[lo])].mentors = shared[m_first[lo:hi]].tolist()
    return classes, graph
