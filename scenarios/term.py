"""A simulated term: students, mentors and weeks driven through the domain services, the way
staff, mentors and the daily job would, with absences, departures, change requests and project changes.

    .venv/bin/python -m scenarios.term                       # 500 students, 60 mentors, 26 weeks, SQLite
    .venv/bin/python -m scenarios.term --fresh --database-url postgres://postgres@127.0.0.1:5432/term

Each week, in order:
1. the daily step for the week's Monday (absences that ended, last days that passed: ``jobs.daily``);
2. what people ask for: change requests (R7), finished projects (R8, R9, R20), absences starting next
   week (R5: short ones cancel sessions, long ones hand the students over through a restricted run),
   notices (R6: a restricted run re-matches the leaver's students);
3. a matching run for every waiting student, planned on this week, published by "staff";
4. the week's sessions: a discovery session for a new pair, the weekly slot otherwise, catch-ups for
   sessions an absence cancelled the week before; then, day by day, the daily step (as the hourly job
   would: a last day or an absence's start does not wait for Monday) and each of the day's sessions
   held and ended (billed) or late-cancelled;
5. the figures of the week, and every invariant of ``domain.invariants`` checked over the database
   (``mentormatch check`` runs the same checker).

Everything is deterministic for a seed (the solver included). The world starts the Monday after next, so
that every date is in the future of the real clock as the services expect.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg

from domain.enums import (
    MentorStatus,
    PairingAction,
    PairingCause,
    RunStatus,
    SessionKind,
    SessionStatus,
)
from domain.errors import DomainError
from domain.invariants import check_all
from domain.models import (
    Mentor,
    MentorAbsence,
    Mentorship,
    PairingChange,
    Project,
    Session,
    Student,
)
from domain.paris_time import PARIS, WeeklyWindow, local_to_utc, week_monday
from domain.seed import CATALOGUE
from domain.services import (
    absences,
    assessments,
    change_requests,
    departures,
    eligibility,
    mentors,
    paths,
    progress,
    run_publish,
    run_requests,
    runs,
    sessions,
    students,
    submissions,
)
from infra import connections
from infra.settings import Settings
from jobs import daily, tasks

ACTOR = "staff:scenario"
BOOKED_WEEKS_AHEAD = 3
ZONES = ["Europe/Paris"] * 8 + ["America/Montreal", "Africa/Dakar"]


@dataclass(frozen=True, slots=True)
class TermConfig:
    students: int = 500
    mentors: int = 60
    weeks: int = 26
    seed: int = 1
    first_week: date | None = None  # a Monday; default the Monday after next
    time_limit_s: float = 5.0
    change_rate: float = 0.01  # share of current pairs asking for a change each week (R7)
    finish_rate: float = 0.08  # share of placed students finishing their project each week
    short_absences_per_week: int = 2
    long_absence_every: int = 5  # weeks between two long absences (R5)
    notice_every: int = 6  # weeks between two departures (R6)


@dataclass(slots=True)
class WeekRow:
    week: date
    placed: int = 0
    waiting: int = 0
    graduated: int = 0
    new_pairs: int = 0
    moves: int = 0
    sessions_held: int = 0
    sessions_billed: int = 0
    billed_eur: Decimal = Decimal("0")
    cancelled_free: int = 0
    catch_ups: int = 0
    no_session: int = 0
    short_absences: int = 0
    long_absences: int = 0
    handed_over: int = 0
    returned: int = 0
    notices: int = 0
    left: int = 0
    change_requests: int = 0
    project_changes: int = 0
    mentor_kept: int = 0
    assessors: int = 0
    no_assessor: int = 0
    run_s: float = 0.0


@dataclass(slots=True)
class Term:
    config: TermConfig
    rows: list[WeekRow] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    mentor_ids: list[int] = field(default_factory=list)
    student_ids: list[int] = field(default_factory=list)
    checks: int = 0  # times every invariant was checked
    # Why the students the last weekly run could not place wait (the solver's reason codes).
    unplaced_reasons: Counter[str] = field(default_factory=Counter)


# --- The world ----------------------------------------------------------------------------------------


def _mentor_windows(rng: random.Random) -> list[WeeklyWindow]:
    days = sorted(rng.sample(range(5), k=rng.randint(2, 4)))
    windows = [WeeklyWindow(d, 18 * 60, rng.choice([20, 21, 22]) * 60) for d in days]
    if rng.random() < 0.3:
        windows.append(WeeklyWindow(rng.choice(range(5)), 12 * 60, 14 * 60))
    if rng.random() < 0.2:
        windows.append(WeeklyWindow(5, 9 * 60, 12 * 60))
    return windows


def _student_windows(rng: random.Random) -> list[WeeklyWindow]:
    days = sorted(rng.sample(range(6), k=rng.randint(2, 4)))
    return [WeeklyWindow(d, rng.choice([17, 18, 19]) * 60, rng.choice([21, 22]) * 60) for d in days]


def _profile_of(learner: Student) -> students.StudentPatch:
    """What a mentor writes into an empty profile (R10), keeping what is there."""
    return students.StudentPatch(
        phone=learner.phone or f"+33 6 {learner.id % 100:02d} {learner.id // 100 % 100:02d} 00 00",
        address=learner.address or f"{learner.id} rue de la Paix, Paris",
        photo_url=learner.photo_url or f"https://photos.example.org/students/{learner.id}.jpg",
        latest_diploma=learner.latest_diploma or "Baccalauréat",
        training_objective=learner.training_objective or "Change careers into software development",
    )


async def build_world(config: TermConfig, rng: random.Random, today: date) -> Term:
    term = Term(config)
    catalogue: list[list[int]] = []
    for name, months, items in CATALOGUE[:3]:
        path = await paths.create_path(paths.PathInput(name=name, duration_months=months))
        ids = []
        for position, (title, level) in enumerate(items[:6]):
            project = await paths.create_project(
                paths.ProjectInput(path_id=path.id, name=title, level=level, position=position)
            )
            ids.append(project.id)
        catalogue.append(ids)
    path_ids = [(await Project.get(id=ids[0])).path_id for ids in catalogue]
    for i in range(config.mentors):
        home = i % len(catalogue)
        listed = rng.sample(catalogue[home], k=rng.randint(4, len(catalogue[home])))
        mentor = await mentors.create_mentor(
            mentors.MentorInput(
                name=f"Mentor {i + 1}",
                email=f"mentor{i + 1}@term.example",
                capacity=rng.choice([6, 8, 10, 12, 15]),
                project_ids=sorted(listed),
                start_date=today - timedelta(days=rng.randint(30, 900)),
                timezone=rng.choice(ZONES),
                availability=_mentor_windows(rng),
            )
        )
        term.mentor_ids.append(mentor.id)
    for i in range(config.students):
        home = rng.randrange(len(catalogue))
        project_id = catalogue[home][rng.randrange(3)]
        student = await students.create_student(
            students.StudentInput(
                name=f"Student {i + 1}",
                email=f"student{i + 1}@term.example",
                path_id=path_ids[home],
                current_project_id=project_id,
                session_minutes=rng.choice([30, 45, 45, 60]),
                timezone=rng.choice(ZONES),
                availability=_student_windows(rng),
            )
        )
        term.student_ids.append(student.id)
    return term


# --- Runs and sessions --------------------------------------------------------------------------------


async def run_and_publish(run_id: UUID) -> tuple[int, float]:
    """Run a matching run's job in this process, then publish all its pairs as staff would."""
    started = time.perf_counter()
    await tasks.run_matching({}, str(run_id))
    elapsed = time.perf_counter() - started
    run = await runs.get_run(run_id)
    if run.status is not RunStatus.SUCCEEDED:
        return 0, elapsed
    outcome = await run_publish.publish_run(run_id, actor=ACTOR)
    return len(outcome.created), elapsed


