"""The pairing audit trail, read side: who changed which pair, when and why.

The rows are written by ``domain.services.pairing`` in the transaction of each change. Reading is scoped
in SQL, so that a page and its count show only what the viewer may read: staff every row, a mentor the
rows of their own pairs (``mentor_id``), a student the rows of their own pairs (``student_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.queryset import QuerySet

from domain.access import Viewer, visible_pairing_changes
from domain.enums import PairingCause
from domain.errors import ValidationFailed
from domain.models import PairingChange


@dataclass(frozen=True, slots=True)
class ChangeFilter:
    student_id: int | None = None
    mentor_id: int | None = None
    cause: PairingCause | None = None
    since: datetime | None = None  # included
    until: datetime | None = None  # excluded


def _instant(value: datetime | None, *, field: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValidationFailed("needs a UTC offset (e.g. 2026-11-24T18:00:00Z)", field=field)
    return value


def changes(viewer: Viewer, where: ChangeFilter) -> QuerySet[PairingChange]:
    """The audit rows the viewer may read that match ``where`` (to be paginated oldest first, by id)."""
    since = _instant(where.since, field="since")
    until = _instant(where.until, field="until")
    if since is not None and until is not None and until <= since:
        raise ValidationFailed("must be after since", field="until")
    qs = visible_pairing_changes(PairingChange.all(), viewer)
    if where.student_id is not None:
        qs = qs.filter(student_id=where.student_id)
    if where.mentor_id is not None:
        qs = qs.filter(mentor_id=where.mentor_id)
    if where.cause is not None:
        qs = qs.filter(cause=where.cause)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs
