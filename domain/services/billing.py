"""A mentor's monthly statement (R17): ended sessions of a Paris calendar month, by level and status.

Amounts were frozen when each session ended (level of the student's project at that moment, rate from
configuration), so a statement never changes when a student moves on or the rates change later.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from domain.enums import SessionKind, SessionStatus
from domain.errors import ValidationFailed
from domain.models import Mentor, Session, Student
from domain.paris_time import PARIS, local_to_utc, require_supported_date
from domain.services._common import get_or_not_found
from domain.services.sessions import BILLABLE


@dataclass(frozen=True, slots=True)
class StatementLine:
    session_id: int
    starts_at: datetime
    student_id: int
    student_name: str
    kind: SessionKind
    status: SessionStatus
    level: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class StatementGroup:
    level: int
    status: SessionStatus
    sessions: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    mentor_id: int
    mentor_name: str
    month: date  # first day of the month
    lines: list[StatementLine]
    groups: list[StatementGroup]
    total: Decimal
    billable_sessions: int
    not_ended: int  # sessions of the month that started but were not ended yet (not on this statement)


def parse_month(text: str, *, field: str = "month") -> date:
    """``"YYYY-MM"`` to the first day of that month."""
    try:
        month = datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError as exc:
        raise ValidationFailed(f"{text!r} is not a month as YYYY-MM", field=field) from exc
    return require_supported_date(month, field=field)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """UTC bounds of a Paris calendar month (midnight never falls in a Paris DST gap)."""
    first = month.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return (
        local_to_utc(datetime.combine(first, time()), PARIS, fold=0),
        local_to_utc(datetime.combine(following, time()), PARIS, fold=0),
    )


async def monthly_statement(mentor_id: int, month: date, *, now: datetime) -> Statement:
    mentor = await get_or_not_found(Mentor, mentor_id, field="mentorId")
    start, end = month_bounds(month)
    rows = await Session.filter(
        mentor_id=mentor_id, starts_at__gte=start, starts_at__lt=end, ended_at__isnull=False
    ).order_by("starts_at", "id")
    names = {s.id: s.name for s in await Student.filter(id__in={r.student_id for r in rows})}
    lines = [
        StatementLine(
            session_id=r.id,
            starts_at=r.starts_at,
            student_id=r.student_id,
            student_name=names.get(r.student_id, ""),
            kind=r.kind,
            status=r.status,
            level=r.billed_level or 0,
            amount=Decimal(r.billed_amount or 0).quantize(Decimal("0.01")),
        )
        for r in rows
    ]
    totals: dict[tuple[int, SessionStatus], tuple[int, Decimal]] = {}
    for line in lines:
        count, amount = totals.get((line.level, line.status), (0, Decimal("0.00")))
        totals[(line.level, line.status)] = (count + 1, amount + line.amount)
    order = list(SessionStatus)
    groups = [
        StatementGroup(level=level, status=status, sessions=count, amount=amount)
        for (level, status), (count, amount) in sorted(
            totals.items(), key=lambda kv: (kv[0][0], order.index(kv[0][1]))
        )
    ]
    not_ended = (
        await Session.filter(
            mentor_id=mentor_id, starts_at__gte=start, starts_at__lt=min(end, now), ended_at__isnull=True
        )
        .exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.LATE_CANCELLED])
        .count()
    )
    return Statement(
        mentor_id=mentor.id,
        mentor_name=mentor.name,
        month=month.replace(day=1),
        lines=lines,
        groups=groups,
        total=sum((line.amount for line in lines), Decimal("0.00")),
        billable_sessions=sum(1 for line in lines if line.status in BILLABLE),
        not_ended=not_ended,
    )


CSV_HEADER = (
    "session_id",
    "starts_at_paris",
    "student_id",
    "student",
    "kind",
    "status",
    "level",
    "amount_eur",
)


# OWASP's rule against CSV (formula) injection: a cell that starts with one of these is taken as a formula by
# spreadsheets, so it is written with a leading single quote (shown as text, the quote hidden).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: object) -> object:
    """A text cell that a spreadsheet would evaluate, made inert; numbers and other cells unchanged."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


class _SafeWriter:
    def __init__(self, out: io.StringIO) -> None:
        self._writer = csv.writer(out, lineterminator="\r\n")

    def writerow(self, row: tuple[object, ...]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])


def statement_csv(statement: Statement) -> str:
    """One row per session, then one per (level, status) group and a total; amounts as plain decimals.
    Text cells are escaped against formula injection (``spreadsheet_safe``)."""
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow(CSV_HEADER)
    for line in statement.lines:
        writer.writerow(
            (
                line.session_id,
                line.starts_at.astimezone(PARIS).isoformat(timespec="minutes"),
                line.student_id,
                line.student_name,
                line.kind.value,
                line.status.value,
                line.level,
                f"{line.amount:.2f}",
            )
        )
    for group in statement.groups:
        writer.writerow(
            (
                "",
                "",
                "",
                f"subtotal ({group.sessions} sessions)",
                "",
                group.status.value,
                group.level,
                f"{group.amount:.2f}",
            )
        )
    writer.writerow(
        ("", "", "", f"total ({len(statement.lines)} sessions)", "", "", "", f"{statement.total:.2f}")
    )
    return out.getvalue()