async def matching_run(monday: date, config: TermConfig, student_ids: list[int] | None = None) -> UUID:
    run = await run_requests.start_run(
        run_requests.RunScope(student_ids=student_ids),
        run_requests.RunOptions(time_limit_s=config.time_limit_s, week=monday, seed=config.seed),
        requested_by=ACTOR,
    )
    return run.id


def _slot_time(m: Mentorship, monday: date) -> datetime:
    day = monday + timedelta(days=m.slot_weekday)
    local = datetime.combine(day, datetime.min.time()) + timedelta(minutes=m.slot_start_minute)
    try:
        return local_to_utc(local, PARIS, field="slot")
    except DomainError:
        return local_to_utc(local + timedelta(hours=1), PARIS, fold=0, field="slot")


async def book_week(monday: date, row: WeekRow, catch_up_for: set[int]) -> None:
    """Book every current pair's sessions three weeks ahead, as mentors do: the discovery session first
    (R14), then the weekly slot (R13); and a catch-up where an absence cancelled last week's session (R5).
    Counts the current pairs left without a session this week (the mentor away, a new pair whose slot
    day has passed, a refused time)."""
    for m in await Mentorship.filter(ended_on__isnull=True).order_by("id"):
        if m.started_on > monday + timedelta(days=6):
            continue
        has_discovery = await sessions.discovery_of(m) is not None
        try:
            if not has_discovery:
                for week in (monday, monday + timedelta(days=7)):
                    local = _slot_time(m, week).astimezone(PARIS)
                    if local.date() >= m.started_on:
                        await sessions.book_session(
                            sessions.BookingInput(
                                m.id, local.replace(tzinfo=None), kind=SessionKind.DISCOVERY
                            )
                        )
                        break
                continue
            # Weeks already booked, or refused by a rule (the mentor away, a taken slot), are skipped.
            await sessions.schedule_series(sessions.SeriesInput(m.id, monday, BOOKED_WEEKS_AHEAD))
            if m.student_id in catch_up_for:
                local = (_slot_time(m, monday) + timedelta(days=1)).astimezone(PARIS)
                await sessions.book_session(
                    sessions.BookingInput(
                        m.id,
                        local.replace(tzinfo=None),
                        catch_up=True,
                        catch_up_reason="the mentor was away last week (R5)",
                    )
                )
                row.catch_ups += 1
        except DomainError:
            continue  # a rule refused it (slot taken, weekday, absence): the week goes without
    start, end = _week_bounds(monday)
    booked = {
        s.student_id
        for s in await Session.filter(starts_at__gte=start, starts_at__lt=end).exclude(
            status=SessionStatus.CANCELLED
        )
    }
    row.no_session = sum(
        1
        for m in await Mentorship.filter(ended_on__isnull=True, started_on__lte=monday + timedelta(days=6))
        if m.student_id not in booked
    )


