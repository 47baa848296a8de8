"""Per-request DataLoaders: each nested list or link is fetched in one SQL query per level, whatever the
page size. A loader's batch function returns its values in the order of its keys."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from domain import payloads
from domain.models import (
    Certification,
    DiscoveryNote,
    Handover,
    MatchingRun,
    Mentor,
    MentorAvailability,
    MentorPath,
    Mentorship,
    PairingChange,
    Path,
    Project,
    RunReview,
    Session,
    Student,
    StudentAvailability,
)
from domain.paris_time import PARIS, local_to_utc
from domain.services import run_review
from domain.services.run_review import MentorLoad, PairChange, Review, review_many

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
M = TypeVar("M", bound=Model)


def _group(rows: Iterable[V], key: Callable[[V], K], keys: Sequence[K]) -> list[list[V]]:
    grouped: dict[K, list[V]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return [grouped.get(k, []) for k in keys]


def _by_id(model: type[M]) -> DataLoader[int, M | None]:
    async def load(ids: list[int]) -> list[M | None]:
        found = {obj.pk: obj for obj in await model.filter(id__in=ids)}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


async def _runs(ids: list[UUID]) -> list[MatchingRun | None]:
    found = {run.id: run for run in await MatchingRun.filter(id__in=ids)}
    return [found.get(i) for i in ids]


def paris_week_bounds(day: date) -> tuple[datetime, datetime]:
    """UTC bounds of the Paris ISO week containing ``day`` (Monday 00:00 to next Monday 00:00)."""
    monday = day - timedelta(days=day.weekday())
    start = local_to_utc(datetime.combine(monday, time()), PARIS, fold=0)
    end = local_to_utc(datetime.combine(monday + timedelta(days=7), time()), PARIS, fold=0)
    return start, end


class Loaders:
    def __init__(self) -> None:
        self.path: DataLoader[int, Path | None] = _by_id(Path)
        self.project: DataLoader[int, Project | None] = DataLoader(load_fn=self._projects)
        self.mentor: DataLoader[int, Mentor | None] = _by_id(Mentor)
        self.student: DataLoader[int, Student | None] = _by_id(Student)
        self.mentorship: DataLoader[int, Mentorship | None] = _by_id(Mentorship)
        self.project_ids_by_mentor: DataLoader[int, list[int]] = DataLoader(load_fn=self._project_ids)
        self.mentor_windows: DataLoader[int, list[MentorAvailability]] = DataLoader(
            load_fn=self._mentor_windows
        )
        self.student_windows: DataLoader[int, list[StudentAvailability]] = DataLoader(
            load_fn=self._student_windows
        )
        self.current_mentorships_by_mentor: DataLoader[int, list[Mentorship]] = DataLoader(
            load_fn=self._current_by_mentor
        )
        self.current_mentorship_by_student: DataLoader[int, Mentorship | None] = DataLoader(
            load_fn=self._current_by_student
        )
        self.sessions_by_student_week: DataLoader[tuple[int, date | None], list[Session]] = DataLoader(
            load_fn=self._sessions_by_student_week
        )
        self.paths_by_mentor: DataLoader[int, list[MentorPath]] = DataLoader(load_fn=self._paths_by_mentor)
        self.changes_by_mentorship: DataLoader[int, list[PairingChange]] = DataLoader(
            load_fn=self._changes_by_mentorship
        )
        self.projects_by_path: DataLoader[int, list[Project]] = DataLoader(load_fn=self._projects_by_path)
        self.discovery_note_by_session: DataLoader[int, DiscoveryNote | None] = DataLoader(
            load_fn=self._discovery_notes
        )
        self.handovers_by_absence: DataLoader[int, list[Handover]] = DataLoader(
            load_fn=self._handovers_by_absence
        )
        self.certification_by_student: DataLoader[int, Certification | None] = DataLoader(
            load_fn=self._certifications
        )
        # Keyed by the run row, whose stored proposal it reviews against the current pairs; batched but not
        # cached, so that a run shown again after a mutation of the same request is reviewed afresh.
        # Runs read whole (with their stored result and snapshot) when a list that read them partially
        # asks for a proposal.
        self.run: DataLoader[UUID, MatchingRun | None] = DataLoader(load_fn=_runs)
        self.review_of_run: DataLoader[MatchingRun, Review | None] = DataLoader(
            load_fn=review_many, cache=False
        )
        # A run's review stored as rows with its proposal (none for a run stored before migration 0013),
        # and its whole lists (the deprecated unpaged fields), each one query for all the runs asked.
        self.stored_review: DataLoader[UUID, RunReview | None] = DataLoader(load_fn=run_review.stored_reviews)
        self.stored_pairs: DataLoader[UUID, list[PairChange]] = DataLoader(load_fn=run_review.stored_pairs)
        self.stored_loads: DataLoader[UUID, list[MentorLoad]] = DataLoader(load_fn=run_review.stored_loads)
        self.stored_unplaced: DataLoader[UUID, list[payloads.Unplaced]] = DataLoader(
            load_fn=run_review.stored_unplaced
        )

    async def projects_of_mentor(self, mentor_id: int) -> list[Project]:
        ids = await self.project_ids_by_mentor.load(mentor_id)
        projects = await self.project.load_many(ids)
        return [p for p in projects if p is not None]

    async def _projects(self, ids: list[int]) -> list[Project | None]:
        """Projects with their path (primed: a project's path is the next thing asked for)."""
        found = {}
        for row in await Project.filter(id__in=ids).select_related("path"):
            self.path.prime(row.path_id, row.path)
            found[row.id] = row
        return [found.get(i) for i in ids]

    async def _project_ids(self, mentor_ids: list[int]) -> list[list[int]]:
        rows: list[dict[str, Any]] = await Mentor.filter(id__in=mentor_ids).values("id", "projects__id")
        pairs = [(r["id"], r["projects__id"]) for r in rows if r["projects__id"] is not None]
        return [[pid for _, pid in group] for group in _group(sorted(pairs), lambda p: p[0], mentor_ids)]

    async def _mentor_windows(self, mentor_ids: list[int]) -> list[list[MentorAvailability]]:
        rows = await MentorAvailability.filter(mentor_id__in=mentor_ids).order_by("weekday", "start_minute")
        return _group(rows, lambda w: w.mentor_id, mentor_ids)

    async def _student_windows(self, student_ids: list[int]) -> list[list[StudentAvailability]]:
        rows = await StudentAvailability.filter(student_id__in=student_ids).order_by(
            "weekday", "start_minute"
        )
        return _group(rows, lambda w: w.student_id, student_ids)

    async def _current_by_mentor(self, mentor_ids: list[int]) -> list[list[Mentorship]]:
        rows = await Mentorship.filter(mentor_id__in=mentor_ids, ended_on__isnull=True).select_related(
            "student"
        )
        for row in rows:
            self.student.prime(row.student_id, row.student)
            self.current_mentorship_by_student.prime(row.student_id, row)
            self.mentorship.prime(row.id, row)
        return _group(rows, lambda m: m.mentor_id, mentor_ids)

    async def _current_by_student(self, student_ids: list[int]) -> list[Mentorship | None]:
        rows = await Mentorship.filter(student_id__in=student_ids, ended_on__isnull=True)
        found = {m.student_id: m for m in rows}
        return [found.get(i) for i in student_ids]

    async def _paths_by_mentor(self, mentor_ids: list[int]) -> list[list[MentorPath]]:
        """R3: each mentor's paths, oldest first, with their Path rows (primed: no query per path)."""
        rows = (
            await MentorPath.filter(mentor_id__in=mentor_ids)
            .select_related("path")
            .order_by("added_on", "id")
        )
        for row in rows:
            self.path.prime(row.path_id, row.path)
        return _group(rows, lambda r: r.mentor_id, mentor_ids)

    async def _changes_by_mentorship(self, mentorship_ids: list[int]) -> list[list[PairingChange]]:
        rows = await PairingChange.filter(mentorship_id__in=mentorship_ids).order_by("id")
        return _group(rows, lambda r: r.mentorship_id, mentorship_ids)

    async def _projects_by_path(self, path_ids: list[int]) -> list[list[Project]]:
        rows = await Project.filter(path_id__in=path_ids).order_by("position", "id")
        for row in rows:
            self.project.prime(row.id, row)
        return _group(rows, lambda p: p.path_id, path_ids)

    async def _discovery_notes(self, session_ids: list[int]) -> list[DiscoveryNote | None]:
        found = {n.session_id: n for n in await DiscoveryNote.filter(session_id__in=session_ids)}
        return [found.get(i) for i in session_ids]

    async def _certifications(self, student_ids: list[int]) -> list[Certification | None]:
        found = {c.student_id: c for c in await Certification.filter(student_id__in=student_ids)}
        return [found.get(i) for i in student_ids]

    async def _handovers_by_absence(self, absence_ids: list[int]) -> list[list[Handover]]:
        rows = await Handover.filter(absence_id__in=absence_ids).order_by("student_id", "id")
        return _group(rows, lambda h: h.absence_id, absence_ids)

    async def _sessions_by_student_week(self, keys: list[tuple[int, date | None]]) -> list[list[Session]]:
        by_week: dict[date | None, list[int]] = defaultdict(list)
        for student_id, week in keys:
            by_week[week].append(student_id)
        found: dict[tuple[int, date | None], list[Session]] = defaultdict(list)
        for week, student_ids in by_week.items():
            # A session carries its pair's student (domain.models.fill_session_owners): no join. The
            # access check of each session loads its pair, already primed for current pairs.
            qs = Session.filter(student_id__in=student_ids)
            if week is not None:
                start, end = paris_week_bounds(week)
                qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
            for session in await qs.order_by("starts_at"):
                found[(session.student_id, week)].append(session)
        return [found.get(k, []) for k in keys]
