"""Random operations by staff, mentors and students, with every invariant checked after each one.

A small programme is built through the services; then, for ``--operations`` steps, one operation is drawn
at random and run through the domain services as the API would run it: pair by hand, run and publish
matching runs (in-process, short time limit), book, reschedule, cancel and end sessions, record and
cancel absences (short and long), give and withdraw notice, ask for a change of mentor, finish projects,
assign assessors and record results, change a mentor's capacity, add people, and let time pass with the
daily step (``jobs.daily``). A refusal with a typed error (``DomainError``) is an expected outcome,
counted by code; any other exception, and any invariant violation (``domain.invariants``), is a finding,
kept with the operations that led to it. Everything is deterministic for ``--seed``.

    .venv/bin/python -m scenarios.random_ops --operations 10000            # SQLite, a fresh file
    .venv/bin/python -m scenarios.random_ops --operations 10000 \\
        --database-url postgres://postgres@127.0.0.1:5432/random_ops

The world's clock starts the Monday after next (every date is in the future of the real clock, as the
services expect) and moves forward only by the "time passes" operation. Every call passes the world's
``today`` and ``now``: a service left to read the real clock would take a time the world has passed for
the future (a series booked in a week already gone, over a presentation already held).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import traceback
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from domain.enums import AssessmentStatus, RunStatus, SessionKind, SessionStatus
from domain.errors import DomainError
from domain.invariants import INVARIANTS, check_all
from domain.models import Assessment, Mentor, MentorAbsence, Mentorship, Project, Session, Student
from domain.paris_time import PARIS, WeeklyWindow, local_to_utc, week_monday
from domain.services import (
    absences,
    assessments,
    change_requests,
    departures,
    mentors,
    mentorships,
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
from scenarios.term import TermConfig, build_world, default_first_week

ACTOR = "staff:random"
RUN_TIME_LIMIT_S = 1.0


@dataclass(slots=True)
class Finding:
    step: int
    operation: str
    text: str
    history: list[str]


@dataclass(slots=True)
class Outcome:
    operations: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)  # by error code
    checks: int = 0  # invariant evaluations (every invariant, after every operation)
    violations: dict[str, Finding] = field(default_factory=dict)  # first occurrence of each
    unexpected: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.operations.values())

    def by_invariant(self) -> Counter[str]:
        return Counter(text.split(":", 1)[0] for text in self.violations)


class Driver:
    """The world, its clock and the operations."""

    def __init__(self, rng: random.Random, settings: Settings, today: date) -> None:
        self.rng = rng
        self.settings = settings
        self.today = today
        self.people = 0
        self.history: deque[str] = deque(maxlen=40)

    @property
    def now(self) -> datetime:
        return local_to_utc(datetime.combine(self.today, datetime.min.time()) + timedelta(hours=12), PARIS)

    def local(self, day: date, minute: int) -> datetime:
        return datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute)

    def minute(self) -> int:
        return self.rng.choice([12 * 60, 12 * 60 + 30, 18 * 60, 18 * 60 + 30, 19 * 60, 19 * 60 + 30, 20 * 60])

    # --- picking rows ---------------------------------------------------------------------------------

    async def pick(self, qs: Any) -> Any:
        ids = [int(i) for i in await qs.values_list("id", flat=True)]
        return self.rng.choice(sorted(ids)) if ids else None

    async def current_pair(self) -> Mentorship | None:
        pid = await self.pick(Mentorship.filter(ended_on__isnull=True))
        return None if pid is None else await Mentorship.get(id=pid)

    # --- operations -----------------------------------------------------------------------------------

    async def pair_by_hand(self) -> str:
        waiting = await self.pick(Student.exclude(mentorships__ended_on__isnull=True))
        mentor = await self.pick(Mentor.all())
        if waiting is None or mentor is None:
            return "nobody waiting"
        day = self.today + timedelta(days=self.rng.randint(1, 10))
        await mentorships.create_mentorship(
            mentorships.MentorshipInput(waiting, mentor, self.local(day, self.minute())),
            actor=ACTOR,
            now=self.now,
        )
        return f"student {waiting} with mentor {mentor} from {day}"

    async def run_and_publish(self) -> str:
        run = await run_requests.start_run(
            run_requests.RunScope(),
            run_requests.RunOptions(
                time_limit_s=RUN_TIME_LIMIT_S, week=week_monday(self.today) + timedelta(days=7), seed=1
            ),
            requested_by=ACTOR,
        )
        return await self._solve_and_publish(run.id)

    async def queued_runs(self) -> str:
        """Hand-over and re-matching runs the services queued: solved and published as staff would."""
        done = []
        for run in await runs.active_runs():
            if run.status is RunStatus.QUEUED:
                done.append(await self._solve_and_publish(run.id))
        return "; ".join(done) or "none queued"

    async def _solve_and_publish(self, run_id: Any) -> str:
        await tasks.run_matching({}, str(run_id))
        run = await runs.get_run(run_id)
        if run.status is not RunStatus.SUCCEEDED:
            return f"run {run.status.value}"
        pairs = run.result["pairs"] if run.result else []
        reject = [p["studentId"] for p in pairs if self.rng.random() < 0.1]
        outcome = await run_publish.publish_run(run_id, reject=reject, actor=ACTOR, today=self.today)
        return f"published {len(outcome.created)} pairs, rejected {reject}"

    async def book(self) -> str:
        pair = await self.current_pair()
        if pair is None:
            return "no pair"
        has_discovery = await sessions.discovery_of(pair) is not None
        kind = SessionKind.REGULAR if has_discovery else SessionKind.DISCOVERY
        if self.rng.random() < 0.1:
            kind = self.rng.choice(list(SessionKind))
        monday = week_monday(self.today) + timedelta(days=7 * self.rng.randint(0, 3))
        if self.rng.random() < 0.7:
            day, minute = monday + timedelta(days=pair.slot_weekday), pair.slot_start_minute
        else:
            day, minute = monday + timedelta(days=self.rng.randint(0, 6)), self.minute()
        catch_up = kind is SessionKind.REGULAR and self.rng.random() < 0.15
        await sessions.book_session(
            sessions.BookingInput(
                pair.id,
                self.local(day, minute),
                kind=kind,
                catch_up=catch_up,
                catch_up_reason="the mentor was away" if catch_up else "",
            ),
            now=self.now,
        )
        return f"{kind.value}{' catch-up' if catch_up else ''} for pair {pair.id} on {day}"

    async def series(self) -> str:
        pair = await self.current_pair()
        if pair is None:
            return "no pair"
        report = await sessions.schedule_series(
            sessions.SeriesInput(pair.id, self.today, self.rng.randint(1, 4)), now=self.now
        )
        return f"pair {pair.id}: {len(report.created)} booked, {len(report.skipped)} skipped"

    async def reschedule(self) -> str:
        sid = await self.pick(Session.filter(status=SessionStatus.SCHEDULED, starts_at__gt=self.now))
        if sid is None:
            return "nothing scheduled"
        day = self.today + timedelta(days=self.rng.randint(0, 14))
        await sessions.reschedule_session(sid, self.local(day, self.minute()), now=self.now)
        return f"session {sid} to {day}"

    async def end(self) -> str:
        sid = await self.pick(Session.filter(status=SessionStatus.SCHEDULED, starts_at__lt=self.now))
        if sid is None:
            return "nothing to end"
        session = await Session.get(id=sid)
        status = self.rng.choice(
            [SessionStatus.COMPLETED, SessionStatus.COMPLETED, SessionStatus.STUDENT_ABSENT]
        )
        after = max(self.now, session.starts_at + timedelta(minutes=session.duration_minutes))
        following = None
        if self.rng.random() < 0.4:
            local = (session.starts_at + timedelta(days=7)).astimezone(PARIS).replace(tzinfo=None)
            following = (
                local if self.rng.random() < 0.8 else local + timedelta(days=self.rng.randint(-20, 30))
            )
        await sessions.end_session(
            sessions.EndInput(
                sid, status=status, notes="held", private_comment="ok", next_starts_at=following
            ),
            self.settings.rates,
            now=after,
        )
        return f"session {sid} {status.value}, next {following}"

    async def cancel(self) -> str:
        sid = await self.pick(Session.filter(status=SessionStatus.SCHEDULED, starts_at__gt=self.now))
        if sid is None:
            return "nothing to cancel"
        await sessions.cancel_session(sid, self.settings.rates, now=self.now)
        return f"session {sid}"

    async def absence(self, long: bool) -> str:
        mentor = await self.pick(Mentor.all())
        if mentor is None:
            return "no mentor"
        start = self.today + timedelta(days=self.rng.randint(1, 21))
        days = self.rng.randint(15, 40) if long else self.rng.randint(1, 14)
        await absences.record_absence(
            mentor,
            start,
            start + timedelta(days=days - 1),
            "away",
            actor=f"mentor:{mentor}",
            today=self.today,
            now=self.now,
        )
        return f"mentor {mentor} from {start} for {days} days"

    async def cancel_absence(self) -> str:
        aid = await self.pick(MentorAbsence.filter(cancelled_at__isnull=True, starts_on__gt=self.today))
        if aid is None:
            return "no absence ahead"
        await absences.cancel_absence(aid, actor=ACTOR, today=self.today)
        return f"absence {aid}"

    async def notice(self) -> str:
        mentor = await self.pick(Mentor.all())
        if mentor is None:
            return "no mentor"
        if self.rng.random() < 0.3:
            await departures.withdraw_notice(mentor, actor=ACTOR, today=self.today)
            return f"mentor {mentor} withdrew"
        last = self.today + timedelta(days=self.rng.randint(10, 35))
        await departures.give_notice(mentor, last, actor=f"mentor:{mentor}", today=self.today)
        return f"mentor {mentor} leaves after {last}"

    async def change(self) -> str:
        pair = await self.current_pair()
        if pair is None:
            return "no pair"
        side = self.rng.choice(["student", "mentor"])
        await change_requests.request_change(
            pair.id,
            side=side,  # type: ignore[arg-type]
            actor=f"{side}:{pair.student_id if side == 'student' else pair.mentor_id}",
            propose_replacement=self.rng.random() < 0.3,
            today=self.today,
        )
        return f"pair {pair.id} by the {side}"

    async def finish(self) -> str:
        sid = await self.pick(Student.all())
        if sid is None:
            return "no student"
        project_id = (await Student.get(id=sid)).current_project_id
        if self.rng.random() < 0.8 and not await submissions.is_verified(sid, project_id):
            # R20: most mentors verify the project first; the others leave its presentation waiting.
            await submissions.mark_submitted(sid, project_id, actor=ACTOR, now=self.now)
            await submissions.verify(sid, project_id, actor=ACTOR, now=self.now)
        done = await progress.finish_project(sid, actor=ACTOR, today=self.today, now=self.now)
        return f"student {sid}: assessor {done.assessment.assessor_id}, mentor kept {done.mentor_kept}"

    async def assess(self) -> str:
        if self.rng.random() < 0.5:
            aid = await self.pick(
                Assessment.filter(status=AssessmentStatus.SCHEDULED, starts_at__lt=self.now)
            )
            if aid is not None:
                await assessments.record_result(aid, self.rng.random() < 0.8, "presented", now=self.now)
                return f"result of assessment {aid}"
        aid = await self.pick(Assessment.filter(status__in=list(assessments.OPEN)))
        mentor = await self.pick(Mentor.all())
        if aid is None or mentor is None:
            return "nothing to assess"
        day = self.today + timedelta(days=self.rng.randint(1, 10))
        await assessments.assign_assessor(
            aid, mentor, self.local(day, self.minute()), actor=ACTOR, now=self.now
        )
        return f"assessment {aid} to mentor {mentor} on {day}"

    async def capacity(self) -> str:
        mentor = await self.pick(Mentor.all())
        if mentor is None:
            return "no mentor"
        capacity = self.rng.randint(1, 8)
        await mentors.update_mentor(mentor, mentors.MentorPatch(capacity=capacity))
        return f"mentor {mentor} capacity {capacity}"

    async def newcomer(self) -> str:
        self.people += 1
        projects = await Project.all().order_by("id")
        project = self.rng.choice(projects)
        days = sorted(self.rng.sample(range(6), k=3))
        if self.rng.random() < 0.5:
            mentor = await mentors.create_mentor(
                mentors.MentorInput(
                    name=f"New mentor {self.people}",
                    email=f"new-mentor-{self.people}@random.example",
                    capacity=self.rng.randint(2, 6),
                    project_ids=[p.id for p in projects if p.path_id == project.path_id],
                    start_date=self.today - timedelta(days=100),
                    availability=[WeeklyWindow(d, 18 * 60, 21 * 60) for d in days],
                ),
                actor=ACTOR,
            )
            return f"mentor {mentor.id}"
        student = await students.create_student(
            students.StudentInput(
                name=f"New student {self.people}",
                email=f"new-student-{self.people}@random.example",
                path_id=project.path_id,
                current_project_id=project.id,
                phone="+33 6 00 00 00 00",
                address="1 rue de la Paix, Paris",
                photo_url="https://photos.example/x.jpg",
                latest_diploma="Licence",
                training_objective="Change careers",
                availability=[WeeklyWindow(d, 18 * 60, 22 * 60) for d in days],
            )
        )
        return f"student {student.id}"

    async def time_passes(self) -> str:
        self.today += timedelta(days=self.rng.randint(1, 4))
        report = await daily.apply_due(self.today)
        return f"to {self.today}: {dict(report)}"


OPERATIONS: list[tuple[str, int, Callable[[Driver], Awaitable[str]]]] = [
    ("pair_by_hand", 4, Driver.pair_by_hand),
    ("run_and_publish", 2, Driver.run_and_publish),
    ("queued_runs", 3, Driver.queued_runs),
    ("book", 12, Driver.book),
    ("series", 6, Driver.series),
    ("reschedule", 5, Driver.reschedule),
    ("end", 10, Driver.end),
    ("cancel", 3, Driver.cancel),
    ("short_absence", 2, lambda d: d.absence(False)),
    ("long_absence", 1, lambda d: d.absence(True)),
    ("cancel_absence", 1, Driver.cancel_absence),
    ("notice", 1, Driver.notice),
    ("change_request", 2, Driver.change),
    ("finish_project", 3, Driver.finish),
    ("assessment", 3, Driver.assess),
    ("capacity", 1, Driver.capacity),
    ("newcomer", 2, Driver.newcomer),
    ("time_passes", 8, Driver.time_passes),
]


async def run(
    operations: int,
    settings: Settings,
    *,
    seed: int = 1,
    students_count: int = 14,
    mentors_count: int = 6,
    progress_every: int = 0,
) -> Outcome:
    """Build a small world and run ``operations`` random operations, checking every invariant after each."""
    rng = random.Random(seed)
    first = default_first_week(datetime.now(PARIS).date())
    config = TermConfig(students=students_count, mentors=mentors_count, seed=seed)
    await build_world(config, rng, first)
    driver = Driver(rng, settings, first)
    outcome = Outcome()
    weights = [w for _, w, _ in OPERATIONS]
    started = time.perf_counter()
    for step in range(1, operations + 1):
        index = rng.choices(range(len(OPERATIONS)), weights=weights)[0]
        name, _, operation = OPERATIONS[index]
        outcome.operations[name] += 1
        try:
            said = await operation(driver)
        except DomainError as exc:
            outcome.refused[exc.code.value] += 1
            said = f"refused {exc.code.value}: {exc.message}"
        except Exception as exc:  # a finding: kept with the operations that led to it
            text = f"{type(exc).__name__}: {exc}"
            history = [*driver.history, f"{step} {name}: {text}"]
            outcome.unexpected.append(Finding(step, name, traceback.format_exc(limit=6), history))
            said = f"UNEXPECTED {text}"
        driver.history.append(f"{step} [{driver.today}] {name}: {said}")
        report = await check_all(today=driver.today, now=driver.now, rates=settings.rates)
        outcome.checks += len(report.violations)
        for violation in report.all():
            key = str(violation)
            if key not in outcome.violations:
                outcome.violations[key] = Finding(step, name, key, list(driver.history))
        if progress_every and step % progress_every == 0:
            print(
                f"{step} operations, {len(outcome.violations)} violations, "
                f"{len(outcome.unexpected)} unexpected, {time.perf_counter() - started:.0f} s",
                flush=True,
            )
    outcome.seconds = time.perf_counter() - started
    return outcome


def summary(outcome: Outcome, *, history: int = 12) -> str:
    lines = [
        f"operations run: {outcome.total} in {outcome.seconds:.0f} s",
        "  " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.operations.items())),
        f"refused by code: {sum(outcome.refused.values())}",
        "  " + (", ".join(f"{k} {v}" for k, v in outcome.refused.most_common()) or "none"),
        f"invariants checked: {outcome.checks} ({len(INVARIANTS)} invariants after each operation)",
        f"violations found: {len(outcome.violations)}",
    ]
    lines += [f"  {name}: {n}" for name, n in outcome.by_invariant().most_common()]
    first_by_invariant: dict[str, Finding] = {}
    for key, finding in outcome.violations.items():
        first_by_invariant.setdefault(key.split(":", 1)[0], finding)
    for name, finding in first_by_invariant.items():
        lines.append(f"first {name} at operation {finding.step} ({finding.operation}): {finding.text}")
        lines += [f"    {h}" for h in finding.history[-history:]]
    lines.append(f"unexpected exceptions: {len(outcome.unexpected)}")
    for finding in outcome.unexpected[:5]:
        lines.append(f"  at operation {finding.step} ({finding.operation}):")
        lines += [f"    {h}" for h in finding.history[-history:]]
        lines += [f"    {line}" for line in finding.text.strip().splitlines()[-4:]]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> int:
    from scenarios.term import _fresh_database

    settings = Settings(database_url=args.database_url)
    await _fresh_database(args.database_url)
    await connections.connect_database(settings)
    try:
        await connections.migrate()
        outcome = await run(args.operations, settings, seed=args.seed, progress_every=args.progress)
        print(summary(outcome))
        return 1 if outcome.violations or outcome.unexpected else 0
    finally:
        await connections.disconnect()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--operations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--progress", type=int, default=500, help="print a line every N operations")
    parser.add_argument(
        "--database-url",
        default="sqlite:///tmp/mentormatch-random-ops.sqlite3",
        help="dropped and re-created",
    )
    args = parser.parse_args()
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["OPERATIONS", "Driver", "Outcome", "run", "summary"]