async def cancelled_by_absence(monday: date) -> set[int]:
    """Students whose session this week was cancelled because their mentor was away."""
    start, end = _week_bounds(monday)
    out: set[int] = set()
    for s in await Session.filter(status=SessionStatus.CANCELLED, starts_at__gte=start, starts_at__lt=end):
        if await MentorAbsence.filter(
            mentor_id=s.mentor_id,
            cancelled_at__isnull=True,
            starts_at__lte=s.starts_at,
            ends_at__gt=s.starts_at,
        ).exists():
            out.add(s.student_id)
    return out


def _week_bounds(monday: date) -> tuple[datetime, datetime]:
    start = local_to_utc(datetime.combine(monday, datetime.min.time()), PARIS, field="week")
    end = local_to_utc(datetime.combine(monday + timedelta(days=7), datetime.min.time()), PARIS, field="week")
    return start, end


async def _hold(start: datetime, end: datetime, rng: random.Random, settings: Settings) -> None:
    day_sessions = await Session.filter(
        starts_at__gte=start, starts_at__lt=end, status=SessionStatus.SCHEDULED
    ).order_by("starts_at", "id")
    for s in day_sessions:
        roll = rng.random()
        if roll < 0.02:
            await sessions.cancel_session(s.id, settings.rates, now=s.starts_at - timedelta(hours=3))
            continue
        status = SessionStatus.STUDENT_ABSENT if roll < 0.07 else SessionStatus.COMPLETED
        after = s.starts_at + timedelta(minutes=s.duration_minutes)
        await sessions.end_session(
            sessions.EndInput(s.id, status=status, notes="held"), settings.rates, now=after
        )


