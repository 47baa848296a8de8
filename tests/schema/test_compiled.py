"""The compiled dashboard reader (schema.compiled) answers exactly what the generic executor answers: the
same response body, byte for byte, on random data, for every kind of viewer; and it is really used for
the viewers it serves (staff, the mentor themself) on PostgreSQL."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from api.app import create_app
from domain.enums import MentorshipEndReason, Role, SessionKind, SessionStatus
from domain.models import Mentor, MentorAvailability, Mentorship, Path, Project, Session, Student
from domain.paris_time import PARIS, week_monday
from domain.services.tokens import issue_token
from schema import compiled
from schema.build import build_schema
from schema.compiled import DASHBOARD
from tests.conftest import Backend, count_queries

ZONES = ["Europe/Paris", "America/Montreal", "Africa/Dakar", "Asia/Tokyo", "America/Sao_Paulo"]
# Weeks around the clock changes (March, October, November) and ordinary ones.
WEEKS = [date(2026, 3, 9), date(2026, 3, 25), date(2026, 3, 30), date(2026, 10, 28), date(2026, 11, 4)]
SESSION_WEEKS = sorted({week_monday(w) + timedelta(days=7 * k) for w in WEEKS for k in (-1, 0, 1)})
# The same document laid out differently, as a client may send it.
DASHBOARD_REFLOWED = " ".join(DASHBOARD.split()) + "  # the dashboard\n"


@asynccontextmanager
async def client(db: Backend, token: str, *, compiled: bool) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(
        db.settings, manage_database=False, schema=build_schema(db.settings, compiled_reads=compiled)
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://t",
            headers={"authorization": f"Bearer {token}"},
        ) as http:
            yield http
    finally:
        await app.state.limiter.aclose()


async def random_world(rng: random.Random) -> tuple[list[Mentor], list[Student]]:
    path = await Path.create(name="Web", description="", duration_months=12)
    other_path = await Path.create(name="Data", description="", duration_months=6)
    projects = [
        await Project.create(
            path=rng.choice([path, other_path]), name=f"P{i}", level=1 + i % 3, position=i, description=""
        )
        for i in range(5)
    ]
    mentors = []
    for m in range(3):
        mentor = await Mentor.create(
            name=f"Mentor {m} {rng.randrange(1000)}",
            email=f"m{m}@example.org",
            capacity=rng.randint(1, 20),
            timezone=rng.choice(ZONES),
            start_date=date(2025, 1, 6),
        )
        for weekday in rng.sample(range(7), rng.randint(0, 5)):
            start = rng.randrange(0, 1380, 15)
            await MentorAvailability.create(
                mentor=mentor, weekday=weekday, start_minute=start, end_minute=rng.randint(start + 15, 1440)
            )
        mentors.append(mentor)
    students = []
    for s in range(rng.randint(15, 30)):
        student = await Student.create(
            name=f"Student {s}",
            email=f"s{s}@example.org",
            phone=rng.choice(["", "+33 6 12 34 56 78", "+1 514 555 0100"]),
            path=path,
            current_project=rng.choice(projects),
        )
        students.append(student)
    taken: set[tuple[int, date, int]] = set()
    for student in students:
        # Some students had an earlier mentor; most have a current one (the first mentor gets over 20).
        pairs: list[Mentorship] = []
        if rng.random() < 0.4:
            pairs.append(
                await Mentorship.create(
                    student=student,
                    mentor=rng.choice(mentors),
                    slot_weekday=rng.randrange(7),
                    slot_start_minute=rng.randrange(0, 1380, 15),
                    slot_minutes=45,
                    started_on=date(2026, 1, 5),
                    ended_on=date(2026, 3, 27),
                    end_reason=MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT,
                )
            )
        if rng.random() < 0.9:
            pairs.append(
                await Mentorship.create(
                    student=student,
                    mentor=mentors[0] if rng.random() < 0.8 else rng.choice(mentors),
                    slot_weekday=rng.randrange(7),
                    slot_start_minute=rng.randrange(0, 1380, 15),
                    slot_minutes=rng.choice([30, 45, 60]),
                    started_on=date(2026, 3, 2),
                )
            )
        # One session per student and Paris week (a constraint): distinct weeks, any time in the week.
        weeks = rng.sample(SESSION_WEEKS, rng.randint(0, 6)) if pairs else []
        for monday in weeks:
            pair = rng.choice(pairs)
            # A mentor's sessions never overlap (a constraint): one hour each, in distinct hours.
            hour = rng.choice([h for h in range(7 * 24 - 1) if (pair.mentor_id, monday, h) not in taken])
            taken.add((pair.mentor_id, monday, hour))
            local = datetime(monday.year, monday.month, monday.day) + timedelta(minutes=60 * hour)
            await Session.create(
                mentorship=pair,
                starts_at=local.replace(tzinfo=PARIS).astimezone(UTC),
                duration_minutes=45,
                kind=rng.choice(list(SessionKind)),
                status=rng.choice(list(SessionStatus)),
                private_comment="private",
            )
    return mentors, students


async def dashboards(db: Backend, token: str, mentor_id: int, week: date) -> tuple[str, str, list[str]]:
    """The generic executor's response body, the compiled reader's, and the statements of the latter."""
    body = {"query": DASHBOARD_REFLOWED, "variables": {"id": mentor_id, "week": week.isoformat()}}
    async with client(db, token, compiled=False) as http:
        generic = (await http.post("/graphql", json=body)).text
    async with client(db, token, compiled=True) as http:
        await http.post("/graphql", json=body)  # the token is looked up (and cached) here
        with count_queries() as counter:
            compiled = (await http.post("/graphql", json=body)).text
    return generic, compiled, counter.statements


async def test_a_clock_change_week_shows_a_shift_on_both_paths(db: Backend) -> None:
    """Montreal changes clocks two weeks before Paris: the week of 9 March 2026 is shifted by an hour."""
    mentor = await Mentor.create(
        name="M", email="m@example.org", capacity=3, timezone="America/Montreal", start_date=date(2025, 1, 6)
    )
    await MentorAvailability.create(mentor=mentor, weekday=1, start_minute=18 * 60, end_minute=20 * 60)
    token, _ = await issue_token(Role.MENTOR, mentor_id=mentor.id)
    generic, compiled, _ = await dashboards(db, token, mentor.id, date(2026, 3, 10))
    assert compiled == generic
    assert json.loads(compiled)["data"]["mentor"]["parisAvailability"]["shiftMinutes"] != 0


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_compiled_dashboard_returns_the_generic_json_for_every_viewer(db: Backend, seed: int) -> None:
    rng = random.Random(seed)
    mentors, students = await random_world(rng)
    staff, _ = await issue_token(Role.STAFF)
    own = [(await issue_token(Role.MENTOR, mentor_id=m.id))[0] for m in mentors]
    current = {p.student_id: p.mentor_id for p in await Mentorship.filter(ended_on__isnull=True)}
    learner = next(s for s in students if current.get(s.id) == mentors[0].id)
    student_token, _ = await issue_token(Role.STUDENT, student_id=learner.id)
    served = 0
    seen_sessions = 0
    for mentor_index, mentor in enumerate(mentors):
        week = rng.choice(WEEKS)
        viewers = [("staff", staff), ("own", own[mentor_index])]
        viewers += [("other mentor", own[(mentor_index + 1) % len(mentors)]), ("student", student_token)]
        for who, token in viewers:
            generic, compiled, statements = await dashboards(db, token, mentor.id, week)
            assert compiled == generic, (who, mentor_index)
            used = any("mentor_availability a" in s for s in statements)
            # Served by the compiled reader exactly for the viewers it may serve, on PostgreSQL.
            assert used == (db.is_postgres and who in ("staff", "own")), (who, statements)
            served += used
            if who == "other mentor":  # a mentor never reads another mentor's dashboard
                assert json.loads(compiled)["data"] == {"mentor": None}
            elif who != "student":
                shown = json.loads(compiled)["data"]["mentor"]
                seen_sessions += sum(len(e["node"]["sessions"]) for e in shown["students"]["edges"])
    assert served == (6 if db.is_postgres else 0)
    assert seen_sessions > 0
    # The first mentor has more than a page of students: the page and the load both match above.
    assert len([s for s, m in current.items() if m == mentors[0].id]) > 20 or seed != 1


async def test_a_failing_compiled_reader_leaves_the_answer_to_the_generic_path(
    db: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentors, _ = await random_world(random.Random(11))
    token, _ = await issue_token(Role.MENTOR, mentor_id=mentors[0].id)
    monkeypatch.setattr(compiled, "DASHBOARD_SQL", "SELECT no_such_column FROM mentor WHERE id = $1")
    generic, answered, _ = await dashboards(db, token, mentors[0].id, WEEKS[0])
    assert answered == generic and json.loads(answered)["data"]["mentor"]["name"] == mentors[0].name


async def test_compiled_dashboard_falls_back_on_what_it_does_not_handle(db: Backend) -> None:
    rng = random.Random(7)
    mentors, _ = await random_world(rng)
    token, _ = await issue_token(Role.MENTOR, mentor_id=mentors[0].id)
    cases: list[dict[str, Any]] = [
        {"id": mentors[0].id, "week": "1800-01-01"},  # out of the supported range: VALIDATION
        {"id": mentors[0].id, "week": "not a date"},  # not coercible: BAD_USER_INPUT
        {"id": 2**40, "week": "2026-03-25"},  # not an Int
        {"id": 999_999, "week": "2026-03-25"},  # no such mentor
    ]
    for variables in cases:
        body = {"query": DASHBOARD, "variables": variables}
        async with client(db, token, compiled=False) as http:
            generic = (await http.post("/graphql", json=body)).text
        async with client(db, token, compiled=True) as http:
            compiled = (await http.post("/graphql", json=body)).text
        assert compiled == generic, variables
