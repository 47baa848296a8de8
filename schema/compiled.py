"""Compiled reads: a known query document answered by a dedicated reader instead of the generic executor.

The mentor dashboard (README's example: one mentor, their students with current project, slot and the
sessions of a week) walks ~400 fields of a response through graphql-core, strawberry's resolvers, the
access guard on each object and six ORM statements: ~10 ms of CPU where the same JSON built from one
SQL statement takes well under one. ``CompiledReads`` (a schema extension, after ``AccessGuard``)
recognises such a document after parsing, validation and the cost check (the same printed document, so
layout and comments do not matter; decided once per query text), and sets the result before the
executor runs. Everything else a request goes through (limits, token check, error masking, the cost in
``extensions``) is unchanged, and the client sees the same schema and the same JSON.

A reader returns ``None`` whenever it cannot answer exactly as the generic path would, and the generic
path then runs: another database than PostgreSQL, a viewer the generic guard would filter (anyone but
staff and the mentor themself), variables that would not coerce or would fail an argument check, a
mentor that does not exist, a page size over the cap. The access rules it relies on are the guard's own
functions (``domain.access``), applied to the rows it read. ``tests/schema/test_compiled.py`` compares
its JSON with the generic path's on random data and viewers.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from graphql import DocumentNode, ExecutionResult, OperationDefinitionNode, parse, print_ast
from strawberry.extensions import SchemaExtension
from tortoise import connections

from domain.access import may_read_session, owns_pair
from domain.enums import SessionKind, SessionStatus
from domain.errors import DomainError
from domain.paris_time import PARIS, WeeklyWindow, require_supported_date
from schema.context import Context
from schema.loaders import paris_week_bounds
from schema.types import hhmm, paris_week

log = logging.getLogger(__name__)

INT32 = (-(2**31), 2**31 - 1)

Reader = Callable[[Context, Mapping[str, Any]], Awaitable[dict[str, Any] | None]]


# The README's mentor dashboard, as clients send it (any layout: documents are compared printed).
DASHBOARD = """
query Dashboard($id: Int!, $week: Date!) {
  mentor(id: $id) {
    name capacity load
    parisAvailability(week: $week) { shiftMinutes windows { weekday start end } }
    students(first: 20) { edges { node {
      name email phone
      currentProject { name level path { name } }
      mentorship { slot { weekday start minutes } }
      sessions(week: $week) { startsAt startsAtParis status kind }
    } } }
  }
}"""
DASHBOARD_PAGE = 20

# One statement: the mentor, its windows, its current pairs with student, project and path, and the
# sessions of the week of those students (with their pair's people, for the session check), as arrays of
# rows that asyncpg decodes natively (timestamps exactly as the ORM reads them).
DASHBOARD_SQL = """
SELECT m.name, m.capacity, m.timezone,
  ARRAY(SELECT ROW(a.weekday, a.start_minute, a.end_minute) FROM mentor_availability a
        WHERE a.mentor_id = m.id ORDER BY a.weekday, a.start_minute, a.id) AS windows,
  ARRAY(SELECT ROW(s.id, s.name, s.email, s.phone, p.name, p.level, pa.name,
                   ms.mentor_id, ms.student_id, ms.slot_weekday, ms.slot_start_minute, ms.slot_minutes)
        FROM mentorship ms JOIN student s ON s.id = ms.student_id
        LEFT JOIN project p ON p.id = s.current_project_id LEFT JOIN path pa ON pa.id = p.path_id
        WHERE ms.mentor_id = m.id AND ms.ended_on IS NULL ORDER BY s.id, ms.id) AS pairs,
  ARRAY(SELECT ROW(se.student_id, se.starts_at, se.status, se.kind, x.mentor_id, x.student_id)
        FROM session se JOIN mentorship x ON x.id = se.mentorship_id
        WHERE se.student_id IN (SELECT c.student_id FROM mentorship c
                                WHERE c.mentor_id = m.id AND c.ended_on IS NULL)
          AND se.starts_at >= $2 AND se.starts_at < $3
        ORDER BY se.starts_at, se.id) AS sessions
