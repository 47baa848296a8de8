"""The demo data obey every rule: the invariant checker finds nothing at two sizes, and the demo shows a term
in progress (past sessions with statuses and notes, upcoming ones, absences with their hand-over, a notice,
assessments)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.enums import AssessmentStatus, HandoverStatus, SessionStatus
from domain.invariants import check_all
from domain.models import Assessment, DiscoveryNote, Handover, Mentor, MentorAbsence, Session
from domain.seed import seed
from infra.settings import DEFAULT_RATES
from tests.conftest import Backend

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(("students", "seed_number"), [(150, 3), (600, 7)])
async def test_the_seed_holds_every_invariant(db: Backend, students: int, seed_number: int) -> None:
    await seed(students=students, seed_number=seed_number, today=TODAY, rates=DEFAULT_RATES)
    report = await check_all(today=TODAY, rates=DEFAULT_RATES)
    assert report.total == 0, [str(v) for v in report.all()[:20]]


async def test_the_seed_shows_a_term_in_progress(db: Backend) -> None:
    await seed(students=300, seed_number=7, today=TODAY, rates=DEFAULT_RATES)
    held = Session.filter(status=SessionStatus.COMPLETED, ended_at__isnull=False).exclude(notes="")
    assert await held.count() > 100
    assert await Session.filter(status=SessionStatus.SCHEDULED).count() > 50
    assert await Session.filter(catch_up=True).exists()
    assert await DiscoveryNote.exists()
    assert await MentorAbsence.filter(long=False).exists()
    assert await Handover.filter(status=HandoverStatus.WAITING).exists()
    assert await Mentor.filter(last_day__isnull=False).exists()
    assert await Assessment.filter(status=AssessmentStatus.PASSED).exists()
    assert await Assessment.filter(status=AssessmentStatus.SCHEDULED).exists()
