"""Demo data: a realistic programme in the school's vocabulary and a term in progress, deterministic for a
seed number and a day.

Paths and projects follow the mentor guide (level 1 "Learn how to learn", level 3 "Launch your own
restaurant review site", ...). Mentors and students get weekly windows in Paris and in other zones
(Montreal, Dakar, Casablanca, Reunion) so that DST differences show. About 60 % of the students have a
mentor, at a weekly slot inside both people's availability all year and on a weekday their funding allows;
their sessions of the last weeks are held (statuses, notes, billed) and the next weeks are booked; a
mentor's short absence last fortnight cancelled sessions that were caught up; a long absence ahead has its
hand-overs, a mentor gave notice, some students presented their previous project and others will. Every
invariant of ``domain.invariants`` holds on the result (tests/domain/test_seed_invariants.py).
``students=20000`` builds a benchmark programme; rows are written with bulk inserts in batches.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from tortoise.models import Model
from tortoise.transactions import in_transaction

from domain.enums import (
    FUNDING_WEEKDAYS,
    AssessmentStatus,
    Funding,
    MentorStatus,
    PairingAction,
    PairingCause,
    SessionKind,
    SessionStatus,
    StudentStatus,
)
from domain.models import (
    Assessment,
    DiscoveryNote,
    Mentor,
    MentorAbsence,
    MentorAvailability,
    MentorPath,
    Mentorship,
    PairingChange,
    Path,
    Project,
    Session,
    Student,
    StudentAvailability,
)
from domain.paris_time import (
    MINUTES_PER_DAY,
    PARIS,
    WeeklyWindow,
    intersect,
    local_to_utc,
    week_monday,
    windows_in_paris_week,
    zone,
)
from domain.recurrence import expand, occurrence
from domain.services.sessions import BILLABLE

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


# The README's examples run on the default demo (seed 7, 500 students): a student waiting for a mentor whom
# the README pairs by hand with a mentor who lists their project, has a free seat and keeps that weekly
# time free (Tuesday 19:00-20:00 Paris); another waiting student for the run the README publishes.
README_STUDENT = 12
README_RUN_STUDENT = 13
README_MENTOR = 3
README_SLOT = (1, 19 * 60, 20 * 60)
HISTORY_WEEKS = 8  # weeks of past sessions
AHEAD_WEEKS = 3  # weeks of upcoming sessions, as mentors book them
GRID = 30  # slots start on the hour or the half hour
# Rates per level when the caller gives none: the settings' defaults (MENTORMATCH_RATES).
FALLBACK_RATES = {1: Decimal("30"), 2: Decimal("35"), 3: Decimal("40")}
NOTES = [
    "Reviewed the deliverables; next: finish the mock-ups.",
    "Went through the project brief together and planned the week.",
    "Code review of the last commit; refactor the data layer.",
    "Practised the presentation; work on timing.",
    "Unblocked the deployment; write the README next.",
]
PRIVATE = ["Seems tired; check workload next time.", "Very motivated, ahead of schedule.", ""]
DISCOVERY = {
    "background": "Two years in retail, self-taught HTML.",
    "motivation": "Wants a job with more autonomy.",
    "goals": "Finish the path in 12 months.",
    "level": "Beginner",
    "weekly_hours": 15,
    "remarks": "Prefers evening sessions.",
    "next_week_objectives": "Set up the tools and read the first course.",
}

Interval = tuple[int, int]


@dataclass(frozen=True, slots=True)
class SeedSummary:
    paths: int
    projects: int
    mentors: int
    students: int
    mentorships: int
    sessions: int = 0
    absences: int = 0
    assessments: int = 0


def _pick_zone(rng: random.Random) -> str:
    return rng.choices([z for z, _ in ZONES], weights=[w for _, w in ZONES])[0]


def _windows(
    rng: random.Random, templates: list[tuple[list[int], int, int]], count: int
) -> list[tuple[int, int, int]]:
    chosen = rng.sample(templates, k=min(count, len(templates)))
    return _merge_windows(chosen)


def _merge_windows(chosen: Sequence[tuple[Sequence[int], int, int]]) -> list[tuple[int, int, int]]:
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


def _reference_weeks(today: date) -> list[date]:
    """The Paris weeks a weekly slot must fit in: the demo's weeks, and the weeks of the year when other
    zones' clocks differ from Paris (mid-winter, mid-summer, the weeks between the American and the
    European changes), so that a seeded slot stays inside both people's availability all year."""
    first = week_monday(today) - timedelta(weeks=HISTORY_WEEKS)
    weeks = {first + timedelta(weeks=k) for k in range(HISTORY_WEEKS + AHEAD_WEEKS + 1)}
    for year in (today.year, today.year + 1):
        weeks |= {
            week_monday(date(year, 1, 15)),
            week_monday(date(year, 3, 16)),
            week_monday(date(year, 7, 15)),
            week_monday(date(year, 10, 28)),
        }
    return sorted(weeks)


