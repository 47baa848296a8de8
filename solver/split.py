"""Cut one matching problem into independent parts that can be solved apart (in parallel), then merged
by ``solver.merge``.

Students are grouped by path (``group_of`` maps a project to its path; a project it does not know is a
group of its own), and the groups are packed into ``parts`` parts of similar size (largest first, into
the part with the fewest students so far). Every mentor goes to exactly one part, so the parts share
neither students nor mentors and every part's result stays valid in the whole problem:

- a mentor whose projects are asked for by the students of one part only goes to that part;
- a mentor who serves several parts (a mentor listing projects of two paths) is *coordinated first*:
  such mentors are handed out before anyone solves, largest capacity first, each to the part where the
  shortage of seats for their projects (students asking minus seats of the mentors that part already
  has) is the largest at that moment. The other parts may still use the seats such a mentor has left
  after the merge (the repair pass of ``solver.merge``);
- a mentor who has current students goes to the part holding most of them (pinned ones count first),
  and every student with a current mentor follows that mentor's part, so a current pair is kept or
  moved by the part that holds both people (a pinned pair always stays valid);
- a mentor no student of the run can have goes to no part.

Plain data in and out, deterministic for the same input.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from solver.model import MentorIn, StudentIn


@dataclass(frozen=True, slots=True)
class Part:
    index: int
    groups: tuple[int, ...]  # the paths (``group_of`` values) of its students
    mentors: tuple[MentorIn, ...]
    students: tuple[StudentIn, ...]


@dataclass(frozen=True, slots=True)
class Split:
    parts: tuple[Part, ...]
    # Mentors asked for by several parts: mentor id -> the part they were given to.
    shared: Mapping[int, int]


def split(
    mentors: Sequence[MentorIn],
    students: Sequence[StudentIn],
    parts: int,
    group_of: Mapping[int, int] | None = None,
) -> Split:
    """``parts`` parts at most (fewer when there are fewer groups); parts without students are left out."""
    groups_map = group_of or {}

    def group(project: int) -> int:
        return groups_map.get(project, -1 - project)  # an unknown project is a group of its own

    by_group: dict[int, list[StudentIn]] = defaultdict(list)
    for st in students:
        by_group[group(st.project)].append(st)
    n = max(1, min(parts, len(by_group)))
    sizes = [0] * n
    part_groups: list[list[int]] = [[] for _ in range(n)]
    part_of_group: dict[int, int] = {}
    for g in sorted(by_group, key=lambda g: (-len(by_group[g]), g)):
        p = min(range(n), key=lambda p: (sizes[p], p))
        part_of_group[g] = p
        part_groups[p].append(g)
        sizes[p] += len(by_group[g])
    part_of_student = {st.id: part_of_group[group(st.project)] for st in students}

    # Demand: students of each part per project.
    asking: list[Counter[int]] = [Counter() for _ in range(n)]
    for st in students:
        asking[part_of_student[st.id]][st.project] += 1
    # Current students of each mentor, per part (pinned ones weigh more than any number of others).
    current: dict[int, Counter[int]] = defaultdict(Counter)
    for st in students:
        if st.current_mentor_id is not None:
            weight = len(students) + 1 if st.pinned else 1
            current[st.current_mentor_id][part_of_student[st.id]] += weight

    part_of_mentor: dict[int, int] = {}
    shared: list[MentorIn] = []
    for m in mentors:
        held = current.get(m.id)
        if held:
            part_of_mentor[m.id] = min(held, key=lambda p: (-held[p], p))
            continue
        wanted = [p for p in range(n) if any(asking[p][proj] for proj in m.projects)]
        if len(wanted) == 1:
            part_of_mentor[m.id] = wanted[0]
        elif wanted:
            shared.append(m)
    seats: list[Counter[int]] = [Counter() for _ in range(n)]
    for m in mentors:
        home = part_of_mentor.get(m.id)
        if home is not None:
            for proj in m.projects:
                seats[home][proj] += m.capacity
    given: dict[int, int] = {}
    for m in sorted(shared, key=lambda m: (-m.capacity, m.id)):
        projects = sorted(m.projects)

        def shortage(p: int, projects: list[int] = projects) -> int:
            return sum(asking[p][proj] - seats[p][proj] for proj in projects if asking[p][proj])

        candidates = [p for p in range(n) if any(asking[p][proj] for proj in projects)]
        best = min(candidates, key=lambda p: (-shortage(p), p))
        part_of_mentor[m.id] = given[m.id] = best
        for proj in projects:
            seats[best][proj] += m.capacity
    # A student with a current mentor follows that mentor.
    for st in students:
        if st.current_mentor_id is not None and st.current_mentor_id in part_of_mentor:
            part_of_student[st.id] = part_of_mentor[st.current_mentor_id]

    members: list[list[StudentIn]] = [[] for _ in range(n)]
    for st in students:
        members[part_of_student[st.id]].append(st)
    renumber = {old: new for new, old in enumerate(p for p in range(n) if members[p])}
    out = tuple(
        Part(
            index=new,
            groups=tuple(sorted(part_groups[old])),
            mentors=tuple(m for m in mentors if part_of_mentor.get(m.id) == old),
            students=tuple(members[old]),
        )
        for old, new in renumber.items()
    )
    return Split(out, {mid: renumber[p] for mid, p in given.items() if p in renumber})
