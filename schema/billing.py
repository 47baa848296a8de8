"""Billing queries: a mentor's monthly statement (R17), as structured data and as CSV."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import strawberry

from domain.paris_time import PARIS
from domain.services import billing
from domain.services.sessions import utc_now
from schema.context import Info
from schema.queries import _typed
from schema.types import SessionKind, SessionStatus


@strawberry.type
class StatementLine:
    session_id: int
    starts_at: datetime
    starts_at_paris: str
    student_id: int
    student_name: str
    kind: SessionKind  # type: ignore[valid-type]
    status: SessionStatus  # type: ignore[valid-type]
    level: int
    amount: Decimal


@strawberry.type(description="Sessions of one project level and one status, with their total.")
class StatementGroup:
    level: int
    status: SessionStatus  # type: ignore[valid-type]
    sessions: int
    amount: Decimal


@strawberry.type(description="Ended sessions of a Paris calendar month, by level and status (R17), in EUR.")
class MentorStatement:
    mentor_id: int
    mentor_name: str
    month: date
    lines: list[StatementLine]
    groups: list[StatementGroup]
    total: Decimal
    billable_sessions: int
    not_ended: int = strawberry.field(
        description="Sessions of the month that took place but were not ended yet: not on the statement."
    )
    csv: str = strawberry.field(description="The same statement as CSV (also at /statements/...csv).")

    @staticmethod
    def of(s: billing.Statement) -> MentorStatement:
        return MentorStatement(
            mentor_id=s.mentor_id,
            mentor_name=s.mentor_name,
            month=s.month,
            lines=[
                StatementLine(
                    session_id=line.session_id,
                    starts_at=line.starts_at,
                    starts_at_paris=line.starts_at.astimezone(PARIS).isoformat(timespec="minutes"),
                    student_id=line.student_id,
                    student_name=line.student_name,
                    kind=line.kind,
                    status=line.status,
                    level=line.level,
                    amount=line.amount,
                )
                for line in s.lines
            ],
            groups=[
                StatementGroup(level=g.level, status=g.status, sessions=g.sessions, amount=g.amount)
                for g in s.groups
            ],
            total=s.total,
            billable_sessions=s.billable_sessions,
            not_ended=s.not_ended,
            csv=billing.statement_csv(s),
        )


@strawberry.type
class BillingQueries:
    @strawberry.field(description="A mentor's statement for a Paris calendar month, `month` as YYYY-MM.")
    async def mentor_statement(self, info: Info, mentor_id: int, month: str) -> MentorStatement:
        async def run() -> MentorStatement:
            statement = await billing.monthly_statement(mentor_id, billing.parse_month(month), now=utc_now())
            return MentorStatement.of(statement)

        return await _typed(run)