class _Yearly:
    """Paris-week intervals of weekly windows that hold in every reference week (cached by pattern)."""

    def __init__(self, weeks: list[date]) -> None:
        self.weeks = weeks
        self.cache: dict[tuple[str, tuple[tuple[int, int, int], ...]], list[Interval]] = {}

    def __call__(self, tz: str, windows: Sequence[tuple[int, int, int]]) -> list[Interval]:
        key = (tz, tuple(windows))
        if key not in self.cache:
            ww = [WeeklyWindow(d, s, e) for d, s, e in windows]
            common: list[Interval] | None = None
            for monday in self.weeks:
                expanded = windows_in_paris_week(ww, zone(tz), monday)
                common = expanded if common is None else intersect(common, expanded)
            self.cache[key] = common or []
        return self.cache[key]


def _free_starts(
    mine: list[Interval], theirs: list[Interval], used: list[Interval], minutes: int, weekdays: int
) -> list[int]:
    """Paris-week minutes on the grid where a slot of ``minutes`` fits both sides, on an allowed weekday,
    within one day, clear of the mentor's other slots."""
    out: list[int] = []
    for low, high in intersect(mine, theirs):
        start = -(-low // GRID) * GRID
        while start + minutes <= high:
            day, minute = divmod(start, MINUTES_PER_DAY)
            if (
                minute + minutes <= MINUTES_PER_DAY
                and weekdays & (1 << day)
                and not any(start < e and s < start + minutes for s, e in used)
            ):
                out.append(start)
            start += GRID
    return out


@dataclass(slots=True)
class _Busy:
    """Active calendar entries (UTC) by person, so that presentations and catch-ups find a free time."""

    mentors: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    students: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)

    def add(self, mentor_id: int, student_id: int, start: datetime, minutes: int) -> None:
        end = start + timedelta(minutes=minutes)
        self.mentors.setdefault(mentor_id, []).append((start, end))
        self.students.setdefault(student_id, []).append((start, end))

    def free(self, mentor_id: int, student_id: int, start: datetime, minutes: int) -> bool:
        end = start + timedelta(minutes=minutes)
        return not any(
            s < end and start < e
            for s, e in [*self.mentors.get(mentor_id, []), *self.students.get(student_id, [])]
        )


def _paris(day: date, minute: int) -> datetime:
    return occurrence(week_monday(day), day.weekday(), minute).starts_at


def _paris_midnight(day: date) -> datetime:
    return local_to_utc(datetime.combine(day, time()), PARIS, fold=0)