async def hold_week(monday: date, row: WeekRow, rng: random.Random, settings: Settings) -> None:
    """The week day by day: each morning from Tuesday on, the daily step (``jobs.daily``: in production
    it runs every hour, so a last day or an absence's start never waits for the next Monday; Monday's
    ran before the week's requests); then every scheduled session of the day happens (or is
    late-cancelled) and is ended, hence billed."""
    start, end = _week_bounds(monday)
    for offset in range(7):
        day = monday + timedelta(days=offset)
        if offset:
            due = await daily.apply_due(day)
            row.returned += due.get("returned", 0)
            row.left += due.get("left", 0)
        day_start, day_end = _week_bounds(day)[0], _week_bounds(day + timedelta(days=1))[0]
        await _hold(day_start, day_end, rng, settings)
    ended = await Session.filter(starts_at__gte=start, starts_at__lt=end).exclude(
        status=SessionStatus.SCHEDULED
    )
    for s in ended:
        if s.status in (SessionStatus.COMPLETED, SessionStatus.STUDENT_ABSENT):
            row.sessions_held += 1
        if s.billed_amount is not None and s.billed_amount > 0:
            row.sessions_billed += 1
            row.billed_eur += s.billed_amount
        if s.status is SessionStatus.CANCELLED:
            row.cancelled_free += 1


# --- What people ask for ------------------------------------------------------------------------------


async def requests_of_the_week(monday: date, term: Term, row: WeekRow, rng: random.Random) -> list[UUID]:
    """Change requests, finished projects, absences and notices. Returns the restricted runs to publish."""
    config = term.config
    restricted: list[UUID] = []
    current = await Mentorship.filter(ended_on__isnull=True).order_by("id")
    for m in current:
        if rng.random() < config.change_rate:
            if rng.random() < 0.5:
                await change_requests.request_change(
                    m.id, side="student", actor=f"student:{m.student_id}", today=monday
                )
            else:
                await change_requests.request_change(
                    m.id, side="mentor", actor=f"mentor:{m.mentor_id}", today=monday
                )
            row.change_requests += 1
    placed = await Mentorship.filter(ended_on__isnull=True).order_by("id")
    for m in placed:
        if rng.random() < config.finish_rate:
            try:
                # R20: the mentor marks the project submitted and verified before its presentation is
                # scheduled.
                learner = await Student.get(id=m.student_id)
                project_id = learner.current_project_id
                # R10: the mentor fills in the profile (in the seeds, at the discovery session); here at
                # the latest before the first presentation, whose assessor checks it.
                if await assessments.profile_gaps(learner):
                    await students.update_student(m.student_id, _profile_of(learner))
                await submissions.mark_submitted(m.student_id, project_id, actor=f"mentor:{m.mentor_id}")
                await submissions.verify(m.student_id, project_id, actor=f"mentor:{m.mentor_id}")
                outcome = await progress.finish_project(m.student_id, actor=ACTOR, today=monday)
            except DomainError as exc:  # the world broke a rule the checker may not state: keep going
                term.violations.append(f"{monday}: finishProject of student {m.student_id}: {exc.message}")
                continue
            row.project_changes += 1
            row.mentor_kept += int(outcome.mentor_kept)
            if outcome.assessment.assessor_id is not None:
                row.assessors += 1
            else:
                row.no_assessor += 1
    next_monday = monday + timedelta(days=7)
    available = [
        m.id
        for m in await Mentor.filter(
            id__in=term.mentor_ids, status=MentorStatus.ACTIVE, last_day__isnull=True
        ).order_by("id")
        if not await MentorAbsence.filter(
            mentor_id=m.id, cancelled_at__isnull=True, ends_on__gte=monday
        ).exists()
    ]
    rng.shuffle(available)
    week_index = (monday - term.rows[0].week).days // 7 if term.rows else 0
    for _ in range(min(config.short_absences_per_week, len(available))):
        mentor_id = available.pop()
        await absences.record_absence(
            mentor_id,
            next_monday,
            next_monday + timedelta(days=rng.choice([4, 6, 11])),
            "holiday",
            actor=f"mentor:{mentor_id}",
            today=monday,
        )
        row.short_absences += 1
    if available and week_index % config.long_absence_every == 2:
        mentor_id = available.pop()
        recorded = await absences.record_absence(
            mentor_id,
            next_monday,
            next_monday + timedelta(days=rng.choice([20, 27])),
            "parental leave",
            actor=f"mentor:{mentor_id}",
            today=monday,
        )
        row.long_absences += 1
        if recorded.run is not None:
            restricted.append(recorded.run.id)
    if available and week_index % config.notice_every == 3:
        mentor_id = available.pop()
        notice = await departures.give_notice(
            mentor_id, monday + timedelta(days=17), actor=f"mentor:{mentor_id}", today=monday
        )
        row.notices += 1
        if notice.run is not None:
            restricted.append(notice.run.id)
    return restricted


