"""Identical movable students grouped into classes, with the mentors each class could ever use.

Two students are identical for the hard rules when they share the project, the session length, the
set of allowed starts and the forbidden mentors; soft preferences do not split classes. The heavy
student x mentor compatibility test then runs once per class instead of once per student.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.prepare import Problem


@dataclass(slots=True)
class StudentClass:
    project: int
    duration: int
    starts: int
    members: list[int]  # student indices, ascending
    mentors: list[int]  # mentors with a free common start and at least one seat left, ascending


def build_classes(problem: Problem) -> list[StudentClass]:
    groups: dict[tuple[int, int, int, frozenset[int]], list[int]] = {}
    for s in problem.movable:
        st = problem.students[s]
        groups.setdefault((st.project, st.duration, st.starts, st.forbidden), []).append(s)
    classes: list[StudentClass] = []
    for (project, duration, starts, _), members in groups.items():
        mentors: list[int] = []
        if starts:
            for m in problem.candidates(members[0]):
                if problem.base_count[m] >= problem.mentors[m].capacity:
                    continue
                if starts & problem.base_starts(m, duration):
                    mentors.append(m)
        classes.append(StudentClass(project, duration, starts, members, mentors))
    return classes