async def seed(
    *,
    students: int = 300,
    mentors: int | None = None,
    seed_number: int = 7,
    today: date | None = None,
    now: datetime | None = None,
    rates: Mapping[int, Decimal] | None = None,
    batch: int = 2000,
) -> SeedSummary:
    """Fill an empty database with a term in progress on ``today`` (a Paris date, default today):
    ``mentors`` defaults to six per 25 students (capacity 2 to 20). Deterministic for a seed number and a
    day. Every invariant of ``domain.invariants`` holds on the result."""
    rng = random.Random(seed_number)
    if today is None:
        now = now or datetime.now(UTC)
        today = now.astimezone(PARIS).date()
    now = now or _paris(today, 12 * 60)
    rates = rates or FALLBACK_RATES
    yearly = _Yearly(_reference_weeks(today))
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
        level_of = {p.id: p.level for p in projects}

        mentor_rows: list[Mentor] = []
        mentor_projects: list[list[Project]] = []
        mentor_windows: list[list[tuple[int, int, int]]] = []
        for i in range(mentor_count):
            home = rng.choice(paths)
            listed = rng.sample(by_path[home.id], k=rng.randint(2, len(by_path[home.id])))
            windows = _windows(rng, MENTOR_TEMPLATES, rng.randint(1, 2))
            zone_name = _pick_zone(rng)
            status = MentorStatus.PAUSED if rng.random() < 0.03 else MentorStatus.ACTIVE
            capacity = rng.choice([2, 3, 4, 5, 8, 10, 12, 15, 20])
            if i + 1 == README_MENTOR:
                zone_name, status, capacity = "Europe/Paris", MentorStatus.ACTIVE, max(capacity, 8)
                windows = _merge_windows([*((([d], s, e)) for d, s, e in windows), MENTOR_TEMPLATES[0]])
            mentor_rows.append(
                Mentor(
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    email=f"mentor{i + 1}@mentors.example",
                    capacity=capacity,
                    timezone=zone_name,
                    status=status,
                    start_date=today - timedelta(days=rng.randint(30, 1500)),
                    languages=rng.choice(["fr", "fr", "fr,en", "en,fr", "fr,es"]),
                )
            )
            mentor_projects.append(listed)
            mentor_windows.append(windows)
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
                for m, windows in zip(mentor_rows, mentor_windows, strict=True)
                for d, s, e in windows
            ],
            batch,
        )

        readme_projects = mentor_projects[README_MENTOR - 1] if len(mentor_rows) >= README_MENTOR else []
        student_rows: list[Student] = []
        student_windows: list[list[tuple[int, int, int]]] = []
        for i in range(students):
            path = rng.choice(paths)
            project = rng.choice(by_path[path.id])
            funding = rng.choices(list(Funding), weights=[50, 25, 20, 5])[0]
            windows = _windows(rng, STUDENT_TEMPLATES, rng.randint(1, 2))
            zone_name = _pick_zone(rng)
            if i + 1 in (README_STUDENT, README_RUN_STUDENT) and readme_projects:
                project = readme_projects[0] if i + 1 == README_STUDENT else readme_projects[-1]
                path = next(p for p in paths if p.id == project.path_id)
                funding, zone_name = Funding.SELF_FUNDED, "Europe/Paris"
                windows = _merge_windows([*((([d], s, e)) for d, s, e in windows), STUDENT_TEMPLATES[0]])
            student_rows.append(
                Student(
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    email=f"student{i + 1}@students.example",
                    phone="+33 6 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
                    address=f"{rng.randint(1, 120)} rue de la République, {rng.randint(10, 95)}000 France",
                    photo_url=f"https://photos.example/students/{i + 1}.jpg",
                    latest_diploma=rng.choice(["Baccalauréat", "BTS", "Licence", "Master", "None"]),
                    training_objective=rng.choice(
                        ["Change careers", "Get a first job", "Get promoted", "Freelance"]
                    ),
                    status=rng.choice(list(StudentStatus)),
                    funding=funding,
                    allowed_weekdays=FUNDING_WEEKDAYS[funding],
                    path_id=path.id,
                    current_project_id=project.id,
                    timezone=zone_name,
                    session_minutes=rng.choice([30, 45, 45, 60, 60]),
                    weekly_hours=rng.choice([15, 20, 25, 30, 35]),
                    languages=rng.choice(["fr", "fr", "fr,en", "en"]),
                )
            )
            student_windows.append(windows)
        await _bulk(Student, student_rows, batch)
        student_rows = await Student.all().order_by("id")
        await _bulk(
            StudentAvailability,
            [
                StudentAvailability(student_id=s.id, weekday=d, start_minute=a, end_minute=b)
                for s, windows in zip(student_rows, student_windows, strict=True)
                for d, a, b in windows
            ],
            batch,
        )

        # About 60 % of students already have a mentor who lists their project, within capacity (R1, R2),
        # at a weekly slot inside both people's availability all year, on a weekday their funding allows
        # (R11), clear of the mentor's other slots (R13).
        load = {m.id: 0 for m in mentor_rows}
        used: dict[int, list[Interval]] = {m.id: [] for m in mentor_rows}
        if len(mentor_rows) >= README_MENTOR:
            used[mentor_rows[README_MENTOR - 1].id].append(
                (
                    README_SLOT[0] * MINUTES_PER_DAY + README_SLOT[1],
                    README_SLOT[0] * MINUTES_PER_DAY + README_SLOT[2],
                )
            )
        m_windows = {m.id: w for m, w in zip(mentor_rows, mentor_windows, strict=True)}
        listing: dict[int, list[Mentor]] = {}
        for m, listed in zip(mentor_rows, mentor_projects, strict=True):
            if m.status is MentorStatus.ACTIVE:
                for p in listed:
                    listing.setdefault(p.id, []).append(m)
        pairs: list[Mentorship] = []
        for s, windows in zip(student_rows, student_windows, strict=True):
            if rng.random() > 0.6 or s.id in (README_STUDENT, README_RUN_STUDENT):
                continue
            options = [
                m
                for m in listing.get(s.current_project_id, [])
                # The README's mentor keeps a seat for the student the README pairs with them.
                if load[m.id] < m.capacity - (1 if m.id == README_MENTOR else 0)
            ]
            rng.shuffle(options)
            theirs = yearly(s.timezone, windows)
            for mentor in options:
                starts = _free_starts(
                    yearly(mentor.timezone, m_windows[mentor.id]),
                    theirs,
                    used[mentor.id],
                    s.session_minutes,
                    s.allowed_weekdays,
                )
                if not starts:
                    continue
                start = rng.choice(starts)
                load[mentor.id] += 1
                used[mentor.id].append((start, start + s.session_minutes))
                weekday, minute = divmod(start, MINUTES_PER_DAY)
                pairs.append(
                    Mentorship(
                        student_id=s.id,
                        mentor_id=mentor.id,
                        slot_weekday=weekday,
                        slot_start_minute=minute,
                        slot_minutes=s.session_minutes,
                        started_on=today - timedelta(days=rng.randint(7, 200)),
                    )
                )
                break
        await _bulk(Mentorship, pairs, batch)
        pair_rows = await Mentorship.all().order_by("id")
        # The audit trail starts with the demo's pairs too (every pairing has its history).
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
                for m in pair_rows
            ],
            batch,
        )
        term = _Term(rng, today, now, rates, level_of, {s.id: s for s in student_rows})
        absent = _short_absence_mentor(rng, pair_rows)
        short_absence = None
        if absent is not None:
            starts_on = week_monday(today) - timedelta(days=14)
            short_absence = MentorAbsence(
                mentor_id=absent,
                starts_on=starts_on,
                ends_on=starts_on + timedelta(days=4),
                starts_at=_paris_midnight(starts_on),
                ends_at=_paris_midnight(starts_on + timedelta(days=5)),
                reason="conference",
                long=False,
                recorded_by=f"mentor:{absent}",
            )
            await short_absence.save()
        for pair in pair_rows:
            term.sessions_of(pair, short_absence)
        if short_absence is not None:
            term.catch_ups(
                [p for p in pair_rows if p.mentor_id == short_absence.mentor_id],
                short_absence,
                {m.id: m for m in mentor_rows},
                m_windows,
                {s.id: w for s, w in zip(student_rows, student_windows, strict=True)},
            )
        await _bulk(Session, term.rows, batch)
        await _discovery_notes(now, batch)
        assessments = await _assessments(
            rng, today, now, term, pair_rows, mentor_rows, mentor_projects, by_path, short_absence
        )
        absences = 1 if short_absence else 0
        absences += await _long_absence_and_notice(rng, today, now, pair_rows, short_absence)
        return SeedSummary(
            len(paths),
            len(projects),
            len(mentor_rows),
            len(student_rows),
            len(pairs),
            len(term.rows),
            absences,
            assessments,
        )