# --- Figures and invariants ---------------------------------------------------------------------------


async def check_invariants(monday: date, term: Term, settings: Settings) -> None:
    """The one invariant checker (``domain.invariants``), on the week's Sunday: whatever it finds is a
    violation of the week."""
    report = await check_all(today=monday + timedelta(days=6), rates=settings.rates)
    term.checks += 1
    term.violations.extend(f"{monday}: {v}" for v in report.all())


async def count_week(monday: date, term: Term, row: WeekRow, mentor_before: dict[int, int]) -> None:
    current = {m.student_id: m.mentor_id for m in await Mentorship.filter(ended_on__isnull=True)}
    row.placed = len(current)
    on_project = {st.id: st.current_project_id for st in await Student.filter(id__in=term.student_ids)}
    graduated = await eligibility.path_completed(on_project) - set(current)
    row.graduated = len(graduated)
    row.waiting = len(term.student_ids) - row.placed - row.graduated
    row.moves = sum(1 for sid, mid in current.items() if sid in mentor_before and mentor_before[sid] != mid)
    row.new_pairs = sum(1 for sid in current if sid not in mentor_before)


async def handovers_so_far() -> int:
    """Pairs ended to hand a student to a substitute (R5), from the audit trail."""
    return await PairingChange.filter(cause=PairingCause.ABSENCE, action=PairingAction.ENDED).count()


# --- The term -----------------------------------------------------------------------------------------


def default_first_week(today: date) -> date:
    return week_monday(today) + timedelta(days=14)


async def simulate(config: TermConfig, settings: Settings, *, progress_line: Any = None) -> Term:
    rng = random.Random(config.seed)
    first = config.first_week or default_first_week(datetime.now(PARIS).date())
    term = await build_world(config, rng, first)
    catch_up_for: set[int] = set()
    for index in range(config.weeks):
        monday = first + timedelta(days=7 * index)
        row = WeekRow(monday)
        term.rows.append(row)
        mentor_before = {m.student_id: m.mentor_id for m in await Mentorship.filter(ended_on__isnull=True)}
        handed_before = await handovers_so_far()
        due = await daily.apply_due(monday)
        row.returned = due.get("returned", 0)
        row.left = due.get("left", 0)
        for run_id in await requests_of_the_week(monday, term, row, rng):
            _created, elapsed = await run_and_publish(run_id)
            row.run_s += elapsed
        run_id = await matching_run(monday, config)
        _created, elapsed = await run_and_publish(run_id)
        row.run_s += elapsed
        result = (await runs.get_run(run_id)).result
        term.unplaced_reasons = Counter(u["reason"] for u in (result["unplaced"] if result else []))
        await book_week(monday, row, catch_up_for)
        await hold_week(monday, row, rng, settings)
        catch_up_for = await cancelled_by_absence(monday)
        await count_week(monday, term, row, mentor_before)
        row.handed_over = await handovers_so_far() - handed_before
        await check_invariants(monday, term, settings)
        if progress_line is not None:
            progress_line(row)
    return term


COLUMNS = [
    ("week", "week"),
    ("placed", "placed"),
    ("waiting", "waiting"),
    ("graduated", "done"),
    ("new_pairs", "new"),
    ("moves", "moves"),
    ("sessions_held", "held"),
    ("sessions_billed", "billed"),
    ("billed_eur", "EUR"),
    ("cancelled_free", "cancelled"),
    ("catch_ups", "catch-up"),
    ("no_session", "no session"),
    ("short_absences", "abs<=14d"),
    ("long_absences", "abs>14d"),
    ("handed_over", "handed"),
    ("returned", "back"),
    ("notices", "notice"),
    ("left", "left"),
    ("change_requests", "change"),
    ("project_changes", "project"),
    ("mentor_kept", "kept"),
    ("assessors", "assessor"),
    ("no_assessor", "no-assessor"),
    ("run_s", "run s"),
]


