"""Who may see and do what. One place for the rules, used by the GraphQL guard and the services.

- Staff read and do everything.
- A mentor reads themself, their current students (profile included) and the mentorships and sessions
  they are part of; and, as the student's current mentor, the student's earlier sessions with other
  mentors (notes, discovery notes, private comments: R16, continuity after a re-match); never another
  mentor's students otherwise.
- A student reads themself, their current mentor, their own mentorships and sessions and the shared
  notes; never a private comment (R16: mentors of the student and staff only).
- Anonymous callers read only the public catalogue (paths and projects).
A refused object looks exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from domain.enums import Role
from domain.models import Mentor, Mentorship, PairingChange, Session, Student


@dataclass(frozen=True, slots=True)
class Viewer:
    role: Role | None = None
    mentor_id: int | None = None
    student_id: int | None = None
    token_id: int | None = None
    expires_at: datetime | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.role is not None

    @property
    def is_staff(self) -> bool:
        return self.role is Role.STAFF


ANONYMOUS = Viewer()


def owns_pair(viewer: Viewer, mentor_id: int, student_id: int) -> bool:
    """The viewer is staff, or the mentor or the student of this pair."""
    return viewer.is_staff or viewer.mentor_id == mentor_id or viewer.student_id == student_id


def may_read_session(viewer: Viewer, mentor_id: int, student_id: int, current_mentor_id: int | None) -> bool:
    """A session: its pair's people and staff, and the student's current mentor, who carries on from the
    earlier mentors (R16: the student's history follows them through a re-match)."""
    return owns_pair(viewer, mentor_id, student_id) or (
        viewer.mentor_id is not None and viewer.mentor_id == current_mentor_id
    )


def may_read_private_comment(viewer: Viewer, mentor_id: int, current_mentor_id: int | None = None) -> bool:
    """R16: staff and the mentors of the student (the session's, and the student's current one), never the
    student."""
    return viewer.is_staff or (
        viewer.mentor_id is not None and viewer.mentor_id in (mentor_id, current_mentor_id)
    )


def visible_mentors(queryset: QuerySet[Mentor], viewer: Viewer) -> QuerySet[Mentor]:
    """Scope a mentor list to what the viewer may read (so page counts leak nothing)."""
    if viewer.is_staff:
        return queryset
    if viewer.mentor_id is not None:
        return queryset.filter(id=viewer.mentor_id)
    if viewer.student_id is not None:
        current = Mentorship.filter(student_id=viewer.student_id, ended_on__isnull=True).values("mentor_id")
        return queryset.filter(id__in=Subquery(current))
    return queryset.filter(id__in=[])


def visible_students(queryset: QuerySet[Student], viewer: Viewer) -> QuerySet[Student]:
    if viewer.is_staff:
        return queryset
    if viewer.student_id is not None:
        return queryset.filter(id=viewer.student_id)
    if viewer.mentor_id is not None:
        current = Mentorship.filter(mentor_id=viewer.mentor_id, ended_on__isnull=True).values("student_id")
        return queryset.filter(id__in=Subquery(current))
    return queryset.filter(id__in=[])


def visible_sessions(queryset: QuerySet[Session], viewer: Viewer) -> QuerySet[Session]:
    if viewer.is_staff:
        return queryset
    if viewer.mentor_id is not None:
        current = Mentorship.filter(mentor_id=viewer.mentor_id, ended_on__isnull=True).values("student_id")
        return queryset.filter(
            Q(mentorship__mentor_id=viewer.mentor_id) | Q(student_id__in=Subquery(current))
        )
    if viewer.student_id is not None:
        return queryset.filter(mentorship__student_id=viewer.student_id)
    return queryset.filter(id__in=[])


def visible_pairing_changes(queryset: QuerySet[PairingChange], viewer: Viewer) -> QuerySet[PairingChange]:
    """The audit trail: staff all of it, a mentor or a student the rows of their own pairs."""
    if viewer.is_staff:
        return queryset
    if viewer.mentor_id is not None:
        return queryset.filter(mentor_id=viewer.mentor_id)
    if viewer.student_id is not None:
        return queryset.filter(student_id=viewer.student_id)
    return queryset.filter(id__in=[])
