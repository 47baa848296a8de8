"""A realistic programme in the database for runs: the solver's synthetic instance generator
(``solver.instances``) turned into rows (Paris-time windows, paths, projects, mentors, waiting students).
Bulk inserts keep it quick; the rows are the same as the services would write."""

from __future__ import annotations

from datetime import date

from tortoise import Tortoise

from domain.models import (
    Mentor,
    MentorAvailability,
    MentorPath,
    Path,
    Project,
    Student,
    StudentAvailability,
)
from solver import STEP_MINUTES, STEPS_PER_DAY, Interval
from solver.families import FAMILIES


def _windows(intervals: tuple[Interval, ...]) -> list[tuple[int, int, int]]:
    out = []
    for iv in intervals:
        start = iv.start_step
        while start < iv.end_step:
            day, first = divmod(start, STEPS_PER_DAY)
            stop = min(iv.end_step, (day + 1) * STEPS_PER_DAY)
            out.append((day, first * STEP_MINUTES, (stop - day * STEPS_PER_DAY) * STEP_MINUTES))
            start = stop
    return out


async def build(
    students: int, mentors: int | None = None, seed: int = 1, family: str = "patterns"
) -> dict[str, int]:
    """``family``: one of ``solver.families`` (``patterns`` is the solver's own generator)."""
    instance = FAMILIES[family](students, mentors or max(2, students // 4), seed)
    project_keys = sorted(
        {p for m in instance.mentors for p in m.projects} | {s.project for s in instance.students}
    )
    paths: dict[int, Path] = {}
    projects: dict[int, Project] = {}
    for key in project_keys:
        path_key = key // 10
        if path_key not in paths:
            paths[path_key] = await Path.create(name=f"Path {path_key}")
        level = next((s.level for s in instance.students if s.project == key), 2)
        projects[key] = await Project.create(
            path=paths[path_key], name=f"Project {key}", level=level, position=key
        )
    await Mentor.bulk_create(
        [
            Mentor(
                id=m.id,
                name=f"Mentor {m.id}",
                email=f"mentor{m.id}@example.org",
                capacity=max(1, min(m.capacity, 20)),
                start_date=date(2025, 1, 6),
                languages=",".join(sorted(m.languages)) or "fr",
            )
            for m in instance.mentors
        ]
    )
    for m in instance.mentors:
        row = await Mentor.get(id=m.id)
        await row.projects.add(*[projects[p] for p in sorted(m.projects)])
    # R3: the paths of the projects each mentor lists (a generated mentor may span several, as the
    # migration's back-fill allows for mentors who were already mentoring).
    await MentorPath.bulk_create(
        [
            MentorPath(mentor_id=m.id, path_id=paths[key].id, added_on=date(2025, 1, 6), added_by="test")
            for m in instance.mentors
            for key in sorted({p // 10 for p in m.projects})
        ]
    )
    await MentorAvailability.bulk_create(
        [
            MentorAvailability(mentor_id=m.id, weekday=d, start_minute=a, end_minute=b)
            for m in instance.mentors
            for d, a, b in _windows(m.availability)
        ]
    )
    await Student.bulk_create(
        [
            Student(
                id=s.id,
                name=f"Student {s.id}",
                email=f"student{s.id}@example.org",
                path_id=paths[s.project // 10].id,
                current_project_id=projects[s.project].id,
                allowed_weekdays=sum(1 << d for d in s.allowed_weekdays),
                session_minutes=max(30, min(60, s.duration_steps * STEP_MINUTES)),
                languages=",".join(sorted(s.languages)) or "fr",
            )
            for s in instance.students
        ]
    )
    await StudentAvailability.bulk_create(
        [
            StudentAvailability(student_id=s.id, weekday=d, start_minute=a, end_minute=b)
            for s in instance.students
            for d, a, b in _windows(s.availability)
        ]
    )
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect == "postgres":  # explicit ids above: move the sequences past them
        for table in ("mentor", "student"):
            await conn.execute_query(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    return {"mentors": len(instance.mentors), "students": len(instance.students), "paths": len(paths)}
