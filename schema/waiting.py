"""The waiting queue as a query (staff only): students with no current mentor, longest waiting
first, with their previous and forbidden mentors (R7)."""

from __future__ import annotations

import base64
from datetime import date

import strawberry

from domain.errors import ValidationFailed
from domain.services import waiting
from schema.context import Info
from schema.pagination import Connection, Edge, PageInfo, page_size
from schema.queries import _typed
from schema.types import MentorshipEndReason, Student

_KIND = "Waiting"


@strawberry.type(description="A student waiting for a mentor, with what a re-match must know.")
class WaitingStudent:
    student_id: int
    waiting_since: date = strawberry.field(
        description="The Paris date their last pair ended, or the day they were created when never paired."
    )
    last_end_reason: MentorshipEndReason | None  # type: ignore[valid-type]
    last_mentor_id: int | None
    previous_mentor_ids: list[int]
    forbidden_mentor_ids: list[int] = strawberry.field(
        description="Mentors whose pair with this student ended at either side's request (R7): never "
        "proposed again."
    )

    @staticmethod
    def of(row: waiting.WaitingStudent) -> WaitingStudent:
        return WaitingStudent(
            student_id=row.student_id,
            waiting_since=row.waiting_since,
            last_end_reason=row.last_end_reason,
            last_mentor_id=row.last_mentor_id,
            previous_mentor_ids=list(row.previous_mentor_ids),
            forbidden_mentor_ids=list(row.forbidden_mentor_ids),
        )

    @strawberry.field
    async def student(self, info: Info) -> Student:
        row = await info.context.loaders.student.load(self.student_id)
        assert row is not None
        return Student.of(row)


def encode_key(key: tuple[date, int]) -> str:
    return base64.urlsafe_b64encode(f"{_KIND}:{key[0].isoformat()}:{key[1]}".encode()).decode()


def decode_key(cursor: str | None) -> tuple[date, int] | None:
    if cursor is None:
        return None
    try:
        kind, day, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if kind != _KIND:
            raise ValueError(kind)
        return (date.fromisoformat(day), int(pk))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed("is not a cursor from this list", field="after") from exc


async def waiting_page(
    path_id: int | None, first: int | None, after: str | None, cap: int
) -> Connection[WaitingStudent]:
    size = page_size(first, cap)
    after_key = decode_key(after)
    queue = await waiting.waiting_students(path_id)
    rest = [w for w in queue if after_key is None or w.key > after_key]
    page = rest[:size]
    total = len(queue)

    async def count() -> int:
        return total

    edges = [Edge(cursor=encode_key(w.key), node=WaitingStudent.of(w)) for w in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rest) > size, end_cursor=edges[-1].cursor if edges else None),
        _count=count,
    )


@strawberry.type
class WaitingQueries:
    @strawberry.field(
        description="Staff: students with no current mentor (of one path, if given), longest waiting first "
        "(by waitingSince, then student id)."
    )
    async def waiting_students(
        self, info: Info, path_id: int | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[WaitingStudent]:
        cap = info.context.settings.max_page_size
        return await _typed(lambda: waiting_page(path_id, first, after, cap))