FROM mentor m WHERE m.id = $1
"""


async def _rows(sql: str, *values: Any) -> list[Any]:
    _, rows = await connections.get("default").execute_query(sql, list(values))
    return list(rows)


async def dashboard(context: Context, variables: Mapping[str, Any]) -> dict[str, Any] | None:
    settings = context.settings
    mentor_id, raw_week = variables.get("id"), variables.get("week")
    if not settings.uses_postgres or settings.max_page_size < DASHBOARD_PAGE:
        return None
    if type(mentor_id) is not int or not INT32[0] <= mentor_id <= INT32[1] or type(raw_week) is not str:
        return None
    try:  # as strawberry's Date scalar parses it, and the argument check (schema.inputs) bounds it
        week = require_supported_date(date.fromisoformat(raw_week), field="week")
    except (ValueError, DomainError):
        return None
    viewer = await context.current_viewer()
    # Query.mentor's policy (authenticated) and the guard's may_read on the Mentor, then on each Student
    # (their current mentor) and Mentorship: all true for staff and for the mentor themself, the only
    # viewers served here (a student of this mentor sees a filtered page: the generic path does it).
    if not viewer.is_authenticated or not (viewer.is_staff or viewer.mentor_id == mentor_id):
        return None
    start, end = paris_week_bounds(week)
    found = await _rows(DASHBOARD_SQL, mentor_id, start, end)
    if not found:
        return None
    mentor = found[0]
    # (student id, name, email, phone, project, level, path, mentor id, student id, weekday, start, minutes)
    pairs = mentor["pairs"]
    if len({p[0] for p in pairs}) != len(pairs) or any(p[4] is None for p in pairs):
        return None  # a student with two current pairs, or no project: not the shape assumed here
    page = pairs[:DASHBOARD_PAGE]
    sessions: dict[int, list[dict[str, Any]]] = {p[0]: [] for p in page}
    for student_id, at, status, kind, pair_mentor_id, pair_student_id in mentor["sessions"]:
        # The guard's check of a session: its pair's people, staff, or the student's current mentor.
        if student_id in sessions and may_read_session(viewer, pair_mentor_id, pair_student_id, mentor_id):
            sessions[student_id].append(
                {
                    "startsAt": at.isoformat(),
                    "startsAtParis": at.astimezone(PARIS).isoformat(timespec="minutes"),
                    "status": SessionStatus(status).name,
                    "kind": SessionKind(kind).name,
                }
            )
    shown = paris_week([WeeklyWindow(*w) for w in mentor["windows"]], mentor["timezone"], week)
    edges = []
    for student_id, name, email, phone, project, level, path, pair_mentor, pair_student, *slot in page:
        if not owns_pair(viewer, pair_mentor, pair_student):
            return None
        edges.append(
            {
                "node": {
                    "name": name,
                    "email": email,
                    "phone": phone,
                    "currentProject": {"name": project, "level": level, "path": {"name": path}},
                    "mentorship": {"slot": {"weekday": slot[0], "start": hhmm(slot[1]), "minutes": slot[2]}},
                    "sessions": sessions[student_id],
                }
            }
        )
    return {
        "mentor": {
            "name": mentor["name"],
            "capacity": mentor["capacity"],
            "load": len(pairs),
            "parisAvailability": {
                "shiftMinutes": shown.shift_minutes,
                "windows": [{"weekday": w.weekday, "start": w.start, "end": w.end} for w in shown.windows],
            },
            "students": {"edges": edges},
        }
    }


@dataclass(frozen=True)
class Compiled:
    operation: str
    reader: Reader


def _printed(document: DocumentNode) -> str:
    return print_ast(document)


COMPILED: dict[str, Compiled] = {_printed(parse(DASHBOARD)): Compiled("Dashboard", dashboard)}


class CompiledDocuments:
    """Which compiled reader, if any, answers a query text: decided once per text (a bounded LRU)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._found: OrderedDict[str, Compiled | None] = OrderedDict()

    def of(self, text: str, document: DocumentNode) -> Compiled | None:
        if text in self._found:
            self._found.move_to_end(text)
            return self._found[text]
        found = COMPILED.get(_printed(document))
        self._found[text] = found
        while len(self._found) > self.size:
            self._found.popitem(last=False)
        return found


class CompiledReads(SchemaExtension):
    def __init__(self, *, documents: CompiledDocuments | None = None) -> None:
        self.documents = documents if documents is not None else CompiledDocuments()

    async def on_execute(self) -> AsyncIterator[None]:
        ec = self.execution_context
        context = ec.context
        document = ec.graphql_document
        if (
            ec.result is None
            and not ec.pre_execution_errors
            and isinstance(context, Context)
            and document is not None
            and ec.query is not None
        ):
            compiled = self.documents.of(ec.query, document)
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if (
                compiled is not None
                and ec.operation_name in (None, compiled.operation)
                and len(operations) == 1
            ):
                variables = ec.variables if isinstance(ec.variables, Mapping) else {}
                try:
                    data = await compiled.reader(context, variables)
                except Exception:  # the generic path runs and answers (or masks) whatever went wrong
                    log.warning("compiled reader %s failed", compiled.operation, exc_info=True)
                    data = None
                if data is not None:
                    ec.result = ExecutionResult(data=data)
        yield
