"""Demo data: a realistic programme in the school's vocabulary, deterministic for a seed number.

Paths and projects follow the mentor guide (level 1 "Learn how to learn", level 3 "Launch your own
restaurant review site", ...). Mentors and students get weekly windows in Paris and in other zones
(Montreal, Dakar, Casablanca, Reunion) so that DST differences show. ``students=20000`` builds a benchmark
programme; rows are written with bulk inserts in batches.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.models import Model
from tortoise.transactions import in_transaction

from domain.enums import (
    FUNDING_WEEKDAYS,
    Funding,
    MentorStatus,
    PairingAction,
    PairingCause,
    StudentStatus,
)
from domain.models import (
    Mentor,
    MentorAvailability,
    MentorPath,
    Mentorship,
    PairingChange,
    Path,
    Project,
    Student,
    StudentAvailability,
)

# (path, months, [(project, level)]): eight paths, forty projects.
CATALOGUE: list[tuple[str, int, list[tuple[str, int]]]] = [
    (
        "Web Developer",
        12,
        [
            ("Learn how to learn", 1),
            ("Integrate a Wordpress theme for a client", 1),
            ("Turn a mock-up into a website", 2),
            ("Build a dynamic website with JavaScript", 2),
            ("Launch your own restaurant review site", 3),
            ("Enhance an existing project", 3),
        ],
    ),
    (
        "Front-End Developer",
        12,
        [
            ("Learn how to learn", 1),
            ("Build a responsive page", 1),
            ("Create a web application with React", 2),
            ("Debug and optimize a website", 2),
            ("Build a complete front-end for a bank", 3),
        ],
    ),
    (
        "Python Developer",
        12,
        [
            ("Learn how to learn", 1),
            ("Use public data with Python", 2),
            ("Build a chess tournament program", 2),
            ("Develop a secure back-end with Django", 3),
            ("Create an API for a collaborative project", 3),
        ],
    ),
    (
        "Data Analyst",
        12,
        [
            ("Learn how to learn", 1),
            ("Analyse sales of a bookstore", 2),
            ("Create and use a database", 2),
            ("Carry out a public health study", 2),
            ("Build a dashboard for a bank", 3),
        ],
    ),
    (
        "Data Scientist",
        18,
        [
            ("Learn how to learn", 1),
            ("Prepare a data set", 2),
            ("Build a scoring model", 3),
            ("Classify products automatically", 3),
            ("Deploy a model in the cloud", 3),
        ],
    ),
    (
        "Project Manager",
        6,
        [
            ("Learn how to learn", 1),
            ("Frame a digital project", 1),
            ("Run an agile project", 2),
            ("Manage a project budget", 2),
            ("Lead a product launch", 3),
        ],
    ),
    (
        "UX Designer",
        12,
        [
            ("Learn how to learn", 1),
            ("Carry out user research", 2),
            ("Design a mobile application", 2),
            ("Test a prototype with users", 2),
        ],
    ),
    (
        "Digital Marketer",
        6,
        [
            ("Learn how to learn", 1),
            ("Write a content strategy", 1),
            ("Run a social media campaign", 2),
            ("Measure a campaign with analytics", 2),
            ("Design an acquisition plan", 3),
        ],
    ),
]

FIRST = [
    "Alice",
    "Bruno",
    "Chloé",
    "David",
    "Emma",
    "Farid",
    "Gaëlle",
    "Hugo",
    "Inès",
    "Jules",
    "Karim",
    "Léa",
    "Malik",
    "Nina",
    "Omar",
    "Pauline",
    "Quentin",
    "Rose",
    "Samir",
    "Théo",
    "Ugo",
    "Valérie",
    "Wassim",
    "Yasmine",
    "Zoé",
    "Awa",
    "Mamadou",
    "Sophie",
    "Lucas",
    "Camille",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Diallo",
    "Ndiaye",
    "Tremblay",
    "Gagnon",
    "Roy",
    "Benali",
    "Haddad",
    "Fontaine",
]
# Zones with their weight: most people live in Paris time; others show DST differences.
ZONES = [
    ("Europe/Paris", 70),
    ("America/Montreal", 8),
    ("Africa/Dakar", 7),
    ("Africa/Casablanca", 5),
    ("Europe/Brussels", 5),
    ("Indian/Reunion", 5),
]
# Weekly window templates (weekdays, start, end) in the owner's own zone.
MENTOR_TEMPLATES = [
    ([0, 1, 2, 3, 4], 18 * 60, 21 * 60),  # after work
    ([0, 2, 4], 12 * 60, 14 * 60),  # lunch
    ([5, 6], 9 * 60, 13 * 60),  # weekend mornings
    ([0, 1, 2, 3, 4], 9 * 60, 17 * 60),  # freelancer daytime
]
STUDENT_TEMPLATES = [
    ([0, 1, 2, 3, 4], 18 * 60, 22 * 60),
    ([0, 1, 2, 3, 4], 9 * 60, 18 * 60),
    ([5, 6], 10 * 60, 16 * 60),
    ([1, 3], 12 * 60, 14 * 60),
]


@dataclass(frozen=True, slots=True)
class SeedSummary:
    paths: int
    projects: int
    mentors: int
    students: int
    mentorships: int


def _pick_zone(rng: random.Random) -> str:
    return rng.choices([z for z, _ in ZONES], weights=[w for _, w in ZONES])[0]


def _windows(
    rng: random.Random, templates: list[tuple[list[int], int, int]], count: int
) -> list[tuple[int, int, int]]:
    chosen = rng.sample(templates, k=min(count, len(templates)))
    by_day: dict[int, list[tuple[int, int]]] = {}
    for days, start, end in chosen:
        for day in days:
            by_day.setdefault(day, []).append((start, end))
    merged: list[tuple[int, int, int]] = []
    for day, spans in sorted(by_day.items()):
        spans.sort()
        cur_s, cur_e = spans[0]
        for s, e in spans[1:]:
            if s <= cur_e:
                cur_e = max(cur_e, e)
            else:
                merged.append((day, cur_s, cur_e))
                cur_s, cur_e = s, e
        merged.append((day, cur_s, cur_e))
    return merged


async def seed(
    *,
    students: int = 300,
    mentors: int | None = None,
    seed_number: int = 7,
    today: date | None = None,
    batch: int = 2000,
) -> SeedSummary:
    """Fill an empty database. ``mentors`` defaults to six per 25 students (capacity 2 to 20)."""
    rng = random.Random(seed_number)
    today = today or date(2026, 11, 2)
    mentor_count = mentors if mentors is not None else max(10, students * 6 // 25)
    async with in_transaction():
        paths: list[Path] = []
        projects: list[Project] = []
        for name, months, items in CATALOGUE:
            path = await Path.create(
                name=name, duration_months=months, description=f"A {months}-month professional path."
            )
            paths.append(path)
            for position, (title, level) in enumerate(items):
                projects.append(
                    await Project.create(path_id=path.id, name=title, level=level, position=position)
                )
        by_path: dict[int, list[Project]] = {}
        for project in projects:
            by_path.setdefault(project.path_id, []).append(project)

        mentor_rows: list[Mentor] = []
        mentor_projects: list[list[Project]] = []
        for i in range(mentor_count):
            home = rng.choice(paths)
            listed = rng.sample(by_path[home.id], k=rng.randint(2, len(by_path[home.id])))
            mentor_rows.append(
                Mentor(
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    email=f"mentor{i + 1}@mentors.example",
                    capacity=rng.choice([2, 3, 4, 5, 8, 10, 12, 15, 20]),
                    timezone=_pick_zone(rng),
                    status=MentorStatus.PAUSED if rng.random() < 0.03 else MentorStatus.ACTIVE,
                    start_date=today - timedelta(days=rng.randint(30, 1500)),
                    languages=rng.choice(["fr", "fr", "fr,en", "en,fr", "fr,es"]),
                )
            )
            mentor_projects.append(listed)
        await _bulk(Mentor, mentor_rows, batch)
        mentor_rows = await Mentor.all().order_by("id")
        for mentor, listed in zip(mentor_rows, mentor_projects, strict=True):
            await mentor.projects.add(*listed)
        # R3: every demo mentor is on the one path of the projects they list, since their start.
        await _bulk(
            MentorPath,
            [
                MentorPath(mentor_id=m.id, path_id=listed[0].path_id, added_on=m.start_date, added_by="seed")
                for m, listed in zip(mentor_rows, mentor_projects, strict=True)
            ],
            batch,
        )
        await _bulk(
            MentorAvailability,
            [
                MentorAvailability(mentor_id=m.id, weekday=d, start_minute=s, end_minute=e)
                for m in mentor_rows
                for d, s, e in _windows(rng, MENTOR_TEMPLATES, rng.randint(1, 2))
            ],
            batch,
        )

        student_rows: list[Student] = []
        for i in range(students):
            path = rng.choice(paths)
            project = rng.choice(by_path[path.id])
            funding = rng.choices(list(Funding), weights=[50, 25, 20, 5])[0]
            student_rows.append(
                Student(
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    email=f"student{i + 1}@students.example",
                    phone="+33 6 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
                    address=f"{rng.randint(1, 120)} rue de la République, {rng.randint(10, 95)}000 France",
                    latest_diploma=rng.choice(["Baccalauréat", "BTS", "Licence", "Master", "None"]),
                    training_objective=rng.choice(
                        ["Change careers", "Get a first job", "Get promoted", "Freelance"]
                    ),
                    status=rng.choice(list(StudentStatus)),
                    funding=funding,
                    allowed_weekdays=FUNDING_WEEKDAYS[funding],
                    path_id=path.id,
                    current_project_id=project.id,
                    timezone=_pick_zone(rng),
                    session_minutes=rng.choice([30, 45, 45, 60, 60]),
                    weekly_hours=rng.choice([15, 20, 25, 30, 35]),
                    languages=rng.choice(["fr", "fr", "fr,en", "en"]),
                )
            )
        await _bulk(Student, student_rows, batch)
        student_rows = await Student.all().order_by("id")
        await _bulk(
            StudentAvailability,
            [
                StudentAvailability(student_id=s.id, weekday=d, start_minute=a, end_minute=b)
                for s in student_rows
                for d, a, b in _windows(rng, STUDENT_TEMPLATES, rng.randint(1, 2))
            ],
            batch,
        )

        # About 60 % of students already have a mentor who lists their project, within capacity.
        load = {m.id: 0 for m in mentor_rows}
        listing: dict[int, list[Mentor]] = {}
        for m, listed in zip(mentor_rows, mentor_projects, strict=True):
            if m.status is MentorStatus.ACTIVE:
                for p in listed:
                    listing.setdefault(p.id, []).append(m)
        pairs: list[Mentorship] = []
        for s in student_rows:
            if rng.random() > 0.6:
                continue
            options = [m for m in listing.get(s.current_project_id, []) if load[m.id] < m.capacity]
            if not options:
                continue
            mentor = rng.choice(options)
            load[mentor.id] += 1
            weekday = rng.choice([d for d in range(5) if s.allowed_weekdays & (1 << d)] or [0])
            pairs.append(
                Mentorship(
                    student_id=s.id,
                    mentor_id=mentor.id,
                    slot_weekday=weekday,
                    slot_start_minute=rng.choice([12 * 60, 18 * 60, 19 * 60, 20 * 60]),
                    slot_minutes=s.session_minutes,
                    started_on=today - timedelta(days=rng.randint(7, 300)),
                )
            )
        await _bulk(Mentorship, pairs, batch)
        # The audit trail starts with the demo's pairs too (issue 6: every pairing has its history).
        await _bulk(
            PairingChange,
            [
                PairingChange(
                    action=PairingAction.STARTED,
                    cause=PairingCause.MANUAL,
                    actor="system",
                    reason="demo data",
                    mentorship_id=m.id,
                    mentor_id=m.mentor_id,
                    student_id=m.student_id,
                )
                for m in await Mentorship.all().order_by("id")
            ],
            batch,
        )
        return SeedSummary(len(paths), len(projects), len(mentor_rows), len(student_rows), len(pairs))


async def _bulk(model: type[Model], rows: Sequence[Model], batch: int) -> None:
    for start in range(0, len(rows), batch):
        await model.bulk_create(list(rows[start : start + batch]))
