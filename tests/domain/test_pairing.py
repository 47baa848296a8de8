"""The one way pairs start and end (``domain.services.pairing``), on both databases: an audit row and an
event for each side every time, and an ended pair's later sessions cancelled without penalty."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from domain.enums import MentorshipEndReason, PairingAction, PairingCause, SessionKind, SessionStatus
from domain.models import Event, PairingChange, Session
from domain.paris_time import paris_today
from domain.services import pairing, sessions
from tests.conftest import Backend
from tests.factories import catalogue, mentor, open_all_week, pair, student

TODAY = paris_today()


async def test_ending_a_pair_frees_its_later_sessions_and_is_audited(db: Backend) -> None:
    path, projects = await catalogue(1)
    m = await mentor(projects)
    s = await student(path, projects[0])
    pairing_ = await pair(s, m, datetime.combine(TODAY - timedelta(days=14), time(19)))
    later = await sessions.book_session(
        sessions.BookingInput(pairing_.id, datetime.combine(TODAY + timedelta(days=8), time(19)))
    )

    async with in_transaction():
        await pairing.end_pair(
            pairing_,
            ended_on=TODAY + timedelta(days=1),
            reason=MentorshipEndReason.CHANGE_REQUESTED_BY_MENTOR,
            change=pairing.Change(PairingCause.REQUEST, actor=f"mentor:{m.id}", reason="no reason needed"),
        )

    freed = await Session.get(id=later.id)
    assert (freed.status, freed.billed_amount) == (SessionStatus.CANCELLED, Decimal("0"))
    rows = await PairingChange.filter(mentorship_id=pairing_.id).order_by("id")
    assert [(r.action, r.cause, r.actor) for r in rows] == [
        (PairingAction.STARTED, PairingCause.MANUAL, "system"),
        (PairingAction.ENDED, PairingCause.REQUEST, f"mentor:{m.id}"),
    ]
    ended = await Event.filter(kind="mentorship_ended").order_by("topic")
    assert [e.topic for e in ended] == [f"mentor:{m.id}", f"student:{s.id}"]
    assert ended[0].payload["endReason"] == "change_requested_by_mentor"


async def test_a_pair_ended_before_its_first_day_keeps_no_session(db: Backend) -> None:
    path, projects = await catalogue(1)
    m = await mentor(projects)
    s = await student(path, projects[0])
    await open_all_week(mentor_id=m.id, student_id=s.id)  # TODAY + 5 may be a weekend
    upcoming = await pair(s, m, datetime.combine(TODAY + timedelta(days=5), time(19)))
    discovery = await Session.get(mentorship_id=upcoming.id, kind=SessionKind.DISCOVERY)

    async with in_transaction():
        ended = await pairing.end_pair(
            upcoming,
            ended_on=TODAY,
            reason=MentorshipEndReason.CHANGE_REQUESTED_BY_STUDENT,
            change=pairing.Change(PairingCause.REQUEST, actor=f"student:{s.id}"),
        )

    assert ended.ended_on == upcoming.started_on == TODAY + timedelta(days=5)
    assert (await Session.get(id=discovery.id)).status is SessionStatus.CANCELLED