def format_row(row: WeekRow) -> str:
    cells = []
    for attr, _title in COLUMNS:
        value = getattr(row, attr)
        cells.append(f"{value:.1f}" if isinstance(value, float) else str(value))
    return "| " + " | ".join(cells) + " |"


def header() -> str:
    titles = [title for _attr, title in COLUMNS]
    return "| " + " | ".join(titles) + " |\n|" + "---|" * len(titles)


MARK = "created by mentormatch scenarios.term"


def _private_database_url() -> str:
    """A new SQLite file in a private folder (mode 0700) of its own: never a shared, guessable path."""
    return f"sqlite://{Path(tempfile.mkdtemp(prefix='mentormatch-term-')) / 'term.sqlite3'}"


def _sqlite_mark(path: Path) -> Path:
    return path.with_name(path.name + ".scenarios-term")


def _claim_sqlite(path: Path) -> None:
    """Mark a file this command is about to create as its own (so a later --fresh may remove it)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_mark(path).write_text(MARK + "\n")


def _fresh_sqlite(path: Path) -> None:
    if path.exists() and not _sqlite_mark(path).exists():
        raise SystemExit(f"--fresh refuses to delete {path}: scenarios.term did not create it")
    path.unlink(missing_ok=True)
    _claim_sqlite(path)


async def _fresh_database(url: str) -> None:
    """Start from an empty database: drop and create a PostgreSQL one, remove an SQLite file. Only a
    database this command created (marked so) is ever dropped or removed; anything else is refused."""
    if url.startswith("sqlite://"):
        await asyncio.to_thread(_fresh_sqlite, Path(url.removeprefix("sqlite://")))
        return
    server, name = url.rsplit("/", 1)
    conn = await asyncpg.connect(f"{server}/postgres", timeout=5)
    try:
        exists = await conn.fetchrow(
            "SELECT shobj_description(oid, 'pg_database') AS note FROM pg_database WHERE datname = $1", name
        )
        if exists is not None and exists["note"] != MARK:
            raise SystemExit(f"--fresh refuses to drop the database {name}: scenarios.term did not create it")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}'")
    finally:
        await conn.close()


async def main_async(args: argparse.Namespace) -> int:
    if args.database_url is None:
        args.database_url = _private_database_url()
        print(f"database: {args.database_url}", flush=True)
    settings = Settings(database_url=args.database_url)
    if args.fresh:
        await _fresh_database(args.database_url)
    elif args.database_url.startswith("sqlite://"):
        await asyncio.to_thread(_claim_sqlite, Path(args.database_url.removeprefix("sqlite://")))
    await connections.connect_database(settings)
    try:
        await connections.migrate()
        if await Student.exists():
            raise SystemExit("the database is not empty: give a new one, or --fresh to start it over")
        config = TermConfig(
            students=args.students,
            mentors=args.mentors,
            weeks=args.weeks,
            seed=args.seed,
            time_limit_s=args.time_limit,
        )
        print(header(), flush=True)
        started = time.perf_counter()
        term = await simulate(config, settings, progress_line=lambda row: print(format_row(row), flush=True))
        reasons = ", ".join(f"{k} {v}" for k, v in term.unplaced_reasons.most_common()) or "none"
        print(f"\nunplaced by the last weekly run: {reasons}")
        print(
            f"{len(term.violations)} invariant violations ({term.checks} checks of every invariant) "
            f"in {time.perf_counter() - started:.0f} s"
        )
        for v in term.violations[:20]:
            print("  " + v)
        return 1 if term.violations else 0
    finally:
        await connections.disconnect()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=500, help="students in the programme (default 500)")
    parser.add_argument("--mentors", type=int, default=60, help="mentors in the programme (default 60)")
    parser.add_argument("--weeks", type=int, default=26, help="weeks to simulate (default 26)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (the same seed, the same term)")
    parser.add_argument("--time-limit", type=float, default=5.0, help="seconds per matching run (default 5)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="where to simulate (default: a new SQLite file in a private temporary folder)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="drop and re-create the database first (only one this command created earlier)",
    )
    args = parser.parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())