def _short_absence_mentor(rng: random.Random, pairs: list[Mentorship]) -> int | None:
    with_students = sorted({p.mentor_id for p in pairs} - {README_MENTOR})
    return with_students[len(with_students) // 3] if with_students else None


class _Term:
    """The sessions of the demo's pairs: past ones held or cancelled and ended (billed, R16, R17), with
    notes; upcoming ones booked a few weeks ahead; the discovery session first (R14)."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        now: datetime,
        rates: Mapping[int, Decimal],
        level_of: dict[int, int],
        students: dict[int, Student],
    ) -> None:
        self.rng, self.today, self.now, self.rates = rng, today, now, rates
        self.level_of, self.students = level_of, students
        self.rows: list[Session] = []
        self.busy = _Busy()
        self.cancelled_for_absence: list[tuple[Mentorship, datetime]] = []

    def _row(
        self,
        pair: Mentorship,
        kind: SessionKind,
        starts_at: datetime,
        minutes: int,
        *,
        status: SessionStatus | None = None,
        catch_up_reason: str = "",
    ) -> Session:
        level = self.level_of[self.students[pair.student_id].current_project_id]
        end = starts_at + timedelta(minutes=minutes)
        if status is None:
            if end > self.now:
                status = SessionStatus.SCHEDULED
            elif kind is SessionKind.DISCOVERY:
                status = SessionStatus.COMPLETED
            else:
                status = self.rng.choices(
                    [
                        SessionStatus.COMPLETED,
                        SessionStatus.STUDENT_ABSENT,
                        SessionStatus.LATE_CANCELLED,
                        SessionStatus.CANCELLED,
                    ],
                    weights=[88, 5, 3, 4],
                )[0]
        ended_at: datetime | None = None
        notes, private = "", ""
        if status is SessionStatus.CANCELLED:
            ended_at = min(starts_at - timedelta(days=2), self.now)
            notes = "Cancelled more than a day ahead."
        elif status is SessionStatus.LATE_CANCELLED:
            ended_at = starts_at - timedelta(hours=3)
            notes = "Cancelled on the day."
        elif status is not SessionStatus.SCHEDULED:
            ended_at = end
            notes = (
                self.rng.choice(NOTES) if status is SessionStatus.COMPLETED else "The student did not come."
            )
            private = self.rng.choice(PRIVATE)
        row = Session(
            mentorship_id=pair.id,
            mentor_id=pair.mentor_id,
            student_id=pair.student_id,
            kind=kind,
            starts_at=starts_at,
            duration_minutes=minutes,
            status=status,
            notes=notes,
            private_comment=private,
            paris_week=week_monday(starts_at.astimezone(PARIS).date()),
            catch_up=bool(catch_up_reason),
            catch_up_reason=catch_up_reason,
            ended_at=ended_at,
            billed_level=level if ended_at else None,
            billed_amount=(self.rates[level] if status in BILLABLE else Decimal("0")) if ended_at else None,
        )
        self.rows.append(row)
        if status in (SessionStatus.SCHEDULED, SessionStatus.COMPLETED, SessionStatus.STUDENT_ABSENT):
            self.busy.add(pair.mentor_id, pair.student_id, starts_at, minutes)
        return row

    def sessions_of(self, pair: Mentorship, absence: MentorAbsence | None) -> None:
        first = week_monday(pair.started_on)
        last = week_monday(self.today) + timedelta(weeks=AHEAD_WEEKS)
        weeks = (last - first).days // 7
        occurrences = [
            o
            for o in expand(pair.slot_weekday, pair.slot_start_minute, first, weeks)
            if o.starts_at.astimezone(PARIS).date() >= pair.started_on
        ]
        away = absence if absence is not None and absence.mentor_id == pair.mentor_id else None

        def inside(at: datetime) -> bool:
            return away is not None and away.starts_at <= at < away.ends_at

        while occurrences and inside(occurrences[0].starts_at):
            occurrences.pop(0)  # the discovery session waits for the mentor's return
        if not occurrences:
            return
        discovery = occurrences[0]
        self._row(pair, SessionKind.DISCOVERY, discovery.starts_at, 30)
        history = week_monday(self.today) - timedelta(weeks=HISTORY_WEEKS)
        for occ in occurrences[1:]:
            if occ.week < history:
                continue
            if away is not None and inside(occ.starts_at):
                self._row(
                    pair,
                    SessionKind.REGULAR,
                    occ.starts_at,
                    pair.slot_minutes,
                    status=SessionStatus.CANCELLED,
                )
                self.rows[-1].notes = "Cancelled without penalty: the mentor is away (R5)."
                self.rows[-1].ended_at = away.starts_at - timedelta(days=7)
                self.cancelled_for_absence.append((pair, occ.starts_at))
                continue
            self._row(pair, SessionKind.REGULAR, occ.starts_at, pair.slot_minutes)

    def catch_ups(
        self,
        pairs: list[Mentorship],
        absence: MentorAbsence,
        mentors: dict[int, Mentor],
        mentor_windows: dict[int, list[tuple[int, int, int]]],
        student_windows: dict[int, list[tuple[int, int, int]]],
    ) -> None:
        """R5: a catch-up session in the week after a short absence for each session it cancelled, at the
        slot's time one or two days later, when both are free and available then."""
        for pair, cancelled in self.cancelled_for_absence:
            student = self.students[pair.student_id]
            for shift in (8, 9, 7, 10):
                at = cancelled + timedelta(days=shift)
                local = at.astimezone(PARIS)
                monday = week_monday(local.date())
                minute = local.weekday() * MINUTES_PER_DAY + local.hour * 60 + local.minute
                end = minute + pair.slot_minutes
                mentor = mentors[pair.mentor_id]
                fits = all(
                    any(
                        a <= minute and end <= b
                        for a, b in windows_in_paris_week([WeeklyWindow(*w) for w in ws], zone(tz), monday)
                    )
                    for ws, tz in (
                        (mentor_windows[mentor.id], mentor.timezone),
                        (student_windows[student.id], student.timezone),
                    )
                )
                if (
                    fits
                    and at >= absence.ends_at
                    # R5: up to the end of the Paris week after the absence's last day.
                    and local.date() < week_monday(absence.ends_on) + timedelta(days=14)
                    and student.allowed_weekdays & (1 << local.weekday())
                    and self.busy.free(pair.mentor_id, pair.student_id, at, pair.slot_minutes)
                ):
                    self._row(
                        pair,
                        SessionKind.REGULAR,
                        at,
                        pair.slot_minutes,
                        catch_up_reason=f"the mentor was away {absence.starts_on}..{absence.ends_on} (R5)",
                    )
                    break


async def _discovery_notes(now: datetime, batch: int) -> None:
    """R18: what the mentor learnt in each discovery session held."""
    held = await Session.filter(kind=SessionKind.DISCOVERY, status=SessionStatus.COMPLETED).values_list(
        "id", flat=True
    )
    await _bulk(DiscoveryNote, [DiscoveryNote(session_id=int(str(sid)), **DISCOVERY) for sid in held], batch)


async def _assessments(
    rng: random.Random,
    today: date,
    now: datetime,
    term: _Term,
    pairs: list[Mentorship],
    mentors: list[Mentor],
    mentor_projects: list[list[Project]],
    by_path: dict[int, list[Project]],
    absence: MentorAbsence | None,
) -> int:
    """R20: some students finished their previous project: presented (passed or failed) in the last weeks,
    or to present in the next two, to an assessor who lists the project and was never their mentor, at a
    time both are free and the student's funding allows (R11)."""
    listers: dict[int, list[Mentor]] = {}
    for m, listed in zip(mentors, mentor_projects, strict=True):
        if m.status is MentorStatus.ACTIVE:
            for p in listed:
                listers.setdefault(p.id, []).append(m)
    rows: list[Assessment] = []
    for pair in pairs:
        if rng.random() > 0.12:
            continue
        student = term.students[pair.student_id]
        ordered = sorted(by_path[student.path_id], key=lambda p: (p.position, p.id))
        at = [p.id for p in ordered].index(student.current_project_id)
        if at == 0:
            continue
        finished = ordered[at - 1]
        upcoming = rng.random() < 0.4
        base_day = (
            today + timedelta(days=rng.randint(2, 12))
            if upcoming
            else today - timedelta(days=rng.randint(3, 30))
        )
        candidates = [m for m in listers.get(finished.id, []) if m.id != pair.mentor_id]
        rng.shuffle(candidates)
        placed = False
        for assessor in candidates[:5]:
            for offset in range(5):
                day = base_day + timedelta(days=offset)
                if not student.allowed_weekdays & (1 << day.weekday()):
                    continue
                starts_at = _paris(day, rng.choice([12 * 60, 12 * 60 + 30, 17 * 60]))
                away = (
                    absence is not None
                    and absence.mentor_id == assessor.id
                    and starts_at < absence.ends_at
                    and absence.starts_at < starts_at + timedelta(minutes=30)
                )
                if away or not term.busy.free(assessor.id, student.id, starts_at, 30):
                    continue
                if (starts_at > now) != upcoming:
                    continue
                status = (
                    AssessmentStatus.SCHEDULED
                    if upcoming
                    else rng.choices([AssessmentStatus.PASSED, AssessmentStatus.FAILED], weights=[85, 15])[0]
                )
                rows.append(
                    Assessment(
                        student_id=student.id,
                        project_id=finished.id,
                        assessor_id=assessor.id,
                        status=status,
                        starts_at=starts_at,
                        duration_minutes=30,
                        assigned_by="seed",
                        notes="" if upcoming else "Deliverables presented and discussed.",
                    )
                )
                term.busy.add(assessor.id, student.id, starts_at, 30)
                placed = True
                break
            if placed:
                break
        if not placed and upcoming:
            rows.append(
                Assessment(
                    student_id=student.id,
                    project_id=finished.id,
                    unassigned_reason="no assessor free in the next two weeks",
                )
            )
    await Assessment.bulk_create(rows)
    return len(rows)


async def _long_absence_and_notice(
    rng: random.Random, today: date, now: datetime, pairs: list[Mentorship], short: MentorAbsence | None
) -> int:
    """Through the services, as a mentor would: a long absence in two weeks (R5: each student gets a
    hand-over and a run looks for substitutes) and a notice (R6: a run re-matches the leaver's students)."""
    from domain.services import absences, departures

    taken = {README_MENTOR} | ({short.mentor_id} if short else set())
    with_students = [m for m in sorted({p.mentor_id for p in pairs}) if m not in taken]
    if len(with_students) < 2:
        return 0
    away, leaving = with_students[len(with_students) // 2], with_students[-1]
    await absences.record_absence(
        away,
        today + timedelta(days=14),
        today + timedelta(days=41),
        "parental leave",
        actor=f"mentor:{away}",
        today=today,
        now=now,
    )
    await departures.give_notice(leaving, today + timedelta(days=28), actor=f"mentor:{leaving}", today=today)
    return 1


async def _bulk(model: type[Model], rows: Sequence[Model], batch: int) -> None:
    for start in range(0, len(rows), batch):
        await model.bulk_create(list(rows[start : start + batch]))
